"""Run TypeScript snippets in a real tslab kernel and print the iopub messages as JSON.

Used by test/display/kernel.test.ts to check what show(), progress() and record() send
to Jupyter. Usage: python kernel_probe.py <cwd> <out.json> < cells.json  (a JSON list of code strings);
the kernel's own output goes to this process's stdout, the messages to out.json.
"""
import json
import sys

from jupyter_client.manager import start_new_kernel


def summarise(data):
    return {k: (v[:400] if isinstance(v, str) else v if k.endswith("+json") else type(v).__name__) for k, v in data.items()}


def main():
    cells = json.load(sys.stdin)
    km, kc = start_new_kernel(kernel_name="tslab", cwd=sys.argv[1])
    results = []
    try:
        for code in cells:
            msg_id = kc.execute(code)
            msgs = []
            while True:
                msg = kc.get_iopub_msg(timeout=240)
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                kind = msg["msg_type"]
                content = msg["content"]
                if kind == "status" and content["execution_state"] == "idle":
                    break
                if kind == "stream":
                    msgs.append({"type": kind, "name": content["name"], "text": content["text"]})
                elif kind in ("display_data", "update_display_data", "execute_result"):
                    msgs.append(
                        {
                            "type": kind,
                            "data": summarise(content["data"]),
                            "metadata": content.get("metadata", {}),
                            "display_id": content.get("transient", {}).get("display_id"),
                        }
                    )
                elif kind == "error":
                    msgs.append({"type": kind, "ename": content["ename"], "evalue": content["evalue"]})
            reply = kc.get_shell_msg(timeout=240)
            while reply["parent_header"].get("msg_id") != msg_id:
                reply = kc.get_shell_msg(timeout=240)
            results.append({"status": reply["content"]["status"], "messages": msgs})
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    with open(sys.argv[2], "w") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main()
