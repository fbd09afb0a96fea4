import type { Label } from '../labels.js';
import { LOCATION_LABELS, LOCATIONS, SCHOOL_TYPE_LABELS, SCHOOL_TYPES, type Location, type SchoolType } from '../schools.js';
import { predict, predictRow, ridgeRows } from './ridge.js';

/**
 * The fair comparison (issue 17): each school's annual use against what a school like it would use. A log-linear
 * regression, fitted per year on every school of a province with complete data, of log(annual use) on the school's
 * characteristics; ridge shrinkage on standardised predictors; schools beyond ±3σ in residual flagged and the model
 * refitted without them; each school's expected use, its actual / expected ratio, and a score 1–100: the share of
 * comparable schools with a worse (higher) ratio.
 */

/** Indicators the comparison is made for: annual flows whose size follows a school's characteristics. */
export const ADJUSTED_INDICATORS = ['electricity_kwh', 'water_m3', 'energy_kgce'] as const;
export type AdjustedIndicator = (typeof ADJUSTED_INDICATORS)[number];
export const isAdjustedIndicator = (code: string): code is AdjustedIndicator => (ADJUSTED_INDICATORS as readonly string[]).includes(code);

/** The settings the model is made with; fixed, so every county's scores mean the same. */
export const COMPARISON_SETTINGS = { lambda: 5, outlierSigma: 3, minSchools: 30 } as const;

/** What the model knows of one school in one year. */
export interface ComparisonProfile {
  schoolId: number;
  countyId: number;
  type: SchoolType;
  location: Location;
  boarding: boolean;
  hasCanteen: boolean;
  buildingAreaM2: number;
  students: number | null;
  staff: number | null;
  /** Meal days served over the window (canteen schools). */
  mealDays: number | null;
  /** The county's heating and cooling degree days of the year, when the bureau entered them. */
  hdd: number | null;
  cdd: number | null;
  /** The indicator's use over the window; null when not reported. */
  actual: number | null;
  /** Quarters of the window reported, of how many. */
  quarters: number;
  windowQuarters: number;
}

export type FeatureKey = 'students' | 'staff' | 'area' | 'boarding' | 'canteen' | 'meal_days' | 'hdd' | 'cdd' | `type:${SchoolType}` | `location:${Location}`;

/** One characteristic's effect on the expected use, in words. */
export interface ComparisonEffect {
  key: FeatureKey;
  label: Label;
  /** The coefficient on the log scale, per unit of the predictor as entered (log, 0/1, 100 days, 1000 degree days). */
  coefficient: number;
  /** The effect in percent of expected use: for a dummy its difference, for a size 10% more, for days 30 more. */
  percent: number;
  text: Label;
}

/** A school's standing in the comparison. */
export interface ComparisonEntry {
  schoolId: number;
  countyId: number;
  actual: number | null;
  expected: number | null;
  /** actual / expected; null without both. */
  ratio: number | null;
  /** 1–100 (higher is better); null with `reason` when the school cannot be scored. */
  score: number | null;
  reason: string | null;
  /** Far outside the model (|residual| > 3σ): left out of the fit; possibly a data error. */
  outlier: boolean;
}

export interface ComparisonModel {
  indicator: string;
  /** Schools the model rests on (after outliers are left out), and the schools of the province considered. */
  n: number;
  considered: number;
  r2: number | null;
  /** Null when the model could be fitted; otherwise why not (too few schools). */
  reason: string | null;
  intercept: number;
  /** Feature keys and raw coefficients, for the expectation of any profile. */
  features: FeatureKey[];
  coefficients: number[];
  /** Reference categories the dummies are against. */
  reference: { type: SchoolType | null; location: Location | null };
  effects: ComparisonEffect[];
  /** Degree days entered the model (every school fitted had them). */
  climate: { hdd: boolean; cdd: boolean };
  entries: ComparisonEntry[];
}

const FEATURE_LABELS: Record<'students' | 'staff' | 'area' | 'boarding' | 'canteen' | 'meal_days' | 'hdd' | 'cdd', Label> = {
  students: { zh: '在校学生数', en: 'Students enrolled' },
  staff: { zh: '教职工数', en: 'Staff' },
  area: { zh: '校舍建筑面积', en: 'Floor area' },
  boarding: { zh: '寄宿制', en: 'Boarding' },
  canteen: { zh: '有食堂', en: 'Canteen' },
  meal_days: { zh: '供餐天数', en: 'Meal days' },
  hdd: { zh: '采暖度日数', en: 'Heating degree days' },
  cdd: { zh: '制冷度日数', en: 'Cooling degree days' },
};

export function featureLabel(key: FeatureKey): Label {
  if (key.startsWith('type:')) return SCHOOL_TYPE_LABELS[key.slice(5) as SchoolType];
  if (key.startsWith('location:')) return LOCATION_LABELS[key.slice(9) as Location];
  return FEATURE_LABELS[key as keyof typeof FEATURE_LABELS];
}

/** Why a school cannot enter the model (null when it can). */
export function profileProblem(p: ComparisonProfile, indicatorName: string): string | null {
  if (p.quarters === 0) return '本年度没有已审核的报表';
  if (p.quarters < p.windowQuarters) return `本年度已审核报表${p.quarters}个季度，少于比较所需的${p.windowQuarters}个季度`;
  if (p.actual === null) return `未填报${indicatorName}`;
  if (!(p.actual > 0)) return `${indicatorName}为0，无法与预期比较`;
  if (!(p.students !== null && p.students > 0)) return '缺少在校学生数';
  if (!(p.staff !== null && p.staff > 0)) return '缺少教职工数';
  if (!(p.buildingAreaM2 > 0)) return '校舍建筑面积为0';
  if (p.hasCanteen && p.mealDays === null) return '有食堂但未填报供餐天数';
  return null;
}

const mostCommon = <T>(values: readonly T[]): T | null => {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: T | null = null;
  let most = 0;
  for (const [v, c] of counts) if (c > most) [best, most] = [v, c];
  return best;
};

/** How one feature is read off a profile. */
function featureOf(f: FeatureKey): (p: ComparisonProfile) => number {
  switch (f) {
    case 'students':
      return (p) => Math.log(p.students!);
    case 'staff':
      return (p) => Math.log(p.staff!);
    case 'area':
      return (p) => Math.log(p.buildingAreaM2);
    case 'boarding':
      return (p) => (p.boarding ? 1 : 0);
    case 'canteen':
      return (p) => (p.hasCanteen ? 1 : 0);
    case 'meal_days':
      return (p) => (p.hasCanteen ? (p.mealDays ?? 0) / 100 : 0);
    case 'hdd':
      return (p) => (p.hdd ?? 0) / 1000;
    case 'cdd':
      return (p) => (p.cdd ?? 0) / 1000;
    default: {
      if (f.startsWith('type:')) {
        const type = f.slice(5);
        return (p) => (p.type === type ? 1 : 0);
      }
      const location = f.slice(9);
      return (p) => (p.location === location ? 1 : 0);
    }
  }
}

/** The predictor row of a profile for some features. */
export function featureRow(features: readonly FeatureKey[], p: ComparisonProfile): number[] {
  return features.map((f) => featureOf(f)(p));
}

/** The predictor rows of many profiles, row after row in one array (each feature's reading worked out once). */
function featureMatrix(features: readonly FeatureKey[], profiles: readonly ComparisonProfile[]): Float64Array {
  const readers = features.map(featureOf);
  const width = readers.length;
  const x = new Float64Array(profiles.length * width);
  profiles.forEach((p, i) => {
    for (let j = 0; j < width; j++) x[i * width + j] = readers[j]!(p);
  });
  return x;
}

const pct = (x: number) => (Math.exp(x) - 1) * 100;
const about = (percent: number) => {
  const a = Math.abs(percent);
  return a >= 10 ? String(Math.round(a)) : a >= 1 ? a.toFixed(1).replace(/\.0$/, '') : a.toFixed(2).replace(/0$/, '');
};
const upDown = (percent: number): { zh: string; en: string } => (percent >= 0 ? { zh: '高', en: 'higher' } : { zh: '低', en: 'lower' });

/** An effect in words, e.g. “寄宿制学校预期用电量高约35%”, “在校学生数每多10%，预期用电量高约6.2%”. */
function effectOf(key: FeatureKey, coefficient: number, what: Label, reference: ComparisonModel['reference']): ComparisonEffect {
  const label = featureLabel(key);
  let percent: number;
  let text: Label;
  if (key === 'students' || key === 'staff' || key === 'area') {
    percent = (1.1 ** coefficient - 1) * 100;
    const d = upDown(percent);
    text = {
      zh: `${label.zh}每多10%，预期${what.zh}${d.zh}约${about(percent)}%`,
      en: `10% more ${label.en.toLowerCase()}: expected ${what.en.toLowerCase()} about ${about(percent)}% ${d.en}`,
    };
  } else if (key === 'meal_days') {
    percent = pct(coefficient * 0.3);
    const d = upDown(percent);
    text = {
      zh: `供餐天数每多30天，预期${what.zh}${d.zh}约${about(percent)}%`,
      en: `30 more meal days: expected ${what.en.toLowerCase()} about ${about(percent)}% ${d.en}`,
    };
  } else if (key === 'hdd' || key === 'cdd') {
    percent = pct(coefficient * 0.5);
    const d = upDown(percent);
    text = {
      zh: `${label.zh}每多500，预期${what.zh}${d.zh}约${about(percent)}%`,
      en: `500 more ${label.en.toLowerCase()}: expected ${what.en.toLowerCase()} about ${about(percent)}% ${d.en}`,
    };
  } else if (key === 'boarding' || key === 'canteen') {
    percent = pct(coefficient);
    const d = upDown(percent);
    const zh = key === 'boarding' ? '寄宿制学校' : '有食堂的学校';
    const en = key === 'boarding' ? 'Boarding schools' : 'Schools with a canteen';
    text = { zh: `${zh}预期${what.zh}${d.zh}约${about(percent)}%`, en: `${en}: expected ${what.en.toLowerCase()} about ${about(percent)}% ${d.en}` };
  } else {
    percent = pct(coefficient);
    const d = upDown(percent);
    const isType = key.startsWith('type:');
    const base = isType ? SCHOOL_TYPE_LABELS[reference.type!] : LOCATION_LABELS[reference.location!];
    const zh = isType ? label.zh : `${label.zh}学校`;
    const baseZh = isType ? base.zh : `${base.zh}学校`;
    text = {
      zh: `${zh}预期${what.zh}比${baseZh}${d.zh}约${about(percent)}%`,
      en: `${label.en}${isType ? '' : ' schools'}: expected ${what.en.toLowerCase()} about ${about(percent)}% ${d.en} than ${base.en.toLowerCase()}${isType ? '' : ' schools'}`,
    };
  }
  return { key, label, coefficient, percent, text };
}

/** The score of a ratio among the reference ratios (ascending): the share with a higher (worse) ratio, 1–100. */
export function scoreOf(ratio: number, sortedRatios: ArrayLike<number>, own: boolean): number {
  // Count of reference ratios strictly greater than `ratio` (binary search on the ascending list).
  let lo = 0;
  let hi = sortedRatios.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sortedRatios[mid]! > ratio) hi = mid;
    else lo = mid + 1;
  }
  const worse = sortedRatios.length - lo;
  const others = sortedRatios.length - (own ? 1 : 0);
  if (others <= 0) return 50;
  return Math.min(100, Math.max(1, Math.round((100 * worse) / others)));
}

/**
 * Fits the comparison for one indicator and year on the province's profiles, and scores every school.
 * `what` names the indicator in words (“用电量”).
 */
export function fitComparison(
  indicator: string,
  what: Label,
  profiles: readonly ComparisonProfile[],
  settings: { lambda: number; outlierSigma: number; minSchools: number } = COMPARISON_SETTINGS,
): ComparisonModel {
  const problems = new Map(profiles.map((p) => [p.schoolId, profileProblem(p, what.zh)]));
  const usable = profiles.filter((p) => problems.get(p.schoolId) === null);
  const hdd = usable.length > 0 && usable.every((p) => p.hdd !== null);
  const cdd = usable.length > 0 && usable.every((p) => p.cdd !== null);
  const refType = mostCommon(usable.map((p) => p.type));
  const refLocation = usable.some((p) => p.location === 'urban') ? 'urban' : mostCommon(usable.map((p) => p.location));
  const features: FeatureKey[] = [
    'students',
    'staff',
    'area',
    'boarding',
    'canteen',
    'meal_days',
    ...SCHOOL_TYPES.filter((t) => t !== refType && usable.some((p) => p.type === t)).map((t) => `type:${t}` as const),
    ...LOCATIONS.filter((l) => l !== refLocation && usable.some((p) => p.location === l)).map((l) => `location:${l}` as const),
    ...(hdd ? (['hdd'] as const) : []),
    ...(cdd ? (['cdd'] as const) : []),
  ];
  const empty = (reason: string): ComparisonModel => ({
    indicator,
    n: 0,
    considered: profiles.length,
    r2: null,
    reason,
    intercept: 0,
    features: [],
    coefficients: [],
    reference: { type: refType, location: refLocation },
    effects: [],
    climate: { hdd, cdd },
    entries: profiles.map((p) => ({
      schoolId: p.schoolId,
      countyId: p.countyId,
      actual: p.actual,
      expected: null,
      ratio: null,
      score: null,
      reason: problems.get(p.schoolId) ?? reason,
      outlier: false,
    })),
  });
  const tooFew = (n: number) => `全省本年度数据完整的可比学校仅${n}所，少于${settings.minSchools}所，不计算预期与得分`;
  if (usable.length < settings.minSchools) return empty(tooFew(usable.length));

  // The predictors once, as one row-major matrix; the refit without the outliers reuses it (a list of rows).
  const n = usable.length;
  const width = features.length;
  const x = featureMatrix(features, usable);
  const ys = Float64Array.from(usable, (p) => Math.log(p.actual!));
  const first = ridgeRows(x, width, ys, null, settings.lambda);
  const outlier = new Uint8Array(n);
  let outliers = 0;
  for (let i = 0; i < n; i++) {
    if (Math.abs(first.residuals[i]!) > settings.outlierSigma * first.sigma) {
      outlier[i] = 1;
      outliers++;
    }
  }
  const kept = new Int32Array(n - outliers);
  for (let i = 0, k = 0; i < n; i++) if (!outlier[i]) kept[k++] = i;
  if (kept.length < settings.minSchools) return empty(tooFew(kept.length));
  const fit = outliers ? ridgeRows(x, width, ys, kept, settings.lambda) : first;

  // Each usable school's expectation and ratio, computed once.
  const expected = new Float64Array(n);
  const ratios = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    expected[i] = Math.exp(predictRow(fit.intercept, fit.coefficients, x, i * width));
    ratios[i] = usable[i]!.actual! / expected[i]!;
  }
  const reference = new Float64Array(kept.length);
  kept.forEach((i, k) => {
    reference[k] = ratios[i]!;
  });
  reference.sort();
  let next = 0;
  const entries = profiles.map((p): ComparisonEntry => {
    const problem = problems.get(p.schoolId) ?? null;
    if (problem !== null)
      return { schoolId: p.schoolId, countyId: p.countyId, actual: p.actual, expected: null, ratio: null, score: null, reason: problem, outlier: false };
    // Usable profiles come in the order of `profiles`.
    const i = next++;
    const ratio = ratios[i]!;
    const isOutlier = outlier[i] === 1;
    return {
      schoolId: p.schoolId,
      countyId: p.countyId,
      actual: p.actual,
      expected: expected[i]!,
      ratio,
      score: scoreOf(ratio, reference, !isOutlier),
      reason: null,
      outlier: isOutlier,
    };
  });
  const ref = { type: refType, location: refLocation };
  return {
    indicator,
    n: kept.length,
    considered: profiles.length,
    r2: fit.r2,
    reason: null,
    intercept: fit.intercept,
    features,
    coefficients: fit.coefficients,
    reference: ref,
    effects: features.flatMap((f, j) => (fit.used[j] ? [effectOf(f, fit.coefficients[j]!, what, ref)] : [])),
    climate: { hdd, cdd },
    entries,
  };
}

/** The expected use of a profile under a fitted model (null when the model has no fit or the profile cannot enter). */
export function expectedUse(model: Pick<ComparisonModel, 'reason' | 'intercept' | 'features' | 'coefficients'>, p: ComparisonProfile): number | null {
  if (model.reason !== null) return null;
  if (!(p.students && p.staff && p.buildingAreaM2 > 0)) return null;
  return Math.exp(predict(model.intercept, model.coefficients, featureRow(model.features, p)));
}
