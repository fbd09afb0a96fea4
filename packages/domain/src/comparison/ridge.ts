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
  const flat = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) flat[i * p + j] = x[i]![j]!;
  const fit = ridgeRows(flat, p, Float64Array.from(y), null, lambda);
  return { ...fit, residuals: Array.from(fit.residuals) };
}

/** A fit of `ridgeRows`: like `RidgeFit`, its residuals in a typed array. */
export interface RidgeRowsFit extends Omit<RidgeFit, 'residuals'> {
  residuals: Float64Array;
}

/**
 * `ridge` on a row-major matrix of `p` columns (`x[i·p + j]`), on the rows listed in `rows` (all rows when null),
 * in that order: the same arithmetic in the same order as `ridge`, without an array per row, so a refit on a subset
 * of the rows copies nothing.
 */
export function ridgeRows(x: Float64Array, p: number, y: Float64Array, rows: Int32Array | null, lambda: number): RidgeRowsFit {
  const n = rows ? rows.length : y.length;
  if (n === 0) throw new Error('no rows to fit');
  const row = (i: number) => (rows ? rows[i]! : i);
  const mean = new Float64Array(p);
  const sd = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const o = row(i) * p;
    for (let j = 0; j < p; j++) mean[j]! += x[o + j]! / n;
  }
  for (let i = 0; i < n; i++) {
    const o = row(i) * p;
    for (let j = 0; j < p; j++) sd[j]! += (x[o + j]! - mean[j]!) ** 2 / n;
  }
  for (let j = 0; j < p; j++) sd[j] = Math.sqrt(sd[j]!);
  const used = Array.from(sd, (s, j) => s > 1e-9 * Math.max(1, Math.abs(mean[j]!)));
  const cols = Int32Array.from(used.flatMap((u, j) => (u ? [j] : [])));
  const k = cols.length;
  let ySum = 0;
  for (let i = 0; i < n; i++) ySum += y[row(i)]!;
  const yMean = ySum / n;

  // Normal equations on the standardised columns: (ZᵀZ + λI) b = Zᵀ(y − ȳ).
  const a: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const rhs = new Array<number>(k).fill(0);
  const z = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const r = row(i);
    const o = r * p;
    for (let c = 0; c < k; c++) z[c] = (x[o + cols[c]!]! - mean[cols[c]!]!) / sd[cols[c]!]!;
    const dy = y[r]! - yMean;
    for (let q = 0; q < k; q++) {
      rhs[q]! += z[q]! * dy;
      const aq = a[q]!;
      for (let c = 0; c <= q; c++) aq[c]! += z[q]! * z[c]!;
    }
  }
  for (let q = 0; q < k; q++) {
    for (let c = 0; c < q; c++) a[c]![q] = a[q]![c]!;
    a[q]![q]! += lambda;
  }
  const b = k ? solveSymmetric(a, rhs) : [];

  const coefficients = new Array<number>(p).fill(0);
  let intercept = yMean;
  for (let c = 0; c < k; c++) {
    const j = cols[c]!;
    coefficients[j] = b[c]! / sd[j]!;
    intercept -= coefficients[j]! * mean[j]!;
  }
  const residuals = new Float64Array(n);
  let sse = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    const r = row(i);
    const e = y[r]! - predictRow(intercept, coefficients, x, r * p);
    residuals[i] = e;
    sse += e * e;
  }
  for (let i = 0; i < n; i++) sst += (y[row(i)]! - yMean) ** 2;
  return {
    intercept,
    coefficients,
    used,
    r2: sst > 0 ? 1 - sse / sst : 0,
    residuals,
    sigma: Math.sqrt(sse / Math.max(1, n - k - 1)),
  };
}

/** `predict` on the row of a row-major matrix starting at `offset`. */
export function predictRow(intercept: number, coefficients: readonly number[], x: Float64Array, offset: number): number {
  let v = intercept;
  for (let j = 0; j < coefficients.length; j++) v += coefficients[j]! * x[offset + j]!;
  return v;
}

export function predict(intercept: number, coefficients: readonly number[], row: readonly number[]): number {
  let v = intercept;
  for (let j = 0; j < coefficients.length; j++) v += coefficients[j]! * row[j]!;
  return v;
}
