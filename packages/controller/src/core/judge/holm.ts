/**
 * Holm's step-down adjustment (Holm, "A simple sequentially rejective multiple test procedure",
 * Scand. J. Statist. 6, 1979): controls the family-wise error rate under any dependence and is
 * uniformly more powerful than Bonferroni. Returns adjusted p-values in the input order;
 * reject where adjusted <= alpha.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(m).fill(1);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
