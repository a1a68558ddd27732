/**
 * Empirical Kendall's tau-b of paired samples (O(n^2); ties handled as in
 * scipy.stats.kendalltau).
 */
export function kendallTau(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (y.length !== n)
    throw new RangeError(
      `\`x\` and \`y\` must have the same length, received ${n} and ${y.length}`,
    );
  if (n < 2) throw new RangeError(`Kendall's tau needs at least 2 pairs, received ${n}`);
  let conc = 0;
  let tx = 0;
  let ty = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    const yi = y[i]!;
    for (let j = i + 1; j < n; j++) {
      const dx = xi - x[j]!;
      const dy = yi - y[j]!;
      total++;
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) tx++;
      else if (dy === 0) ty++;
      else conc += dx * dy > 0 ? 1 : -1;
    }
  }
  let both = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) if (x[i] === x[j] && y[i] === y[j]) both++;
  const n0 = total;
  const n1 = tx + both;
  const n2 = ty + both;
  const den = Math.sqrt((n0 - n1) * (n0 - n2));
  return den > 0 ? conc / den : NaN;
}
