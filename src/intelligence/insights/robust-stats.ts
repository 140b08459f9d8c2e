/**
 * Median/MAD statistics: a run history holds the very outliers we look for, and one past spike
 * would inflate a mean and standard deviation enough to hide the next one. The median and the
 * median absolute deviation barely move for a few outliers (breakdown point 50 %).
 */

/** MAD × 1.4826 estimates the standard deviation of normally distributed data. */
const MAD_TO_SIGMA = 1.4826;
/** Mean absolute deviation × 1.2533 estimates σ too; the fallback when over half the values are equal. */
const MEAN_AD_TO_SIGMA = 1.2533;

export function median(values: readonly number[]): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * A robust estimate of the spread (σ) of `values` around their median. When more than half the
 * values are identical the MAD is 0 (a sync that reads exactly 100 records every time), so the
 * mean absolute deviation stands in, as Iglewicz and Hoaglin suggest; it is 0 only when all are equal.
 */
export function robustSigma(values: readonly number[], center = median(values)): number {
  const deviations = values.map((v) => Math.abs(v - center));
  const mad = median(deviations);
  if (mad > 0) return mad * MAD_TO_SIGMA;
  return (deviations.reduce((sum, d) => sum + d, 0) / (deviations.length || 1)) * MEAN_AD_TO_SIGMA;
}

export interface RobustScore {
  /** The baseline's median: what a normal run looks like. */
  expected: number;
  /** The spread used, never below `minSigma`. */
  sigma: number;
  /** (observed − expected) / sigma. */
  z: number;
}

/**
 * How many robust standard deviations `observed` lies from the baseline. `minSigma` keeps a
 * perfectly steady history (σ = 0) from turning any tiny change into an infinite score.
 */
export function robustScore(observed: number, baseline: readonly number[], minSigma: number): RobustScore {
  const expected = median(baseline);
  const sigma = Math.max(robustSigma(baseline, expected), minSigma);
  return { expected, sigma, z: (observed - expected) / sigma };
}

/** P(X ≥ k) for X ~ Binomial(n, p): how surprising k failures in n runs are at failure rate p. */
export function binomialTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  let tail = 0;
  let term = Math.pow(1 - p, n); // P(X = 0)
  for (let i = 0; i <= n; i++) {
    if (i >= k) tail += term;
    term = (term * (n - i) * p) / ((i + 1) * (1 - p));
  }
  return Math.min(1, tail);
}
