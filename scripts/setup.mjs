#!/usr/bin/env node
// npm run setup: makes this checkout ready to run (idempotent, safe to re-run).
// Node builtins only, so it runs before `npm ci`. See scripts/lib/setup.mjs for the steps.
import { setup } from "./lib/setup.mjs";
import { log } from "./lib/log.mjs";

try {
  setup({ explicit: true });
} catch (error) {
  log.error("setup", error.message);
  process.exit(error.status ?? 1);
}
