/**
 * Sentence pieces for generated report text: full-width punctuation, lists joined the Chinese way, and no
 * sentence about nothing ("0所学校…" is never written: callers get null and leave the sentence out).
 */

/** "A、B和C"; an empty list is an empty string. */
export function listJoin(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join('、')}和${items[items.length - 1]}`;
}

/** The first few names and how many more: "甲小学、乙小学等5所学校". */
export function namesWithCount(names: readonly string[], unit = '所学校', shown = 3): string {
  if (names.length === 0) return '';
  if (names.length <= shown) return `${names.join('、')}${names.length > 1 ? `共${names.length}${unit}` : ''}`;
  return `${names.slice(0, shown).join('、')}等${names.length}${unit}`;
}

/** A clause with a count, or null when the count is zero (so the clause is dropped). */
export function whenAny(n: number, clause: (n: number) => string): string | null {
  return n > 0 ? clause(n) : null;
}

/** Joins clauses with "，" and ends the sentence with "。", skipping dropped (null) clauses; null if none remain. */
export function sentence(clauses: readonly (string | null | undefined | false)[]): string | null {
  const kept = clauses.filter((c): c is string => typeof c === 'string' && c.length > 0);
  if (!kept.length) return null;
  return `${kept.join('，')}。`;
}

/** Chinese ordinals for numbered headings: 1 → "一", 12 → "十二". */
export function chineseNumber(n: number): string {
  const digits = '零一二三四五六七八九';
  if (!Number.isInteger(n) || n < 0 || n > 99) throw new RangeError(`不支持的序号：${n}`);
  if (n < 10) return digits[n]!;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : digits[tens]}十${ones ? digits[ones] : ''}`;
}

/** The part of a year a bureau names: "第一季度", "上半年", "前三季度"; "" for a whole year. */
export function partialYear(upToQuarter: 1 | 2 | 3 | 4): string {
  return PART_YEAR[upToQuarter];
}

const PART_YEAR = { 1: '第一季度', 2: '上半年', 3: '前三季度', 4: '' } as const;

/**
 * The number of a heading in official documents (GB/T 9704): "一、" for the first level, "（一）" for the
 * second, "1." for the third and "（1）" for the fourth. `index` counts from 1.
 */
export function headingNumber(depth: number, index: number): string {
  switch (depth) {
    case 0:
      return `${chineseNumber(index)}、`;
    case 1:
      return `（${chineseNumber(index)}）`;
    case 2:
      return `${index}.`;
    default:
      return `（${index}）`;
  }
}

/** The time a summary speaks of: "2026年" for a whole year, "2026年上半年" or "2026年前三季度" for part of one. */
export function asOf(year: number, upToQuarter: 1 | 2 | 3 | 4): string {
  return `${year}年${partialYear(upToQuarter)}`;
}

/**
 * How many schools a problem concerns, without naming them (bureau summaries name no school among the problems):
 * "个别学校" (one), "少数学校（2所）" (up to a third), "部分学校（5所）", "全部7所学校".
 */
export function schoolsConcerned(count: number, total: number): string {
  if (count <= 0) return '';
  if (count >= total && total > 1) return `全部${total}所学校`;
  if (count === 1) return '个别学校';
  return count * 3 <= total ? `少数学校（${count}所）` : `部分学校（${count}所）`;
}

/**
 * How a bureau document names its own area: "全县" for a 县, "全市" for a 县级市 or a city, "全区" for a 区,
 * "全旗" for a 旗.
 */
export function areaSubject(unitName: string, level: 'county' | 'city'): string {
  if (level === 'city') return '全市';
  const last = unitName.trim().slice(-1);
  return last === '市' ? '全市' : last === '区' ? '全区' : last === '旗' ? '全旗' : '全县';
}
