import {
  deadlineOf,
  evaluateFormula,
  groupMedian,
  INDICATORS,
  isPeriod,
  previousPeriod,
  reportInputs,
  sameQuarterLastYear,
  type Period,
  type ReportValues,
} from '@oversight/domain';
import type { Kysely } from 'kysely';
import type { Database, School } from '../schema.js';
import { chunks } from './batches.js';

/**
 * What a report's figures are checked against, and when it is due: the one place that reads them, for the form,
 * submission, the review queue and the import alike.
 */
export interface ValidationContext {
  /** The school's own submitted (or approved) values of the same quarter last year. */
  lastYear: ReportValues | null;
  /** …and of the previous quarter. */
  previousQuarter: ReportValues | null;
  /** Same-type schools' medians of the normalised indicators (the school itself left out; none below three peers). */
  peerMedians: Record<string, number>;
  /** When the report is due (the county's deadline after the quarter's end). */
  deadline: Date;
  /** The first quarter for which the county requires evidence (null: none); read with the deadline, one row. */
  evidenceFrom: Period | null;
}

export type ContextSchool = Pick<School, 'id' | 'countyId' | 'type'>;

export const DEFAULT_DEADLINE_DAYS = 15;

/** How many days after a quarter's end a county's reports are due. */
export async function deadlineDays(db: Kysely<Database>, countyId: number): Promise<number> {
  return (await countySettingsOf(db, [countyId]))(countyId).deadlineDays;
}

/** The deadline days of several counties in one query (the default for a county that never set them). */
export async function deadlineDaysOf(db: Kysely<Database>, countyIds: readonly number[]): Promise<(countyId: number) => number> {
  const settings = await countySettingsOf(db, countyIds);
  return (countyId) => settings(countyId).deadlineDays;
}

export interface CountyReportSettings {
  deadlineDays: number;
  /** The first quarter for which the county requires evidence (null: not required). */
  evidenceFrom: Period | null;
}

/** What a county set for its reports (deadline, evidence), for several counties in one query; defaults when unset. */
export async function countySettingsOf(db: Kysely<Database>, countyIds: readonly number[]): Promise<(countyId: number) => CountyReportSettings> {
  const rows = countyIds.length
    ? await db
        .selectFrom('countySettings')
        .select(['countyId', 'deadlineDays', 'evidenceFrom'])
        .where('countyId', 'in', [...new Set(countyIds)])
        .execute()
    : [];
  const settings = new Map(
    rows.map((r) => [r.countyId, { deadlineDays: r.deadlineDays, evidenceFrom: r.evidenceFrom && isPeriod(r.evidenceFrom) ? r.evidenceFrom : null }]),
  );
  return (countyId) => settings.get(countyId) ?? { deadlineDays: DEFAULT_DEADLINE_DAYS, evidenceFrom: null };
}

const PEER_INDICATORS = INDICATORS.filter((i) => i.peerFactor && i.formula);
const SUBMITTED = ['submitted', 'approved'] as const;
const unique = <T>(items: Iterable<T>): T[] => [...new Set(items)];

/** The schools' own submitted and approved values of the given quarters, by `schoolId|period`. */
async function ownValues(db: Kysely<Database>, schoolIds: readonly number[], periods: readonly Period[]): Promise<Map<string, ReportValues>> {
  const values = new Map<string, ReportValues>();
  for (const part of periods.length ? chunks(schoolIds) : []) {
    const rows = await db
      .selectFrom('reports')
      .select(['schoolId', 'period', 'values'])
      .where('schoolId', 'in', part)
      .where('period', 'in', [...periods])
      .where('status', 'in', SUBMITTED)
      .execute();
    for (const r of rows) values.set(`${r.schoolId}|${r.period}`, r.values);
  }
  return values;
}

/**
 * The peers' normalised figures (indicators with a peer factor) from submitted and approved reports, grouped by
 * `countyId|type|period`, then by indicator: one query for every county, type and quarter asked for.
 */
async function peerFigures(db: Kysely<Database>, subjects: readonly { school: ContextSchool; period: Period }[]) {
  const groups = new Map<string, Map<string, { schoolId: number; value: number }[]>>();
  if (!subjects.length || !PEER_INDICATORS.length) return groups;
  const rows = await db
    .selectFrom('reports')
    .innerJoin('schools', 'schools.id', 'reports.schoolId')
    .select([
      'reports.schoolId',
      'reports.countyId',
      'reports.period',
      'reports.values',
      'schools.type',
      'schools.hasCanteen',
      'schools.buildingAreaM2',
      'schools.siteAreaM2',
    ])
    .where('reports.countyId', 'in', unique(subjects.map((s) => s.school.countyId)))
    .where('reports.period', 'in', unique(subjects.map((s) => s.period)))
    .where('reports.status', 'in', SUBMITTED)
    .where('schools.type', 'in', unique(subjects.map((s) => s.school.type)))
    .execute();
  for (const row of rows) {
    const key = `${row.countyId}|${row.type}|${row.period}`;
    const group = groups.get(key) ?? new Map<string, { schoolId: number; value: number }[]>();
    groups.set(key, group);
    for (const ind of PEER_INDICATORS) {
      const value = evaluateFormula(ind.formula!, reportInputs(row.values, row), row.period as Period);
      if (value === null) continue;
      const list = group.get(ind.code) ?? [];
      group.set(ind.code, list);
      list.push({ schoolId: row.schoolId, value });
    }
  }
  return groups;
}

/**
 * The validation contexts of many reports (schools and quarters) in four queries whatever their number; the
 * answer looks each one up. A school's own report is never its peer.
 */
export async function validationContexts(
  db: Kysely<Database>,
  subjects: readonly { school: ContextSchool; period: Period }[],
): Promise<(school: ContextSchool, period: Period) => ValidationContext> {
  const historyPeriods = unique(subjects.flatMap((s) => [sameQuarterLastYear(s.period), previousPeriod(s.period)]));
  const [history, peers, settings] = await Promise.all([
    ownValues(db, unique(subjects.map((s) => s.school.id)), historyPeriods),
    peerFigures(db, subjects),
    countySettingsOf(
      db,
      subjects.map((s) => s.school.countyId),
    ),
  ]);
  return (school, period) => {
    const peerMedians: Record<string, number> = {};
    for (const [code, list] of peers.get(`${school.countyId}|${school.type}|${period}`) ?? []) {
      const median = groupMedian(list.filter((p) => p.schoolId !== school.id).map((p) => p.value));
      if (median !== null) peerMedians[code] = median;
    }
    return {
      lastYear: history.get(`${school.id}|${sameQuarterLastYear(period)}`) ?? null,
      previousQuarter: history.get(`${school.id}|${previousPeriod(period)}`) ?? null,
      peerMedians,
      deadline: deadlineOf(period, settings(school.countyId).deadlineDays),
      evidenceFrom: settings(school.countyId).evidenceFrom,
    };
  };
}

/** The validation context of one school's report for a quarter. */
export async function validationContext(db: Kysely<Database>, school: ContextSchool, period: Period): Promise<ValidationContext> {
  return (await validationContexts(db, [{ school, period }]))(school, period);
}
