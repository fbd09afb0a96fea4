import { groupByCounty, indicator, indicatorInputs, schoolsOfWindow, windowFrame, type Frame, type Period, type Target } from '@oversight/domain';
import type { Kysely } from 'kysely';
import { analyticsReports, analyticsSchools, type AnalyticsSchoolRow, type CountyReport } from '../../queries/analytics.js';
import type { Database, ReportStatus } from '../../schema.js';
import { comparedPeriods, type ResolvedWindow } from './window.js';

/** One county's schools (active, or closed with a report in the quarters read) and reports. */
export interface CountyData {
  schools: AnalyticsSchoolRow[];
  reports: CountyReport[];
}

/** Some counties' schools and reports of some quarters, in one read, by county; `codes` cuts the values read. */
export async function countyData(
  db: Kysely<Database>,
  countyIds: readonly number[],
  periods: readonly Period[],
  statuses: readonly ReportStatus[],
  codes?: readonly string[],
): Promise<(countyId: number) => CountyData> {
  const [schools, reports] = await Promise.all([
    analyticsSchools(db, countyIds, undefined, { periods, statuses }),
    analyticsReports(db, countyIds, periods, statuses, undefined, codes),
  ]);
  const bySchool = groupByCounty(schools);
  const byReport = groupByCounty(reports);
  return (countyId) => ({ schools: bySchool.get(countyId) ?? [], reports: byReport.get(countyId) ?? [] });
}

/** A county over a window: the schools the window speaks for, and their windows this year and a year earlier. */
export interface CountyFrame {
  present: AnalyticsSchoolRow[];
  frame: Frame;
}

/**
 * A county's frame, from data that holds the window and a year earlier (other quarters are ignored): what its
 * overview parts and its targets are measured on.
 */
export function countyFrame({ schools, reports }: CountyData, w: ResolvedWindow): CountyFrame {
  const present = schoolsOfWindow(schools, reports, w.window);
  return { present, frame: windowFrame(present, reports, w.window) };
}

/** Counties' frames for their targets, each report read cut to the values the targets' indicators need. */
export async function targetFrames(
  db: Kysely<Database>,
  countyIds: readonly number[],
  w: ResolvedWindow,
  statuses: readonly ReportStatus[],
  targets: readonly Target[],
): Promise<Map<number, CountyFrame>> {
  const of = await countyData(db, countyIds, comparedPeriods(w), statuses, [...new Set(targets.flatMap((t) => indicatorInputs(indicator(t.indicator))))]);
  return new Map(countyIds.map((id) => [id, countyFrame(of(id), w)]));
}
