import {
  change,
  compare,
  describeTarget,
  effectiveTarget,
  indicatorValue,
  isNumeric,
  numeric,
  shortfall,
  type Change,
  type Frame,
  type Indicator,
  type IndicatorValue,
  type SchoolWindow,
  type Target,
  type TargetMeasure,
} from '@oversight/domain';
import type { AnalyticsSchoolRow } from '../../queries/analytics.js';

/** A target as a row or a chart shows it. */
export interface TargetBrief {
  id: number;
  label: string;
  kind: Target['kind'];
  measure: TargetMeasure;
  comparator: Target['comparator'];
  value: Target['value'];
}

export const brief = (t: Target, schoolName?: string): TargetBrief => ({
  id: t.id,
  label: describeTarget(t, schoolName),
  kind: t.kind,
  measure: t.measure,
  comparator: t.comparator,
  value: t.value,
});

/** Each-school targets that hold for a school: on the value first, else on the change. */
function schoolTarget(targets: readonly Target[], ind: Indicator, school: AnalyticsSchoolRow): Target | null {
  const own = targets.filter((t) => t.countyId === school.countyId);
  return effectiveTarget(own, ind.code, school, 'value') ?? effectiveTarget(own, ind.code, school, 'change_percent');
}

/** A frame's windows by school, so a league table of thousands of schools looks each one up once. */
export interface FrameIndex {
  windows: Map<number, SchoolWindow>;
  current: Map<number, SchoolWindow>;
  previous: Map<number, SchoolWindow>;
}

const bySchool = (windows: readonly SchoolWindow[]) => new Map(windows.map((w) => [w.school.id, w]));
export const indexFrame = (frame: Frame): FrameIndex => ({
  windows: bySchool(frame.windows),
  current: bySchool(frame.comparable.current),
  previous: bySchool(frame.comparable.previous),
});

/** A school's figures on a frame: its window value and its like-for-like values this year and last (numbers). */
export interface SchoolValues {
  value: IndicatorValue;
  now: number | null;
  before: number | null;
}

export function schoolValues(ind: Indicator, school: { id: number }, frame: FrameIndex): SchoolValues {
  const w = frame.windows.get(school.id);
  const now = frame.current.get(school.id);
  const before = frame.previous.get(school.id);
  return {
    value: w ? indicatorValue(ind, w) : null,
    now: isNumeric(ind) && now ? numeric(indicatorValue(ind, now)) : null,
    before: isNumeric(ind) && before ? numeric(indicatorValue(ind, before)) : null,
  };
}

/** A school's figure against its each-school target. */
export function standingOf(
  ind: Indicator,
  school: AnalyticsSchoolRow,
  values: SchoolValues,
  targets: readonly Target[],
): { value: IndicatorValue; change: Change | null; target: TargetBrief | null; met: boolean | null; shortfall: number | null } {
  const yoy = isNumeric(ind) ? change(values.now, values.before) : null;
  const target = schoolTarget(targets, ind, school);
  const measured = target?.measure === 'change_percent' ? (yoy?.percent ?? null) : values.value;
  return {
    value: values.value,
    change: yoy,
    target: target ? brief(target, target.schoolId !== null ? school.name : undefined) : null,
    met: target ? compare(measured, target.comparator, target.value) : null,
    shortfall: target ? shortfall(measured, target.comparator, target.value) : null,
  };
}
