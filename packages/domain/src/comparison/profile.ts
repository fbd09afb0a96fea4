import { indicatorValue, isNumeric } from '../aggregate/group.js';
import type { AnalyticsSchool, SchoolWindow } from '../aggregate/window.js';
import type { Indicator } from '../indicators/types.js';
import type { ComparisonEntry, ComparisonModel, ComparisonProfile } from './model.js';

/** A county's heating and cooling degree days of one year (entered by the bureau). */
export interface DegreeDays {
  hdd: number;
  cdd: number;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * A school's profile over a window: its characteristics (the school's own, enrolment and staff as last reported,
 * meal days added up) and its use of the indicator. `w` is the school's window (undefined: nothing reported).
 */
export function comparisonProfile(
  ind: Indicator,
  school: AnalyticsSchool & { countyId: number; boarding: boolean },
  w: SchoolWindow | undefined,
  windowQuarters: number,
  degreeDays: DegreeDays | null,
): ComparisonProfile {
  const actual = w && isNumeric(ind) ? num(indicatorValue(ind, w)) : null;
  return {
    schoolId: school.id,
    countyId: school.countyId,
    type: school.type,
    location: school.location,
    boarding: school.boarding,
    hasCanteen: school.hasCanteen,
    buildingAreaM2: school.buildingAreaM2,
    students: num(w?.values.students_enrolled),
    staff: num(w?.values.staff_count),
    mealDays: num(w?.values.meal_days),
    hdd: degreeDays?.hdd ?? null,
    cdd: degreeDays?.cdd ?? null,
    actual,
    quarters: w?.periods.length ?? 0,
    windowQuarters,
  };
}

/** The model as kept: entries as arrays (schoolId, countyId, actual, expected, ratio, score, reason, outlier). */
type PackedEntry = [number, number, number | null, number | null, number | null, number | null, string | null, 0 | 1];

export function packComparison(model: ComparisonModel): string {
  const { entries, ...rest } = model;
  const round = (v: number | null) => (v === null ? null : Number(v.toPrecision(8)));
  const packed: PackedEntry[] = entries.map((e) => [e.schoolId, e.countyId, e.actual, round(e.expected), round(e.ratio), e.score, e.reason, e.outlier ? 1 : 0]);
  return JSON.stringify({ ...rest, entries: packed });
}

export function unpackComparison(text: string): ComparisonModel {
  const { entries, ...rest } = JSON.parse(text) as Omit<ComparisonModel, 'entries'> & { entries: PackedEntry[] };
  return {
    ...rest,
    entries: entries.map(
      ([schoolId, countyId, actual, expected, ratio, score, reason, outlier]): ComparisonEntry => ({
        schoolId,
        countyId,
        actual,
        expected,
        ratio,
        score,
        reason,
        outlier: outlier === 1,
      }),
    ),
  };
}
