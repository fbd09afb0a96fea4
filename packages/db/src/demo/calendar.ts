import { periodEndDate, periodOf, shiftPeriod, type Period } from '@oversight/domain';

/**
 * The demo county is generated as if today were this instant (China time), so every run gives the same county:
 * twelve closed quarters 2023Q4–2026Q3 and the current quarter 2026Q4 in progress.
 */
export const DEMO_TODAY = new Date('2026-11-20T17:30:00+08:00');
export const DEMO_CURRENT_PERIOD: Period = periodOf(DEMO_TODAY);
export const DEMO_QUARTERS = 12;

/** The closed quarters the demo holds, oldest first; index 0 is 2023Q4. */
export const DEMO_PERIODS: readonly Period[] = Array.from({ length: DEMO_QUARTERS }, (_, i) => shiftPeriod(DEMO_CURRENT_PERIOD, i - DEMO_QUARTERS));

const DAY = 86_400_000;

/** The academic year (by the September it starts in) a quarter belongs to: Q3 and Q4 open a new one. */
export function academicYear(period: Period): number {
  const year = Number(period.slice(0, 4));
  return period.endsWith('Q3') || period.endsWith('Q4') ? year : year - 1;
}

/** China-time midnight of the quarter's last day. */
const quarterEnd = (period: Period) => new Date(`${periodEndDate(period)}T00:00:00+08:00`).getTime();

/** China-time calendar fields of an instant. */
function china(at: Date) {
  const shifted = new Date(at.getTime() + 8 * 3600_000);
  return { month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate(), weekday: shifted.getUTCDay() };
}

/** Moves an office action off weekends and the National Day holiday (1–7 October) to the next working day. */
export function workday(at: Date): Date {
  let t = at.getTime();
  for (;;) {
    const { month, day, weekday } = china(new Date(t));
    if (weekday === 0 || weekday === 6 || (month === 10 && day <= 7)) t += DAY;
    else return new Date(t);
  }
}

/** An instant on day `day` after the quarter ends (day 1 is the first day of the next quarter), at hour:minute China time. */
export function dayAfterQuarter(period: Period, day: number, hour: number, minute = 0): Date {
  return new Date(quarterEnd(period) + day * DAY + hour * 3600_000 + minute * 60_000);
}

/** The same instant `days` later, at hour:minute China time of that day. */
export function daysLater(at: Date, days: number, hour: number, minute = 0): Date {
  const midnight = Math.floor((at.getTime() + 8 * 3600_000) / DAY) * DAY - 8 * 3600_000;
  return new Date(midnight + days * DAY + hour * 3600_000 + minute * 60_000);
}
