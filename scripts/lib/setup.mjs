// The setup steps behind `npm run setup`, also run (quietly, when needed) by
// `npm start`, `npm test` and `npm run reproduce`. Node builtins only: this
// must work before `npm ci` has run.
//
// Every step has `check()` (cheap: stamps, file contents, no subprocess where
// possible) and `run()`. A step whose check passes is skipped.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { paths, root, KERNEL_NAME, EXTENSION_NAME } from "./paths.mjs";
import { log, seconds } from "./log.mjs";
import { capture, run, isRoot, jupyterEnv } from "./proc.mjs";
import { hashOf, hashTree, readStamp, writeStamp } from "./stamp.mjs";
import { findPython } from "./python.mjs";
import { findChromium, isExecutable } from "./chromium.mjs";
import { buildLabextension } from "./build-labextension.mjs";
import { tensorflowStep } from "./tensorflow.mjs";

/** Debian packages for the reference implementations the fixture/benchmark scripts compare against. */
export const REFERENCE_APT_PACKAGES = [
  "python3-scipy",
  "python3-skimage",
  "python3-sklearn",
  "python3-vigra",
  "python3-tifffile",
];
const REFERENCE_PYTHON = "/usr/bin/python3";
const REFERENCE_IMPORTS = "import scipy, skimage, sklearn, vigra, tifffile";

// ---------------------------------------------------------------- .tomolab-setup.json

/** Reads .tomolab-setup.json (the resolved machine facts kernel-lib and the scripts use). */
export function readSetupJson() {
  try {
    return JSON.parse(fs.readFileSync(paths.setupJson, "utf8"));
  } catch {
    return {};
  }
}

function updateSetupJson(patch) {
  const next = { ...readSetupJson(), ...patch };
  fs.writeFileSync(paths.setupJson, `${JSON.stringify(next, null, 2)}\n`);
}

// ---------------------------------------------------------------- helpers

function npmCommand() {
  // Under `npm run`, npm_execpath is npm's own CLI: use the same npm.
  const cli = process.env.npm_execpath;
  if (cli && /npm-cli\.[cm]?js$/.test(cli)) return [process.execPath, [cli]];
  return [process.platform === "win32" ? "npm.cmd" : "npm", []];
}

function npm(args) {
  const [cmd, pre] = npmCommand();
  run(cmd, [...pre, ...args]);
}

/**
 * `npm ci`, or, when npm refuses the lock file, `npm install --no-save` (same
 * locked versions, lock file untouched). npm ci refuses a lock that lacks
 * optional platform packages (e.g. @rollup/rollup-android-*) which the registry
 * this lock was made with does not serve; npm install tolerates that.
 *
 * Both run with --ignore-scripts, then `npm rebuild` runs the install scripts of
 * every locked package that has one except @tensorflow/tfjs-node (its script
 * downloads from storage.googleapis.com; the tensorflow step builds it instead).
 */
function npmCiOrInstall() {
  const [cmd, pre] = npmCommand();
  console.log("  $ npm ci --no-audit --no-fund --ignore-scripts");
  // stderr is kept to show only npm's reason when it refuses (it appends its whole usage text).
  const ci = spawnSync(cmd, [...pre, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], {
    cwd: root,
    stdio: ["ignore", "inherit", "pipe"],
    encoding: "utf8",
  });
  if (ci.status !== 0) {
    const reason = (ci.stderr ?? "")
      .split("\n")
      .filter((line) => /npm error (code|.*Missing|.*in sync|.*ERR)/.test(line))
      .slice(0, 6);
    console.log(
      reason.length > 0 ? reason.join("\n") : (ci.stderr ?? "").split("\n").slice(-15).join("\n"),
    );
    log.warn(
      "node",
      "npm ci failed; falling back to npm install --no-save (installs the locked versions, leaves package-lock.json as it is)",
    );
    npm(["install", "--no-save", "--no-audit", "--no-fund", "--ignore-scripts"]);
  }
  const scripted = packagesWithInstallScripts().filter((name) => !SCRIPTS_SKIPPED.has(name));
  if (scripted.length > 0) npm(["rebuild", "--no-audit", "--no-fund", ...scripted]);
}

/** Packages whose install scripts setup does not run (a later step builds them). */
const SCRIPTS_SKIPPED = new Set(["@tensorflow/tfjs-node"]);

/** Names of the locked packages that have install scripts (npm marks them hasInstallScript). */
function packagesWithInstallScripts() {
  const locked = JSON.parse(fs.readFileSync(paths.lock, "utf8")).packages ?? {};
  const names = new Set();
  for (const [key, entry] of Object.entries(locked)) {
    if (!entry.hasInstallScript || !key.includes("node_modules/")) continue;
    if (!fs.existsSync(path.join(root, key))) continue; // optional package for another platform
    names.add(key.slice(key.lastIndexOf("node_modules/") + "node_modules/".length));
  }
  return [...names].sort();
}

/** First executable `name` on PATH (no subprocess), or undefined. */
function findOnPath(name) {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    const file = path.join(dir, name);
    if (isExecutable(file)) return file;
  }
  return undefined;
}

const BENCH_VENV = path.join(root, ".cache", "bench-venv");
const BENCH_ZARR_REQUIREMENTS = path.join(root, "test", "bench", "zarr-requirements.txt");
const BENCH_ZARR_STAMP = path.join(BENCH_VENV, ".tomolab-zarr-stamp");
function benchZarrStampValue() {
  return `${hashOf({ file: BENCH_ZARR_REQUIREMENTS })} ${BENCH_VENV}`;
}

let aptUpdated = false;
function canApt() {
  return isRoot() && capture("sh", ["-c", "command -v apt-get"]) !== undefined;
}
function aptInstall(packages) {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (!aptUpdated) {
    run("apt-get", ["update", "-q"], { env });
    aptUpdated = true;
  }
  run("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...packages], { env });
}

function lockHash() {
  return hashOf({ file: paths.lock });
}

function nodeStampValue() {
  return `${lockHash()} node-abi-${process.versions.modules} ${process.platform}-${process.arch}`;
}

/**
 * True when node_modules already holds exactly what package-lock.json asks for
 * (npm's hidden lockfile node_modules/.package-lock.json agrees with it), e.g.
 * after someone ran `npm install <pkg>`: then `npm ci` is not needed.
 */
function hiddenLockfileMatches() {
  try {
    const wanted = JSON.parse(fs.readFileSync(paths.lock, "utf8")).packages ?? {};
    const have =
      JSON.parse(fs.readFileSync(path.join(paths.nodeModules, ".package-lock.json"), "utf8"))
        .packages ?? {};
    for (const [key, entry] of Object.entries(wanted)) {
      if (key === "") continue;
      const got = have[key];
      if (got === undefined) {
        if (entry.optional) continue; // optional packages for other platforms are never installed
        return false;
      }
      if (got.version !== entry.version || Boolean(got.link) !== Boolean(entry.link)) return false;
      if (!fs.existsSync(path.join(root, key))) return false;
    }
    return true;
  } catch {
    return false;
  }
}

function venvStampValue() {
  return `${hashOf({ file: paths.requirements }, { file: paths.constraints })} ${paths.venv}`;
}

function kernelLibInputs() {
  return hashTree([
    path.join(paths.kernelLib, "src"),
    path.join(paths.kernelLib, "package.json"),
    path.join(paths.kernelLib, "tsconfig.json"),
    path.join(root, "tsconfig.base.json"),
  ]);
}

function extensionInputs() {
  return hashOf(
    hashTree([
      path.join(paths.extension, "src"),
      path.join(paths.extension, "style"),
      path.join(paths.extension, "schema"),
      path.join(paths.extension, "package.json"),
      path.join(paths.extension, "tsconfig.json"),
    ]),
    readStamp(paths.venvStamp) ?? "no-venv",
    lockHash(),
  );
}

const buildStamp = (name) => path.join(paths.buildStamps, name);

function readKernelSpec() {
  try {
    return JSON.parse(
      fs.readFileSync(path.join(paths.venvShare, "kernels", KERNEL_NAME, "kernel.json"), "utf8"),
    );
  } catch {
    return undefined;
  }
}

function sameFile(a, b) {
  try {
    return fs.readFileSync(a).equals(fs.readFileSync(b));
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- steps

/** The steps in order. `check({ explicit })` returns `{ done, why }`. */
export const steps = [
  {
    name: "node",
    title: "npm dependencies (npm ci)",
    check() {
      if (!fs.existsSync(paths.nodeModules)) return { done: false, why: "node_modules is missing" };
      const stamp = readStamp(paths.nodeStamp);
      if (stamp === nodeStampValue())
        return { done: true, why: "node_modules matches package-lock.json" };
      const sameAbi =
        stamp === undefined || stamp.includes(`node-abi-${process.versions.modules} `);
      if (sameAbi && hiddenLockfileMatches()) {
        writeStamp(paths.nodeStamp, nodeStampValue());
        return {
          done: true,
          why: "node_modules matches package-lock.json (installed by npm install)",
        };
      }
      return {
        done: false,
        why:
          stamp === undefined
            ? "no stamp, node_modules differs from package-lock.json"
            : "package-lock.json or Node changed",
      };
    },
    run() {
      npmCiOrInstall();
      writeStamp(paths.nodeStamp, nodeStampValue());
    },
  },
  {
    name: "python",
    title: "Python virtual environment .venv with pinned JupyterLab + nbclient",
    check() {
      if (!fs.existsSync(paths.venvPython)) return { done: false, why: ".venv is missing" };
      const stamp = readStamp(paths.venvStamp);
      if (stamp === venvStampValue()) return { done: true, why: ".venv has the pinned versions" };
      return {
        done: false,
        why: stamp ? "requirements changed or the checkout moved" : "no stamp in .venv",
      };
    },
    run() {
      const stamp = readStamp(paths.venvStamp);
      const moved = stamp !== undefined && !stamp.endsWith(` ${paths.venv}`);
      const broken = fs.existsSync(paths.venv) && !fs.existsSync(paths.venvPython);
      if (moved || broken) {
        log.step(
          "python",
          `removing ${moved ? "a .venv made for another checkout path" : "a broken .venv"}`,
        );
        fs.rmSync(paths.venv, { recursive: true, force: true });
      }
      if (!fs.existsSync(paths.venvPython)) {
        let python = findPython();
        if (!python.command && canApt()) {
          log.step("python", "no Python with venv found; installing Debian's python3-venv");
          aptInstall(["python3-venv"]);
          python = findPython();
        }
        if (!python.command) {
          throw new Error(
            [
              "no usable Python 3.11+ with the venv module was found. Tried:",
              ...python.rejected.map((r) => `    ${r}`),
              "  Install one (Debian/Ubuntu: apt-get install python3-venv) or set TOMOLAB_PYTHON=/path/to/python3.",
            ].join("\n"),
          );
        }
        log.step("python", `using ${python.executable} (Python ${python.version})`);
        run(python.command, ["-m", "venv", paths.venv]);
      }
      run(
        paths.venvPython,
        [
          "-m",
          "pip",
          "install",
          "--disable-pip-version-check",
          "--no-input",
          "-q",
          "-r",
          paths.requirements,
          "-c",
          paths.constraints,
        ],
        { env: jupyterEnv() },
      );
      writeStamp(paths.venvStamp, venvStampValue());
    },
  },
  {
    name: "kernel",
    title: `register the tslab kernel in .venv (${KERNEL_NAME} -> node_modules/.bin/tslab)`,
    check() {
      const spec = readKernelSpec();
      if (!spec) return { done: false, why: "no tslab kernel spec in .venv" };
      if (spec.argv?.[0] !== paths.tslabBin)
        return { done: false, why: `kernel spec points at ${spec.argv?.[0]}, not this checkout` };
      if (!fs.existsSync(paths.tslabBin))
        return { done: false, why: `${paths.tslabBin} is missing` };
      return { done: true, why: `kernel spec points at ${path.relative(root, paths.tslabBin)}` };
    },
    run() {
      run(
        process.execPath,
        [
          path.join(paths.nodeModules, "tslab", "bin", "tslab"),
          "install",
          `--python=${paths.venvPython}`,
          `--binary=${paths.tslabBin}`,
          "--sys-prefix",
        ],
        { env: jupyterEnv() },
      );
      const listing = capture(paths.venvJupyter, ["kernelspec", "list", "--json"], {
        env: jupyterEnv(),
      });
      const spec = listing && JSON.parse(listing).kernelspecs?.[KERNEL_NAME];
      if (!spec)
        throw new Error(
          "`jupyter kernelspec list` does not show the tslab kernel after installing it",
        );
      if (!spec.resource_dir.startsWith(paths.venv + path.sep)) {
        throw new Error(
          `the tslab kernel resolves to ${spec.resource_dir}, outside .venv: remove that kernel spec (jupyter kernelspec remove tslab) or keep JUPYTER_PREFER_ENV_PATH=1`,
        );
      }
      if (spec.spec.argv[0] !== paths.tslabBin)
        throw new Error(`tslab kernel spec runs ${spec.spec.argv[0]}, expected ${paths.tslabBin}`);
      log.step("kernel", `jupyter kernelspec list: ${KERNEL_NAME} ${spec.resource_dir}`);
    },
  },
  {
    name: "extension-build",
    title: "build the JupyterLab extension (tsc + @jupyterlab/builder)",
    check() {
      if (!fs.existsSync(paths.extensionBuilt))
        return { done: false, why: "the labextension is not built" };
      if (readStamp(buildStamp("extension")) === extensionInputs())
        return { done: true, why: "labextension is up to date" };
      return { done: false, why: "extension sources, JupyterLab or npm dependencies changed" };
    },
    run() {
      const inputs = extensionInputs();
      buildLabextension();
      writeStamp(buildStamp("extension"), inputs);
    },
  },
  {
    name: "extension-install",
    title: `install the extension into .venv (pip install ./jupyter-extension)`,
    check() {
      const installed = path.join(paths.extensionInstalled, "package.json");
      if (sameFile(installed, paths.extensionBuilt))
        return { done: true, why: "installed build is the current build" };
      return {
        done: false,
        why: fs.existsSync(installed) ? "installed build is outdated" : "not installed in .venv",
      };
    },
    run() {
      run(
        paths.venvPython,
        [
          "-m",
          "pip",
          "install",
          "--disable-pip-version-check",
          "--no-input",
          "-q",
          "--no-deps",
          "--no-build-isolation",
          "--force-reinstall",
          paths.extension,
        ],
        { env: jupyterEnv() },
      );
      // `jupyter labextension list` prints its table on stderr.
      const all =
        capture("sh", ["-c", `"${paths.venvJupyter}" labextension list 2>&1`], {
          env: jupyterEnv(),
        }) ?? "";
      const line = all.split("\n").find((l) => l.includes(EXTENSION_NAME));
      if (!line || !/enabled/.test(line) || !/OK/.test(line)) {
        throw new Error(
          `jupyter labextension list does not show ${EXTENSION_NAME} as enabled OK:\n${all}`,
        );
      }
      log.step("extension-install", `jupyter labextension list: ${line.trim()}`);
    },
  },
  {
    name: "chromium",
    title: "headless Chromium for figure export",
    check({ explicit }) {
      const saved = readSetupJson().chromium;
      const fromEnv = process.env.TOMOLAB_CHROMIUM;
      if (saved && isExecutable(saved) && (!fromEnv || fromEnv === saved))
        return { done: true, why: `using ${saved}` };
      if (saved === null && !explicit && !fromEnv)
        return { done: true, why: "none found earlier (figure export unavailable; see README)" };
      return { done: false, why: saved ? `${saved} is gone` : "not resolved yet" };
    },
    run() {
      let found = findChromium();
      if (found.error) throw new Error(found.error);
      if (!found.path && canApt()) {
        log.step("chromium", "no browser found; installing Debian's chromium");
        aptInstall(["chromium"]);
        found = findChromium();
      }
      if (!found.path) {
        updateSetupJson({ chromium: null });
        log.warn(
          "chromium",
          "no Chromium/Chrome found, so figures cannot be exported to PNG/SVG/PDF. Install one " +
            "(Debian/Ubuntu as root: apt-get install chromium) or set TOMOLAB_CHROMIUM=/path/to/chrome, then run npm run setup.",
        );
        return;
      }
      const version = capture(found.path, ["--version"]) ?? "version unknown";
      updateSetupJson({ chromium: found.path });
      log.step(
        "chromium",
        `${found.path} (${version}, from ${found.source}) written to .tomolab-setup.json`,
      );
    },
  },
  {
    name: "reference-tools",
    title:
      "Debian reference tools for fixtures/benchmarks (scipy, scikit-image, scikit-learn, vigra, tifffile)",
    check({ explicit }) {
      const saved = readSetupJson().referenceTools;
      if (saved === true) return { done: true, why: `${REFERENCE_PYTHON} has them` };
      if (saved === false && !explicit)
        return { done: true, why: "missing earlier (tests that need them skip)" };
      return { done: false, why: "not checked yet" };
    },
    run() {
      const probe = () => capture(REFERENCE_PYTHON, ["-c", REFERENCE_IMPORTS]) !== undefined;
      if (probe()) {
        updateSetupJson({ referenceTools: true });
        log.step(
          "reference-tools",
          `${REFERENCE_PYTHON} imports scipy, skimage, sklearn, vigra, tifffile`,
        );
        return;
      }
      if (canApt()) {
        aptInstall(REFERENCE_APT_PACKAGES);
        if (!probe())
          throw new Error(
            `${REFERENCE_PYTHON} still cannot \`${REFERENCE_IMPORTS}\` after apt-get install`,
          );
        updateSetupJson({ referenceTools: true });
        return;
      }
      updateSetupJson({ referenceTools: false });
      log.warn(
        "reference-tools",
        `${REFERENCE_PYTHON} cannot \`${REFERENCE_IMPORTS}\`; tests and benchmarks that compare against them will skip. ` +
          `As root: apt-get install -y ${REFERENCE_APT_PACKAGES.join(" ")}`,
      );
    },
  },
  {
    name: "redis",
    title: "redis-server for the cluster runner's tests (test/parallel/cluster.test.ts)",
    check({ explicit }) {
      const found = findOnPath("redis-server");
      if (found) return { done: true, why: found };
      if (readSetupJson().redis === false && !explicit)
        return { done: true, why: "missing earlier (cluster tests skip)" };
      return { done: false, why: "redis-server not on PATH" };
    },
    run() {
      if (!findOnPath("redis-server") && canApt()) {
        log.step("redis", "installing Debian's redis-server (not started as a service)");
        aptInstall(["redis-server"]);
      }
      const found = findOnPath("redis-server");
      updateSetupJson({ redis: found !== undefined });
      if (found) {
        log.step("redis", `${found} (${capture(found, ["--version"]) ?? "version unknown"})`);
        return;
      }
      log.warn(
        "redis",
        "redis-server not found, so the cluster tests (test/parallel/cluster.test.ts) skip. " +
          "As root: apt-get install redis-server (or put any Redis >= 6.2 on PATH), then npm run setup.",
      );
    },
  },
  {
    name: "bench-zarr",
    title:
      "zarr / ome-zarr in .cache/bench-venv for the OME-Zarr interop test (test/io/zarr.test.ts)",
    check({ explicit }) {
      const stamp = readStamp(BENCH_ZARR_STAMP);
      if (stamp === benchZarrStampValue()) return { done: true, why: "stamp matches" };
      if (readSetupJson().benchZarr === false && !explicit)
        return { done: true, why: "failed earlier (zarr interop test skips)" };
      return { done: false, why: stamp ? "requirements changed" : "not installed yet" };
    },
    run() {
      const t0 = performance.now();
      const python = path.join(BENCH_VENV, "bin", "python");
      try {
        if (!fs.existsSync(python)) run(REFERENCE_PYTHON, ["-m", "venv", BENCH_VENV]);
        run(python, ["-m", "pip", "install", "-q", "-r", BENCH_ZARR_REQUIREMENTS]);
      } catch (error) {
        updateSetupJson({ benchZarr: false });
        log.warn(
          "bench-zarr",
          `could not install ${path.relative(root, BENCH_ZARR_REQUIREMENTS)} into .cache/bench-venv ` +
            `(${error.message}); the zarr interop test skips`,
        );
        return;
      }
      writeStamp(BENCH_ZARR_STAMP, benchZarrStampValue());
      updateSetupJson({ benchZarr: true });
      log.step("bench-zarr", `zarr, ome-zarr installed in ${seconds(t0)} s`);
    },
  },
  {
    ...tensorflowStep,
    check(options) {
      return tensorflowStep.check(options, readSetupJson());
    },
    run() {
      let ok;
      try {
        ok = tensorflowStep.run();
      } catch (error) {
        // Not fatal: kernel-lib's nn module falls back to wasm/cpu, its native tests skip.
        log.warn("tensorflow", `${error.message}; nn falls back to wasm/cpu`);
        ok = false;
      }
      updateSetupJson({ tensorflow: ok });
    },
  },
  {
    name: "kernel-lib",
    title: "build kernel-lib (tsc -> kernel-lib/dist)",
    check() {
      if (!fs.existsSync(paths.kernelLibDist))
        return { done: false, why: "kernel-lib/dist is missing" };
      if (readStamp(buildStamp("kernel-lib")) === kernelLibInputs())
        return { done: true, why: "kernel-lib/dist is up to date" };
      return { done: false, why: "kernel-lib sources changed" };
    },
    run() {
      const inputs = kernelLibInputs();
      run(process.execPath, [
        path.join(paths.nodeModules, "typescript", "bin", "tsc"),
        "-p",
        paths.kernelLib,
      ]);
      writeStamp(buildStamp("kernel-lib"), inputs);
    },
  },
  {
    name: "samples",
    title: "generate the default sample data (npm run data -> data-samples/)",
    check() {
      const dir = path.join(paths.root, "data-samples");
      let manifest;
      try {
        manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
      } catch {
        return { done: false, why: "data-samples/manifest.json is missing or unreadable" };
      }
      const missing = manifest.samples
        .flatMap((s) => s.files.map((f) => f.file))
        .filter((f) => !fs.existsSync(path.join(dir, f)));
      if (missing.length > 0)
        return { done: false, why: `${missing.length} sample file(s) missing, e.g. ${missing[0]}` };
      // Present files were made for the manifest of their day: after a pull that changed the
      // manifest (a generator change), the generated samples are stale and are made again.
      if (readStamp(samplesStamp) !== samplesStampValue())
        return {
          done: false,
          stale: true,
          why: "data-samples/manifest.json changed since the samples were generated",
        };
      return { done: true, why: "every sample file is present and generated for this manifest" };
    },
    run() {
      // Generates missing (or, after a manifest change, all) samples and checks every file
      // against the manifest's sha256.
      const stale = this.check().stale === true;
      run(process.execPath, [
        path.join(paths.root, "scripts", "data.mjs"),
        ...(stale ? ["--force"] : []),
      ]);
      writeStamp(samplesStamp, samplesStampValue());
    },
  },
];

/** Where setup notes which manifest the generated samples were made for. */
const samplesStamp = path.join(paths.root, "node_modules", ".tomolab-samples-stamp");

/** The stamp of the current sample manifest. */
function samplesStampValue() {
  return `manifest ${hashOf({ file: path.join(paths.root, "data-samples", "manifest.json") })}`;
}

/**
 * Runs every step whose check fails.
 * @param options.explicit - true for `npm run setup` (re-probe optional tools, print every step);
 *   false when another script makes sure setup is done (one line when nothing to do).
 * @returns number of steps that ran.
 */
export function setup({ explicit = true } = {}) {
  const start = performance.now();
  const pending = [];
  for (const step of steps) {
    const t0 = performance.now();
    let state = step.check({ explicit });
    if (state.done) {
      if (explicit) log.skip(step.name, `${step.title}: ${state.why}`);
      continue;
    }
    pending.push(step.name);
    log.step(step.name, `${step.title} (${state.why})`);
    step.run();
    state = step.check({ explicit: false });
    // Sources edited while building (other work in the same checkout) only mean a rebuild next time.
    if (!state.done)
      log.warn(
        step.name,
        `still not up to date after running (${state.why}); the next run repeats it`,
      );
    log.ok(step.name, `done in ${seconds(t0)} s`);
  }
  const took = seconds(start);
  if (pending.length === 0) log.ok("setup", `everything up to date (${took} s)`);
  else log.ok("setup", `ran ${pending.join(", ")} in ${took} s`);
  return pending.length;
}

/** For start/test/reproduce: run setup when something is missing or stale; exit with its message on failure. */
export function ensureSetup() {
  try {
    setup({ explicit: false });
  } catch (error) {
    log.error("setup", error.message);
    process.exit(error.status ?? 1);
  }
}
