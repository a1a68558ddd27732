// Worker module for runTasks tests: counts tasks in flight in a shared counter.
export default async function task({ value, ms, fail, counter }) {
  const c = new Int32Array(counter);
  const now = Atomics.add(c, 0, 1) + 1;
  // c[1] = the most tasks seen running at once
  for (let seen = Atomics.load(c, 1); now > seen; seen = Atomics.load(c, 1))
    if (Atomics.compareExchange(c, 1, seen, now) === seen) break;
  await new Promise((r) => setTimeout(r, ms));
  Atomics.sub(c, 0, 1);
  if (fail) throw new Error(`task ${value} failed on purpose`);
  return value * 10;
}
