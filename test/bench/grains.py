"""Reference side of test/bench/grains.bench.mjs: the first argument names the part
(align, watershed, descriptors); the rest go to test/bench/grains/<part>.py, which prints
the harness's JSON line { "reference": ..., "times": [...] }."""
import os
import runpy
import sys

PARTS = ("align", "watershed", "descriptors")
if len(sys.argv) < 2 or sys.argv[1] not in PARTS:
    received = sys.argv[1] if len(sys.argv) > 1 else "nothing"
    sys.exit(f"grains.py: expected a part name ({', '.join(PARTS)}) as first argument, received {received}")
script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "grains", sys.argv[1] + ".py")
sys.argv = [script] + sys.argv[2:]
runpy.run_path(script, run_name="__main__")
