import {
  aggregateSchools,
  applies,
  badRequest,
  countyInScope,
  figureIndicator,
  figureStatuses,
  figureValue,
  groupFigure,
  groupMedian,
  indicatorValue,
  numeric,
  quarterRange,
  type IndicatorValue,
  type Period,
  type Scope,
} from '@oversight/domain';
import type { Kysely } from 'kysely';
import type { Database } from '../../schema.js';
import { countyData } from './county-data.js';
import { schoolFor } from '../scope.js';
import type { FigureOptions } from './window.js';

export interface TrendPoint {
  period: Period;
  /** The county's figure (a number, or null for statuses) or the school's value. */
  value: IndicatorValue;
  /** County, status indicators: schools per value. */
  counts: Record<string, number> | null;
  /** County: schools the figure rests on. */
  schools: number | null;
  /** The median of the county's schools (numbers, at least three schools). */
  countyMedian: number | null;
}

export const MAX_TREND_QUARTERS = 40;

/** An indicator quarter by quarter, for a county (its figure and its schools' median) or one school. */
export async function trend(
  db: Kysely<Database>,
  scope: Scope,
  input: FigureOptions & { countyId?: number | undefined; schoolId?: number | undefined; indicator: string; from: Period; to: Period },
): Promise<{ indicator: string; countyId: number; schoolId: number | null; points: TrendPoint[] }> {
  const ind = figureIndicator(input.indicator);
  if ((input.countyId === undefined) === (input.schoolId === undefined)) throw badRequest('countyId', '请指定县（countyId）或学校（schoolId）其中之一。');
  const periods = quarterRange(input.from, input.to);
  if (!periods.length) throw badRequest('to', '结束季度不能早于开始季度。');
  if (periods.length > MAX_TREND_QUARTERS) throw badRequest('from', `一次最多查看${MAX_TREND_QUARTERS}个季度。`);
  const school = input.schoolId !== undefined ? await schoolFor(db, scope, input.schoolId) : null;
  if (!school) countyInScope(scope, input.countyId!);
  const countyId = school?.countyId ?? input.countyId!;
  const { schools, reports } = (await countyData(db, [countyId], periods, figureStatuses(input.includeSubmitted)))(countyId);
  const members = schools.filter((s) => applies(ind, s));
  const points = periods.map((p): TrendPoint => {
    const windows = aggregateSchools(members, reports, [p]);
    const countyMedian = groupMedian(windows.flatMap((w) => numeric(indicatorValue(ind, w)) ?? []));
    if (school) {
      const own = windows.find((w) => w.school.id === school.id);
      return { period: p, value: own ? indicatorValue(ind, own) : null, counts: null, schools: null, countyMedian };
    }
    const figure = groupFigure(ind, windows);
    return { period: p, value: figureValue(figure), counts: figure.type === 'counts' ? figure.counts : null, schools: figure.schools, countyMedian };
  });
  return { indicator: ind.code, countyId, schoolId: school?.id ?? null, points };
}
