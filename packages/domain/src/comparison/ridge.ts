/**
 * Ridge regression on standardised predictors: the small least-squares routine the fair comparison rests on.
 * Predictors are centred and scaled to unit standard deviation, the penalty λ·Σb² applies to their coefficients
 * and never to the intercept (with centred predictors the intercept is simply the mean of y).
 */

export interface RidgeFit {
  /** Intercept and coefficients on the raw (unstandardised) predictors: ŷ = intercept + Σ coefficients[j]·x[j]. */
  intercept: number;
  coefficients: number[];
  /** Which predictors entered the fit; a constant one (no spread) cannot, and gets coefficient 0. */
  used: boolean[];
  /** 1 − SSE/SST on the rows fitted (0 when y has no spread). */
  r2: number;
  /** Residuals y − ŷ of the rows fitted, in their order. */
  residuals: number[];
  /** √(SSE / (n − k − 1)), k the predictors used: the residual standard deviation. */
  sigma: number;
}

/**
 * Solves A·x = b for a symmetric positive definite A (Cholesky). Throws when A is not positive definite, which a
 * ridge system with λ > 0 never is.
 */
export function solveSymmetric(a: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = b.length;
  const l: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i]![j]!;
      for (let k = 0; k < j; k++) sum -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(sum > 0)) throw new Error('matrix is not positive definite');
        l[i]![i] = Math.sqrt(sum);
      } else {
        l[i]![j] = sum / l[j]![j]!;
      }
    }
  }
  const z = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i]![k]! * z[k]!;
    z[i] = sum / l[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = z[i]!;
    for (let k = i + 1; k < n; k++) sum -= l[k]![i]! * x[k]!;
    x[i] = sum / l[i]![i]!;
  }
  return x;
}

/** Fits y on the columns of `x` (one row per observation) with ridge penalty `lambda` on standardised predictors. */
export function ridge(x: readonly (readonly number[])[], y: readonly number[], lambda: number): RidgeFit {
  const n = y.length;
  const p = x[0]?.length ?? 0;
  if (n === 0) throw new Error('no rows to fit');
  const mean = new Array<number>(p).fill(0);
  const sd = new Array<number>(p).fill(0);
  for (const row of x) for (let j = 0; j < p; j++) mean[j]! += row[j]! / n;
  for (const row of x) for (let j = 0; j < p; j++) sd[j]! += (row[j]! - mean[j]!) ** 2 / n;
  for (let j = 0; j < p; j++) sd[j] = Math.sqrt(sd[j]!);
  const used = sd.map((s, j) => s > 1e-9 * Math.max(1, Math.abs(mean[j]!)));
  const cols = used.flatMap((u, j) => (u ? [j] : []));
  const k = cols.length;
  const yMean = y.reduce((s, v) => s + v, 0) / n;

  // Normal equations on the standardised columns: (ZᵀZ + λI) b = Zᵀ(y − ȳ).
  const a: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const rhs = new Array<number>(k).fill(0);
  const z = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) {
    const row = x[i]!;
    for (let c = 0; c < k; c++) z[c] = (row[cols[c]!]! - mean[cols[c]!]!) / sd[cols[c]!]!;
    const dy = y[i]! - yMean;
    for (let r = 0; r < k; r++) {
      rhs[r]! += z[r]! * dy;
      for (let c = 0; c <= r; c++) a[r]![c]! += z[r]! * z[c]!;
    }
  }
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < r; c++) a[c]![r] = a[r]![c]!;
    a[r]![r]! += lambda;
  }
  const b = k ? solveSymmetric(a, rhs) : [];

  const coefficients = new Array<number>(p).fill(0);
  let intercept = yMean;
  cols.forEach((j, c) => {
    coefficients[j] = b[c]! / sd[j]!;
    intercept -= coefficients[j]! * mean[j]!;
  });
  const residuals = x.map((row, i) => y[i]! - predict(intercept, coefficients, row));
  const sse = residuals.reduce((s, e) => s + e * e, 0);
  const sst = y.reduce((s, v) => s + (v - yMean) ** 2, 0);
  return {
    intercept,
    coefficients,
    used,
    r2: sst > 0 ? 1 - sse / sst : 0,
    residuals,
    sigma: Math.sqrt(sse / Math.max(1, n - k - 1)),
  };
}

export function predict(intercept: number, coefficients: readonly number[], row: readonly number[]): number {
  let v = intercept;
  for (let j = 0; j < coefficients.length; j++) v += coefficients[j]! * row[j]!;
  return v;
}
