import type { Period } from '../periods.js';
import { groupBy } from './window.js';

/** Items by their county, in the order given. */
export const groupByCounty = <T extends { countyId: number }>(items: readonly T[]): Map<number, T[]> => groupBy(items, (i) => i.countyId);

/** Where a quarter's reports stand: active schools, and how many reports are approved, submitted, started or missing. */
export interface Completeness {
  period: Period;
  schools: number;
  approved: number;
  submitted: number;
  /** Saved as a draft or returned for revision: started but not (again) submitted. */
  inProgress: number;
  /** No report at all. */
  missing: number;
}

/** Counties' completeness added up per quarter (quarters in the order given, each with every county's count). */
export function sumCompleteness(rows: readonly Completeness[], periods: readonly Period[]): Completeness[] {
  return periods.map((p) => {
    const of = rows.filter((r) => r.period === p);
    const total = (k: 'schools' | 'approved' | 'submitted' | 'inProgress' | 'missing') => of.reduce((t, r) => t + r[k], 0);
    return {
      period: p,
      schools: total('schools'),
      approved: total('approved'),
      submitted: total('submitted'),
      inProgress: total('inProgress'),
      missing: total('missing'),
    };
  });
}
