/** Mean and sample variance of a list; variance null below two values. */
export function meanAndVariance(values: readonly number[]): { mean: number | null; variance: number | null } {
  if (values.length === 0) return { mean: null, variance: null };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return { mean, variance: null };
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, variance };
}

/**
 * The noise band for a difference of two means, Welch-style: 2 × the standard error from both
 * samples' spread. Null when either side has fewer than two values.
 */
export function noiseBand(before: readonly number[], after: readonly number[]): number | null {
  const b = meanAndVariance(before);
  const a = meanAndVariance(after);
  if (b.variance === null || a.variance === null) return null;
  return 2 * Math.sqrt(b.variance / before.length + a.variance / after.length);
}
