"""Reference side of test/bench/unet.bench.mjs: the same 3D U-Net as kernel-lib/src/nn/unet.ts
in Keras 3 on TensorFlow CPU (tensorflow-cpu 2.21.0 from PyPI), timed per training step
(tf.function train step: forward, masked cross-entropy from logits, gradients, Adam update)
and for the tiled inference of a volume (the tiles and blending windows computed by tomolab's
tileAxis, passed in --tiling; each tile through a tf.function forward pass, softmax, blended in
numpy). Prints JSON `{ "reference": ..., "times": [...] }` with the peak RSS in the name.

Architecture (as createUNet's defaults): per level two 3x3x3 "same" convolutions + ReLU, 2x max
pooling, decoder up by nearest-neighbour x2 + 3x3x3 convolution + ReLU, concatenation
[skip, up], two convolutions, 1x1x1 head to the class logits; filters base * 2^level.

TensorFlow is not a Debian package: when the running interpreter lacks it, this script creates
(once) .cache/bench-venv-unet, installs unet-requirements.txt into it (from the wheel `npm run
setup` cached in .cache/tomolab/tensorflow/wheel when present, else PyPI) and re-runs itself
there; offline and without the wheel it reports the reference as unavailable.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
VENV = os.path.join(ROOT, ".cache", "bench-venv-unet")
VPY = os.path.join(VENV, "bin", "python")
REQUIREMENTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "unet-requirements.txt")
WHEELS = os.path.join(ROOT, ".cache", "tomolab", "tensorflow", "wheel")

parser = argparse.ArgumentParser()
parser.add_argument("--what", required=True, choices=["train", "infer"])
parser.add_argument("--crop", type=int, default=64, help="training crop / single tile edge")
parser.add_argument("--volume", type=int, default=128, help="inference volume edge")
parser.add_argument("--tiling", help="JSON file: per axis { size, origins, margin, window }")
parser.add_argument("--depth", type=int, default=3)
parser.add_argument("--base", type=int, default=8)
parser.add_argument("--classes", type=int, default=3)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--batch", type=int, default=1, help="inference: tiles per network call")
parser.add_argument("--runs", type=int, default=5)
args = parser.parse_args()


def unavailable(reason):
    print(json.dumps({"reference": f"keras unavailable ({reason})", "times": []}))
    sys.exit(0)


os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["TF_NUM_INTRAOP_THREADS"] = str(args.threads)
os.environ["TF_NUM_INTEROP_THREADS"] = str(args.threads)
try:
    import numpy as np
    import tensorflow as tf
    import keras
except ImportError:
    if os.path.abspath(sys.executable) == os.path.abspath(VPY):
        unavailable("import failed inside .cache/bench-venv-unet")
    try:
        if not os.path.exists(VPY):
            print("creating .cache/bench-venv-unet (once)...", file=sys.stderr)
            subprocess.run([sys.executable, "-m", "venv", VENV], check=True, stdout=sys.stderr)
        pip = [VPY, "-m", "pip", "install", "-q", "-r", REQUIREMENTS]
        if os.path.isdir(WHEELS):
            pip += ["--find-links", WHEELS]
        subprocess.run(pip, check=True, stdout=sys.stderr)
    except (subprocess.CalledProcessError, OSError) as e:
        unavailable(f"could not install it into .cache/bench-venv-unet: {e}")
    os.execv(VPY, [VPY, *sys.argv])

tf.config.threading.set_intra_op_parallelism_threads(args.threads)
tf.config.threading.set_inter_op_parallelism_threads(args.threads)
L = keras.layers


def unet(depth, base, classes):
    inp = keras.Input((None, None, None, 1))
    conv = lambda f, k=3: L.Conv3D(f, k, padding="same", kernel_initializer="he_normal")
    x = inp
    skips = []
    for level in range(depth):
        f = base * 2**level
        x = L.ReLU()(conv(f)(L.ReLU()(conv(f)(x))))
        skips.append(x)
        x = L.MaxPooling3D(2)(x)
    f = base * 2**depth
    x = L.ReLU()(conv(f)(L.ReLU()(conv(f)(x))))
    for level in range(depth - 1, -1, -1):
        f = base * 2**level
        x = L.ReLU()(conv(f)(L.UpSampling3D(2)(x)))
        x = L.Concatenate(axis=-1)([skips[level], x])
        x = L.ReLU()(conv(f)(L.ReLU()(conv(f)(x))))
    return keras.Model(inp, conv(classes, 1)(x))


model = unet(args.depth, args.base, args.classes)
params = model.count_params()
rng = np.random.default_rng(0)


def peak_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


name = f"Keras {keras.__version__} / TF {tf.__version__} CPU tf.function, {args.threads} threads, {params} params"
times = []
if args.what == "train":
    c = args.crop
    x = tf.constant(rng.standard_normal((1, c, c, c, 1)).astype(np.float32))
    y = tf.one_hot(rng.integers(0, args.classes, (1, c, c, c)), args.classes)
    m = tf.ones((1, c, c, c), tf.float32)
    opt = keras.optimizers.Adam(1e-3)

    @tf.function
    def step(x, y, m):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            per = -tf.reduce_sum(y * tf.nn.log_softmax(logits, -1), -1)
            loss = tf.reduce_sum(per * m) / tf.maximum(tf.reduce_sum(m), 1e-30)
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    float(step(x, y, m))  # trace + warm-up (untimed)
    for _ in range(args.runs):
        t0 = time.perf_counter()
        float(step(x, y, m))
        times.append(time.perf_counter() - t0)
    name += f", train step {c}^3 batch 1"
else:
    with open(args.tiling) as f:
        tiling = json.load(f)
    n = args.volume
    vol = rng.standard_normal((n, n, n)).astype(np.float32)

    @tf.function
    def forward(t):
        return tf.nn.softmax(model(t, training=False), -1)

    def predict():
        axes = tiling["axes"]
        m = [a["margin"] for a in axes]
        sizes = [a["size"] for a in axes]
        ext = [max(o + s for o in a["origins"]) + a["margin"] for a, s in zip(axes, sizes)]
        pad = np.pad(vol, [(mm, e - n - mm) for mm, e in zip(m, ext)], mode="reflect")
        out = np.zeros((args.classes, n, n, n), np.float32)
        win = [np.asarray(a["window"], np.float32) for a in axes]
        origins = [
            (oz, oy, ox)
            for oz in axes[0]["origins"]
            for oy in axes[1]["origins"]
            for ox in axes[2]["origins"]
        ]
        w = win[0][:, None, None] * win[1][None, :, None] * win[2][None, None, :]
        for first in range(0, len(origins), args.batch):
            group = origins[first : first + args.batch]
            tiles = np.stack(
                [pad[tuple(slice(oo + mm, oo + mm + s) for oo, mm, s in zip(o, m, sizes))] for o in group]
            )
            probs = forward(tf.constant(tiles[..., None])).numpy()
            for o, p in zip(group, probs):
                # crop the tile to the volume
                lo = [max(0, oo) for oo in o]
                hi = [min(n, oo + s) for oo, s in zip(o, sizes)]
                if any(h <= l for l, h in zip(lo, hi)):
                    continue
                src = tuple(slice(l - oo, h - oo) for l, h, oo in zip(lo, hi, o))
                dst = tuple(slice(l, h) for l, h in zip(lo, hi))
                out[(slice(None),) + dst] += np.moveaxis(p[src], -1, 0) * w[src]
        norm = (
            np.asarray(axes[0]["norm"], np.float32)[:, None, None]
            * np.asarray(axes[1]["norm"], np.float32)[None, :, None]
            * np.asarray(axes[2]["norm"], np.float32)[None, None, :]
        )
        return out / norm

    predict()  # trace + warm-up (untimed)
    for _ in range(args.runs):
        t0 = time.perf_counter()
        predict()
        times.append(time.perf_counter() - t0)
    tiles = np.prod([len(a["origins"]) for a in tiling["axes"]])
    name += f", tiled inference {n}^3 ({tiles} tiles of {tiling['axes'][0]['size']}^3, {args.batch} per call)"
print(json.dumps({"reference": f"{name}, peak RSS {peak_mb()} MB", "times": times}))
