import { AppError } from './errors.js';

/** A reporting period: one calendar quarter, written `2026Q1`. */
export type Period = `${number}Q${1 | 2 | 3 | 4}`;

const PATTERN = /^(\d{4})Q([1-4])$/;
const QUARTER_ZH = ['一', '二', '三', '四'] as const;

export function isPeriod(value: string): value is Period {
  return PATTERN.test(value);
}

/** A period given in a call, or BAD_REQUEST (field `period`) naming the expected form. */
export function assertPeriod(period: string): asserts period is Period {
  if (!isPeriod(period)) throw new AppError('BAD_REQUEST', `季度格式应为“2026Q1”，收到“${period}”。`, 'period');
}

export function parsePeriod(period: string): { year: number; quarter: 1 | 2 | 3 | 4 } {
  const match = PATTERN.exec(period);
  if (!match) throw new RangeError(`季度格式应为“2026Q1”：${period}`);
  return { year: Number(match[1]), quarter: Number(match[2]) as 1 | 2 | 3 | 4 };
}

export function period(year: number, quarter: number): Period {
  return `${year}Q${quarter}` as Period;
}

/** Moves by whole quarters: -1 is the previous quarter, -4 the same quarter last year. */
export function shiftPeriod(p: Period, quarters: number): Period {
  const { year, quarter } = parsePeriod(p);
  const index = year * 4 + (quarter - 1) + quarters;
  return period(Math.floor(index / 4), (index % 4) + 1);
}

export const previousPeriod = (p: Period) => shiftPeriod(p, -1);
export const sameQuarterLastYear = (p: Period) => shiftPeriod(p, -4);

export function quartersOfYear(year: number, upTo: 1 | 2 | 3 | 4 = 4): Period[] {
  return Array.from({ length: upTo }, (_, i) => period(year, i + 1));
}

/** The last day of the quarter, as `YYYY-MM-DD`. */
export function periodEndDate(p: Period): string {
  const { year, quarter } = parsePeriod(p);
  const end = new Date(Date.UTC(year, quarter * 3, 0));
  return end.toISOString().slice(0, 10);
}

export function periodStartDate(p: Period): string {
  const { year, quarter } = parsePeriod(p);
  return `${year}-${String((quarter - 1) * 3 + 1).padStart(2, '0')}-01`;
}

/**
 * The submission deadline: `days` after the quarter ends, at the end of that day in China (UTC+8).
 * Returned as an instant so "late" is the same wherever the server runs.
 */
export function deadlineOf(p: Period, days: number): Date {
  const end = new Date(`${periodEndDate(p)}T00:00:00+08:00`);
  return new Date(end.getTime() + (days + 1) * 86_400_000 - 1);
}

/** The quarter a date (in China time) falls in. */
export function periodOf(date: Date): Period {
  const china = new Date(date.getTime() + 8 * 3600_000);
  return period(china.getUTCFullYear(), Math.floor(china.getUTCMonth() / 3) + 1);
}

export function periodLabel(p: Period, lang: 'zh' | 'en' = 'zh'): string {
  const { year, quarter } = parsePeriod(p);
  return lang === 'zh' ? `${year}年第${QUARTER_ZH[quarter - 1]}季度` : `Q${quarter} ${year}`;
}

/** Whole days between two `YYYY-MM-DD` dates (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}
