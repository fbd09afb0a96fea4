import { figureStatuses, period, quartersEndingAt, shiftWindow, yearWindow, type Period } from '@oversight/domain';
import type { Kysely } from 'kysely';
import { lastReportedPeriods } from '../../queries/analytics.js';
import type { Database } from '../../schema.js';

export interface FigureOptions {
  /** Count submitted reports awaiting review as well as approved ones. */
  includeSubmitted?: boolean | undefined;
}

export interface WindowChoice extends FigureOptions {
  year: number;
  /** One quarter; without it, the year so far (Q1 up to the last quarter with a report). */
  quarter?: 1 | 2 | 3 | 4 | undefined;
}

export interface ResolvedWindow {
  window: Period[];
  /** The quarter the window ends with (the trend ends there too). */
  end: Period;
  upToQuarter: 1 | 2 | 3 | 4 | null;
}

/** The quarters of the dashboards' trends. */
export const TREND_QUARTERS = 12;

/** The window a choice stands for: its quarter, or Q1 up to the last quarter any of the counties reported. */
export async function resolveWindow(db: Kysely<Database>, countyIds: readonly number[], choice: WindowChoice): Promise<ResolvedWindow> {
  if (choice.quarter !== undefined) {
    const p = period(choice.year, choice.quarter);
    return { window: [p], end: p, upToQuarter: choice.quarter };
  }
  const last = [...(await lastReportedPeriods(db, countyIds, choice.year, figureStatuses(choice.includeSubmitted))).values()].sort().at(-1);
  const upTo = last ? (Number(last.slice(-1)) as 1 | 2 | 3 | 4) : null;
  return { window: upTo ? yearWindow(choice.year, upTo) : [], end: period(choice.year, upTo ?? 1), upToQuarter: upTo };
}

/** The quarters a window's figures, its change on last year and a trend of `trendLength` quarters need. */
export function periodsFor(w: ResolvedWindow, trendLength: number): Period[] {
  return [...new Set([...quartersEndingAt(w.end, Math.max(trendLength, 8)), ...w.window])].sort();
}

/** The window's quarters and the same quarters a year earlier: what its values and their change on last year need. */
export const comparedPeriods = (w: ResolvedWindow): Period[] => [...new Set([...w.window, ...shiftWindow(w.window, -1)])];
