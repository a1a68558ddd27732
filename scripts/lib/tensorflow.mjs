// Setup step `tensorflow`: builds the native addon of @tensorflow/tfjs-node from
// source against the TensorFlow C API shipped inside the PyPI wheel tensorflow-cpu.
//
// tfjs-node's own install script downloads libtensorflow and a prebuilt addon from
// storage.googleapis.com; setup runs `npm ci --ignore-scripts` so that script never
// runs there. This step instead:
//   1. downloads the pinned wheel (pip download, sha256 checked) into .cache/tomolab/tensorflow/,
//   2. extracts libtensorflow_cc.so.2 (the TF_*/TFE_* C API), libtensorflow_framework.so.2
//      and the C headers from it (once, cached),
//   3. links them into node_modules/@tensorflow/tfjs-node/deps/ under the names its
//      binding.gyp links against (-ltensorflow -ltensorflow_framework),
//   4. compiles the addon (`npm rebuild @tensorflow/tfjs-node` with npm_config_build_from_source,
//      so node-pre-gyp compiles with g++/make instead of trying its prebuilt-binary host) and
//      keeps a copy of it in the cache, so after the next `npm ci` (which wipes node_modules)
//      the step only re-links (about a second).
// Without a compiler, Node headers, the wheel or on another platform the step warns and
// records `tensorflow: false` in .tomolab-setup.json: kernel-lib then uses wasm or cpu.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { paths, root } from "./paths.mjs";
import { log } from "./log.mjs";
import { capture, run } from "./proc.mjs";
import { readStamp, writeStamp } from "./stamp.mjs";

/** Pinned versions: the wheel whose C API the addon is built against, and the npm package. */
export const TENSORFLOW = {
  tfjsNode: "4.22.0",
  wheel: "tensorflow-cpu",
  version: "2.21.0",
  file: "tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl",
  sha256: "2b847d217b02ee7731ed91431daf3250daa0196c3c94614d23be27232e6e5b6c",
  pipTarget: ["--python-version", "3.11", "--implementation", "cp", "--abi", "cp311"],
  pipPlatform: "manylinux_2_27_x86_64",
};

const cacheDir = path.join(paths.cache, "tensorflow");
const wheelDir = path.join(cacheDir, "wheel");
const libDir = path.join(cacheDir, `libtensorflow-${TENSORFLOW.version}`);
const addonCache = path.join(
  cacheDir,
  `addon-tfjs-node-${TENSORFLOW.tfjsNode}-tf-${TENSORFLOW.version}-${process.platform}-${process.arch}`,
);
const pkgDir = path.join(paths.nodeModules, "@tensorflow", "tfjs-node");
const stampFile = path.join(paths.buildStamps, "tensorflow");
/** The file tfjs-node's install script checks before downloading libtensorflow. */
const INSTALL_MARKER = "libtensorflow.so.2.9.1";
/** Members of the wheel that the addon needs (shared libraries and C headers). */
const WHEEL_LIBS = ["libtensorflow_cc.so.2", "libtensorflow_framework.so.2"];
const WHEEL_HEADER_DIRS = [
  "tensorflow/c/",
  "tensorflow/core/platform/",
  "tsl/platform/",
  "xla/tsl/c/",
];

function stampValue() {
  return `tfjs-node ${TENSORFLOW.tfjsNode} ${TENSORFLOW.wheel} ${TENSORFLOW.version} ${process.platform}-${process.arch} ${pkgDir}`;
}

/** N-API version folder the addon goes to (tfjs-node's package.json lists 3..8; node-pre-gyp takes the highest <= Node's). */
function napiFolder() {
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8"));
  const supported = pkg.binary.napi_versions.filter((v) => v <= Number(process.versions.napi));
  return path.join(pkgDir, "lib", `napi-v${Math.max(...supported)}`);
}

function addonPath() {
  return path.join(napiFolder(), "tfjs_binding.node");
}

function installedLibsPresent() {
  return [...WHEEL_LIBS, INSTALL_MARKER, "libtensorflow.so", "libtensorflow_framework.so"].every(
    (name) => fs.existsSync(path.join(pkgDir, "deps", "lib", name)),
  );
}

function sha256File(file) {
  const hash = createHash("sha256");
  const fd = fs.openSync(file, "r");
  const buffer = Buffer.alloc(1 << 22);
  try {
    for (let n; (n = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0;)
      hash.update(buffer.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest("hex");
}

/** Python with pip: the project's .venv (made by the python step), else python3. */
function pipPython() {
  for (const candidate of [paths.venvPython, "python3"]) {
    if (capture(candidate, ["-m", "pip", "--version"]) !== undefined) return candidate;
  }
  return undefined;
}

/** Why the addon cannot be compiled here, or undefined when g++, make, python3 and Node headers are present. */
function missingBuildTools() {
  const missing = [];
  const cxx = process.env.CXX || "g++";
  if (capture(cxx, ["--version"]) === undefined) missing.push(`a C++ compiler (${cxx})`);
  if (capture("make", ["--version"]) === undefined) missing.push("make");
  if (capture("python3", ["--version"]) === undefined) missing.push("python3 (for node-gyp)");
  if (missing.length > 0)
    return `${missing.join(", ")} not found (Debian/Ubuntu: apt-get install g++ make python3)`;
  return undefined;
}

/** A Node install prefix with include/node/node_api.h (so node-gyp needs no header download), or undefined. */
function nodeHeadersDir() {
  const candidates = [process.env.npm_config_nodedir, path.resolve(process.execPath, "..", "..")];
  return candidates.find(
    (dir) => dir && fs.existsSync(path.join(dir, "include", "node", "node_api.h")),
  );
}

function downloadWheel() {
  const wheel = path.join(wheelDir, TENSORFLOW.file);
  if (fs.existsSync(wheel) && sha256File(wheel) === TENSORFLOW.sha256) return wheel;
  const python = pipPython();
  if (!python) throw new Error("no Python with pip found to download the TensorFlow wheel");
  fs.mkdirSync(wheelDir, { recursive: true });
  const requirements = path.join(wheelDir, "requirements.txt");
  fs.writeFileSync(
    requirements,
    `${TENSORFLOW.wheel}==${TENSORFLOW.version} --hash=sha256:${TENSORFLOW.sha256}\n`,
  );
  log.step(
    "tensorflow",
    `downloading ${TENSORFLOW.file} (~274 MB, once; cached in ${path.relative(root, wheelDir)})`,
  );
  run(python, [
    "-m",
    "pip",
    "download",
    "--disable-pip-version-check",
    "--no-input",
    "-q",
    "--no-deps",
    "--only-binary=:all:",
    "--require-hashes",
    ...TENSORFLOW.pipTarget,
    "--platform",
    TENSORFLOW.pipPlatform,
    "-d",
    wheelDir,
    "-r",
    requirements,
  ]);
  if (!fs.existsSync(wheel))
    throw new Error(`pip download did not produce ${path.relative(root, wheel)}`);
  const got = sha256File(wheel);
  if (got !== TENSORFLOW.sha256)
    throw new Error(`${TENSORFLOW.file}: sha256 ${got}, expected ${TENSORFLOW.sha256}`);
  return wheel;
}

/** Extracts the shared libraries and C headers from the wheel into libDir (atomically: temp dir, then rename). */
function extractWheel(wheel) {
  if (WHEEL_LIBS.every((name) => fs.existsSync(path.join(libDir, "lib", name)))) return;
  const python = pipPython() ?? "python3";
  const tmp = `${libDir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const script = `
import json, os, shutil, sys, zipfile
wheel, out, libs, headers = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])
with zipfile.ZipFile(wheel) as z:
    names = set(z.namelist())
    for lib in libs:
        member = "tensorflow/" + lib
        if member not in names:
            sys.exit("the wheel has no " + member)
        os.makedirs(os.path.join(out, "lib"), exist_ok=True)
        with z.open(member) as src, open(os.path.join(out, "lib", lib), "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 22)
    count = 0
    for name in names:
        rel = name[len("tensorflow/include/"):] if name.startswith("tensorflow/include/") else None
        if rel and not name.endswith("/") and any(rel.startswith(h) for h in headers):
            target = os.path.join(out, "include", rel)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with z.open(name) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
            count += 1
    if count == 0:
        sys.exit("the wheel has no C headers under tensorflow/include/tensorflow/c")
`;
  log.step(
    "tensorflow",
    `extracting the C API libraries and headers into ${path.relative(root, libDir)}`,
  );
  run(
    python,
    ["-c", script, wheel, tmp, JSON.stringify(WHEEL_LIBS), JSON.stringify(WHEEL_HEADER_DIRS)],
    { quiet: true },
  );
  fs.rmSync(libDir, { recursive: true, force: true });
  fs.renameSync(tmp, libDir);
}

/** Symlinks the cached libraries/headers into tfjs-node's deps/ under the names binding.gyp and install.js expect. */
function linkDeps() {
  const deps = path.join(pkgDir, "deps");
  fs.rmSync(deps, { recursive: true, force: true });
  fs.mkdirSync(path.join(deps, "lib"), { recursive: true });
  fs.symlinkSync(path.join(libDir, "include"), path.join(deps, "include"));
  const links = {
    "libtensorflow_cc.so.2": path.join(libDir, "lib", "libtensorflow_cc.so.2"),
    "libtensorflow_framework.so.2": path.join(libDir, "lib", "libtensorflow_framework.so.2"),
    "libtensorflow.so": "libtensorflow_cc.so.2",
    "libtensorflow_framework.so": "libtensorflow_framework.so.2",
    [INSTALL_MARKER]: "libtensorflow_cc.so.2",
  };
  for (const [name, target] of Object.entries(links))
    fs.symlinkSync(target, path.join(deps, "lib", name));
}

/** Loads tfjs-node in a child Node and returns "tensorflow <TF version>" or throws with its output. */
function probe() {
  const code = `const tf = require(${JSON.stringify(pkgDir)});
const b = tf.backend();
console.log(tf.getBackend() + " " + (b.binding && b.binding.TF_Version));`;
  const out = capture(process.execPath, ["-e", code], {
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "2" },
  });
  if (!out || !out.trim().split("\n").pop().startsWith("tensorflow "))
    throw new Error(`loading @tensorflow/tfjs-node failed after the build (${out ?? "no output"})`);
  return out.trim().split("\n").pop();
}

function unavailable(reason) {
  log.warn(
    "tensorflow",
    `${reason}. The native TensorFlow backend is not built: kernel-lib's nn module falls back to ` +
      "wasm or cpu (100-200x slower per training step). Fix the cause, then run npm run setup.",
  );
  return false;
}

export const tensorflowStep = {
  name: "tensorflow",
  title: `native TensorFlow backend (@tensorflow/tfjs-node ${TENSORFLOW.tfjsNode} built against ${TENSORFLOW.wheel} ${TENSORFLOW.version})`,
  check({ explicit }, setupJson) {
    if (process.env.TOMOLAB_NO_TENSORFLOW === "1")
      return { done: true, why: "TOMOLAB_NO_TENSORFLOW=1 (nn uses wasm/cpu)" };
    if (!fs.existsSync(path.join(pkgDir, "package.json")))
      return { done: true, why: "@tensorflow/tfjs-node is not installed (nn uses wasm/cpu)" };
    if (
      readStamp(stampFile) === stampValue() &&
      fs.existsSync(addonPath()) &&
      installedLibsPresent()
    )
      return { done: true, why: `addon built against TensorFlow ${TENSORFLOW.version}` };
    if (setupJson.tensorflow === false && !explicit)
      return { done: true, why: "unavailable earlier (nn uses wasm/cpu; see the setup warning)" };
    return {
      done: false,
      why: readStamp(stampFile) ? "versions changed or addon missing" : "not built",
    };
  },
  /** @returns true when the native backend works, false when it is unavailable (warned). */
  run() {
    if (process.platform !== "linux" || process.arch !== "x64")
      return unavailable(
        `the pinned wheel is for linux-x64, this is ${process.platform}-${process.arch}`,
      );
    const cachedAddon = path.join(addonCache, "tfjs_binding.node");
    const libsCached = WHEEL_LIBS.every((name) => fs.existsSync(path.join(libDir, "lib", name)));
    if (libsCached && fs.existsSync(cachedAddon)) {
      linkDeps();
      fs.mkdirSync(napiFolder(), { recursive: true });
      fs.copyFileSync(cachedAddon, addonPath());
      log.step("tensorflow", `reused the addon cached in ${path.relative(root, addonCache)}`);
    } else {
      const tools = missingBuildTools();
      if (tools) return unavailable(tools);
      const nodedir = nodeHeadersDir();
      if (!nodedir)
        return unavailable(
          `no Node headers (include/node/node_api.h) next to ${process.execPath}; set npm_config_nodedir to a Node install prefix that has them`,
        );
      let wheel;
      try {
        wheel = downloadWheel();
      } catch (error) {
        return unavailable(
          `the wheel ${TENSORFLOW.file} could not be downloaded from PyPI (${error.message})`,
        );
      }
      extractWheel(wheel);
      linkDeps();
      const t0 = performance.now();
      log.step("tensorflow", "compiling the tfjs-node addon (g++, about 35 s)");
      const cli = process.env.npm_execpath;
      const [cmd, pre] =
        cli && /npm-cli\.[cm]?js$/.test(cli) ? [process.execPath, [cli]] : ["npm", []];
      run(cmd, [...pre, "rebuild", "@tensorflow/tfjs-node", "--foreground-scripts"], {
        env: {
          ...process.env,
          npm_config_nodedir: nodedir,
          npm_config_build_from_source: "true",
        },
      });
      if (!fs.existsSync(addonPath()))
        throw new Error(`the build did not produce ${path.relative(root, addonPath())}`);
      fs.mkdirSync(addonCache, { recursive: true });
      fs.copyFileSync(addonPath(), cachedAddon);
      log.step(
        "tensorflow",
        `addon compiled in ${Math.round((performance.now() - t0) / 100) / 10} s`,
      );
    }
    log.step("tensorflow", `@tensorflow/tfjs-node loads: backend ${probe()}`);
    writeStamp(stampFile, stampValue());
    return true;
  },
};
