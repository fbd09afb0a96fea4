/**
 * Numbers the way Chinese official documents write them: plain integers for people and schools
 * ("53694人"), money in 万元, plants in 万株, land in 亩, percentages to one decimal with a trailing
 * ".0" dropped ("参保率100%", "参保率95.9%").
 */

/** 1 亩 = 10000/15 m². */
export const M2_PER_MU = 10_000 / 15;

/** Up to `digits` decimals, trailing zeros dropped: 108 → "108", 18.7712 → "18.77", 0.1 + 0.2 → "0.3". */
export function trimmed(value: number, digits = 2): string {
  if (!Number.isFinite(value)) throw new RangeError(`无法书写的数值：${value}`);
  const fixed = value.toFixed(digits);
  const text = fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
  return text === '-0' ? '0' : text;
}

/** A whole count: rounded, no separators. */
export const count = (value: number): string => trimmed(Math.round(value), 0);

/** A percentage given as 0–100, to one decimal: 95.94 → "95.9%", 100 → "100%". */
export const percent = (value: number): string => `${trimmed(value, 1)}%`;

/** 元 → "108万元"; amounts under 1万 stay in 元 ("8600元"). */
export const yuan = (value: number): string => (Math.abs(value) >= 10_000 ? `${trimmed(value / 10_000)}万元` : `${trimmed(value)}元`);

/** Plants → "18.77万株"; under 1万, "8600株". */
export const plants = (value: number): string => (Math.abs(value) >= 10_000 ? `${trimmed(value / 10_000)}万株` : `${count(value)}株`);

/** m² → "80亩" (to two decimals). */
export const mu = (m2: number): string => `${trimmed(m2 / M2_PER_MU)}亩`;

/** kWh → "125.3万千瓦时"; small amounts stay whole. */
export const kwh = (value: number): string => (Math.abs(value) >= 10_000 ? `${trimmed(value / 10_000)}万千瓦时` : `${count(value)}千瓦时`);

/** m³ → "5.6万立方米". */
export const cubicMetres = (value: number): string => (Math.abs(value) >= 10_000 ? `${trimmed(value / 10_000)}万立方米` : `${count(value)}立方米`);

/** A change on last year in percent: "降低12%" / "增长3.5%" / "持平" (within ±0.05). */
export function change(percentChange: number): string {
  if (Math.abs(percentChange) < 0.05) return '持平';
  return percentChange < 0 ? `降低${percent(-percentChange)}` : `增长${percent(percentChange)}`;
}

/**
 * A rate against a standard (参保率, 整改率): like `percent`, but a rate short of 100% is never written as
 * "100%" (99.96 → "99.9%", so "参保率100%，未完成目标" cannot happen), and a rate above 0 never as "0%".
 */
export function rate(value: number): string {
  const text = percent(value);
  if (text === '100%' && value < 100) return `${trimmed(Math.floor(value * 10) / 10, 1)}%`;
  if (text === '0%' && value > 0) return '不足0.1%';
  return text;
}

/** kgce → "12.35吨标准煤" from 1 000 kgce on; smaller amounts "860千克标准煤". */
export const kgce = (value: number): string => (Math.abs(value) >= 1000 ? `${trimmed(value / 1000)}吨标准煤` : `${trimmed(value)}千克标准煤`);

/** A number with a unit label, to two decimals at most: "65.3千克标准煤/人". */
export const withUnit = (value: number, unit: string, digits = 2): string => `${trimmed(value, digits)}${unit}`;
