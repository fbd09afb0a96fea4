/**
 * Order statistics for league tables, distributions and school profiles.
 * Quantiles interpolate linearly between order statistics (Excel QUARTILE.INC, R type 7), so the median of
 * an even count is the mean of the two middle values.
 */
export interface Distribution {
  count: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
}

/** Fewer schools than this make no median worth showing, and would let a median reveal one school's figure. */
export const MIN_GROUP_FOR_MEDIAN = 3;

export function quantile(sorted: readonly number[], p: number): number {
  if (!sorted.length) throw new RangeError('没有数据，无法计算分位数。');
  const position = (sorted.length - 1) * p;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

export function distribution(values: readonly number[]): Distribution | null {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!sorted.length) return null;
  return {
    count: sorted.length,
    min: sorted[0]!,
    q1: quantile(sorted, 0.25),
    median: quantile(sorted, 0.5),
    q3: quantile(sorted, 0.75),
    max: sorted[sorted.length - 1]!,
  };
}

/** The median of a group, or null when the group is too small to show one. */
export function groupMedian(values: readonly number[], minimum = MIN_GROUP_FOR_MEDIAN): number | null {
  const d = distribution(values);
  return d && d.count >= minimum ? d.median : null;
}

export type Better = 'higher' | 'lower';

/** 1 is the best quarter of the group, 4 the worst, by the indicator's better direction. */
export type QuartileBand = 1 | 2 | 3 | 4;

export function quartileBand(value: number, d: Distribution, better: Better = 'higher'): QuartileBand {
  if (better === 'higher') return value >= d.q3 ? 1 : value >= d.median ? 2 : value >= d.q1 ? 3 : 4;
  return value <= d.q1 ? 1 : value <= d.median ? 2 : value <= d.q3 ? 3 : 4;
}

/**
 * Competition ranking ("1224"): equal values share a rank, the next value skips. Best first by `better`.
 * Items without a value get no rank.
 */
export function rank<T>(items: readonly T[], valueFor: (item: T) => number | null, better: Better = 'higher'): Map<T, number> {
  const scored = items.flatMap((item) => {
    const v = valueFor(item);
    return v === null || !Number.isFinite(v) ? [] : [{ item, v }];
  });
  scored.sort((a, b) => (better === 'higher' ? b.v - a.v : a.v - b.v));
  const ranks = new Map<T, number>();
  scored.forEach((s, i) => {
    const previous = scored[i - 1];
    ranks.set(s.item, previous && previous.v === s.v ? ranks.get(previous.item)! : i + 1);
  });
  return ranks;
}
