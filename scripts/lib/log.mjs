// Uniform, greppable progress lines for the runtime scripts.
const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, text) => (useColor ? `\x1b[${code}m${text}\x1b[0m` : text);

export const log = {
  step: (name, text) => console.log(`${paint("1;36", `[${name}]`)} ${text}`),
  skip: (name, text) => console.log(`${paint("2", `[${name}]`)} ${paint("2", `skip: ${text}`)}`),
  ok: (name, text) => console.log(`${paint("1;32", `[${name}]`)} ${text}`),
  warn: (name, text) => console.log(`${paint("1;33", `[${name}]`)} warning: ${text}`),
  error: (name, text) => console.error(`\n${paint("1;31", `[${name}]`)} error: ${text}`),
  plain: (text) => console.log(text),
};

/** Seconds since `start` (a `performance.now()` value), one decimal. */
export function seconds(start) {
  return Math.round((performance.now() - start) / 100) / 10;
}
