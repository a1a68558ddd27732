"""Reference side of test/bench/forest.bench.mjs: scikit-learn's
RandomForestClassifier(n_estimators=100, n_jobs=2) or vigra's RandomForest
(ilastik's engine; 100 trees as ilastik runs it: one forest per thread,
trees split between them, probabilities averaged) trained and predicted on
the data file the benchmark wrote (features of the fibsem-nmc-small sample:
61 of SE2, or 183 of SE2, InLens and SE2 - InLens; `--data` names the file
prefix, whose .json gives the feature count).
Prints JSON timings (seconds); the reference name carries the test accuracy."""
import argparse
import json
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("--data", required=True)
parser.add_argument("--op", choices=["train", "predict"], default="train")
parser.add_argument("--tool", choices=["sklearn", "vigra"], default="sklearn")
parser.add_argument("--n", type=int, default=20000)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--runs", type=int, default=5)
args = parser.parse_args()

with open(args.data + ".json") as f:
    meta = json.load(f)
F = meta["nFeatures"]
X = np.fromfile(args.data + ".X.bin", dtype="<f4")
n_voxels = int(np.prod(meta["shape"]))
if X.size != n_voxels * F:
    raise SystemExit(f"{args.data}.X.bin: expected {n_voxels} x {F} float32 values, received {X.size}")
X = X.reshape(-1, F)
y = np.fromfile(args.data + ".y.bin", dtype=np.uint8).astype(np.int64)
train = np.fromfile(args.data + f".train{args.n}.bin", dtype="<i4")
test = np.fromfile(args.data + ".test.bin", dtype="<i4")
predict_rows = np.fromfile(args.data + ".predict.bin", dtype="<i4")
Xtr, ytr = X[train], y[train]
Xte, yte = X[test], y[test]
Xp = np.ascontiguousarray(X[predict_rows])


def fit():
    if args.tool == "sklearn":
        from sklearn.ensemble import RandomForestClassifier

        return RandomForestClassifier(n_estimators=100, n_jobs=args.threads, random_state=0).fit(Xtr, ytr)
    import vigra

    labels = ytr.astype(np.uint32).reshape(-1, 1)
    per = [100 // args.threads + (1 if i < 100 % args.threads else 0) for i in range(args.threads)]

    def one(i):
        rf = vigra.learning.RandomForest(treeCount=per[i])
        rf.learnRF(Xtr, labels, randomSeed=i + 1)
        return rf

    with ThreadPoolExecutor(args.threads) as ex:
        return list(ex.map(one, range(args.threads)))


def proba(model, Z):
    if args.tool == "sklearn":
        return model.predict_proba(Z)
    with ThreadPoolExecutor(args.threads) as ex:
        parts = list(ex.map(lambda rf: rf.predictProbabilities(Z) * rf.treeCount(), model))
    return sum(parts) / 100


def classes(model):
    if args.tool == "sklearn":
        return model.classes_
    return np.unique(ytr)


times = []
model = None
for _ in range(args.runs):
    if args.op == "train":
        t0 = time.perf_counter()
        model = fit()
        times.append(time.perf_counter() - t0)
    else:
        if model is None:
            model = fit()
        t0 = time.perf_counter()
        proba(model, Xp)
        times.append(time.perf_counter() - t0)
acc = float(np.mean(classes(model)[np.argmax(proba(model, Xte), axis=1)] == yte))
if args.tool == "sklearn":
    import sklearn

    name = f"scikit-learn {sklearn.__version__} RandomForestClassifier(100, n_jobs={args.threads})"
else:
    import vigra

    name = f"vigra {vigra.version} RandomForest (100 trees as {args.threads} forests in threads)"
print(json.dumps({"reference": f"{name}, test acc {acc:.4f}", "times": times}))
