import {
  ADJUSTED_INDICATORS,
  badRequest,
  CATALOGUE_MARK,
  comparisonProfile,
  countyInScope,
  degreeDaysInput,
  fitComparison,
  indicator,
  indicatorInputs,
  isPeriod,
  isAdjustedIndicator,
  isAdjustedMeasure,
  missing,
  packComparison,
  unpackComparison,
  yearWindow,
  type AdjustedComparison,
  type AdjustedFigure,
  type AdjustedFigures,
  type ComparisonEffect,
  type ComparisonEntry,
  type ComparisonModel,
  type DegreeDays,
  type DegreeDaysInput,
  type Location,
  type Period,
  type ReportValues,
  type SchoolType,
  type Scope,
  type Target,
} from '@oversight/domain';
import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../../queries/audit.js';
import { windowedSchools, type WindowedSchool } from '../../queries/analytics.js';
import { countyFingerprints, storeCountyFigures, storedCountyFigures } from '../../queries/county-figures.js';
import type { Database } from '../../schema.js';
import { writerOf } from '../../connect.js';
import type { Actor } from '../actor.js';
import { schoolFor, unitInScope } from '../scope.js';
import { keptValues } from './kept-figures.js';
import { transact } from '../transaction.js';

/**
 * The fair comparison (issue 17): per province, year and indicator, the model of annual use on a school's
 * characteristics (the domain's `fitComparison`), fitted on every school of the province with complete data and kept
 * in `county_figures` under the province's id, like the counties' figures: a read uses the kept fit while the
 * province's fingerprint (its approved reports of the year, its schools, its degree days) still matches, and refits
 * otherwise.
 */

/** Bumped when the way the model is made changes, so fits kept by an older version are not used. */
const MODEL_VERSION = 1;
const REPORT_STATUSES = ['approved'] as const;
const CHARACTERISTICS = ['students_enrolled', 'staff_count', 'meal_days'];

export interface Province {
  id: number;
  name: string;
  countyIds: number[];
}

/** Each county's province (the top of its hierarchy), with every county of it. */
export async function provincesOf(db: Kysely<Database>, countyIds: readonly number[]): Promise<Map<number, Province>> {
  const units = await db.selectFrom('orgUnits').select(['id', 'parentId', 'level', 'name']).execute();
  const byId = new Map(units.map((u) => [u.id, u]));
  const top = (id: number) => {
    let u = byId.get(id);
    while (u?.parentId != null && byId.has(u.parentId)) u = byId.get(u.parentId);
    return u;
  };
  const provinces = new Map<number, Province>();
  for (const u of units) {
    if (u.level !== 'county') continue;
    const t = top(u.id)!;
    const p = provinces.get(t.id) ?? { id: t.id, name: t.name, countyIds: [] };
    p.countyIds.push(u.id);
    provinces.set(t.id, p);
  }
  const result = new Map<number, Province>();
  for (const id of countyIds) {
    const t = top(id);
    if (t) result.set(id, provinces.get(t.id) ?? { id: t.id, name: t.name, countyIds: [id] });
  }
  return result;
}

/**
 * The province's inputs of a year in one short string, and the last quarter of the year with an approved report:
 * the reports read from the index alone (id and version), the schools by count and last update, the degree days.
 */
async function provinceFingerprint(db: Kysely<Database>, province: Province, year: number): Promise<{ print: string; upTo: 1 | 2 | 3 | 4 | null }> {
  const ids = province.countyIds;
  const [reports, schools, days] = await Promise.all([
    db
      .selectFrom('reports')
      .select([
        sql<string | null>`max(period)`.as('last'),
        sql<string>`count(*) || ':' || coalesce(sum(hashint8((id::bigint << 32) | version)), 0)`.as('print'),
      ])
      .where('countyId', 'in', ids)
      .where(
        'period',
        'in',
        [1, 2, 3, 4].map((q) => `${year}Q${q}`),
      )
      .where('status', 'in', [...REPORT_STATUSES])
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('schools')
      .select(sql<string>`count(*) || ':' || count(*) filter (where active) || ':' || coalesce(max(updated_at)::text, '')`.as('print'))
      .where('countyId', 'in', ids)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('countyDegreeDays')
      .select(sql<string>`count(*) || ':' || coalesce(sum(hdd * 7 + cdd * 13), 0) || ':' || coalesce(max(updated_at)::text, '')`.as('print'))
      .where('countyId', 'in', ids)
      .where('year', '=', year)
      .executeTakeFirstOrThrow(),
  ]);
  const upTo = reports.last ? (Number(reports.last.slice(-1)) as 1 | 2 | 3 | 4) : null;
  return { print: `r${reports.print};s${schools.print};d${days.print}`, upTo };
}

/** A school's inputs as kept: id, code, type, location, boarding, canteen, areas, active, the window's quarters, values. */
type KeptSchool = [number, string, SchoolType, Location, 0 | 1, 0 | 1, number, number, 0 | 1, string | null, ...(number | null)[]];

function packInputs(schools: readonly WindowedSchool[], codes: readonly string[]): string {
  return JSON.stringify(
    schools.map(
      (s): KeptSchool => [
        s.id,
        s.code,
        s.type,
        s.location,
        s.boarding ? 1 : 0,
        s.hasCanteen ? 1 : 0,
        s.buildingAreaM2,
        s.siteAreaM2,
        s.active ? 1 : 0,
        s.window ? s.window.periods.join(',') : null,
        ...codes.map((c) => (s.window?.values[c] as number | undefined) ?? null),
      ],
    ),
  );
}

function unpackInputs(text: string, countyId: number, codes: readonly string[], end: Period): WindowedSchool[] {
  return (JSON.parse(text) as KeptSchool[]).map(([id, code, type, location, boarding, hasCanteen, buildingAreaM2, siteAreaM2, active, periods, ...values]) => {
    const school: WindowedSchool = {
      id,
      countyId,
      code,
      type,
      location,
      boarding: boarding === 1,
      hasCanteen: hasCanteen === 1,
      buildingAreaM2,
      siteAreaM2,
      active: active === 1,
      window: undefined,
    };
    if (periods !== null) {
      const kept: ReportValues = {};
      codes.forEach((c, i) => {
        if (values[i] !== null && values[i] !== undefined) kept[c] = values[i];
      });
      school.window = { school, periods: periods.split(',').filter(isPeriod), values: kept, end, projected: false };
    }
    return school;
  });
}

/**
 * The province's schools with their windows, in code order. Each county's are kept in `county_figures` (under the
 * county, with the county's fingerprint of its approved reports of the window and its schools, as the dashboards'
 * parts are), so a refit after an approval or a school change reads again only the counties whose data moved. The
 * counties read again are stored while the caller fits (`saved`: settled once they are, with the error if any).
 */
async function provinceSchools(
  db: Kysely<Database>,
  province: Province,
  window: readonly Period[],
  codes: readonly string[],
): Promise<{ schools: WindowedSchool[]; saved: Promise<unknown> }> {
  const ids = province.countyIds;
  const end = [...window].sort().at(-1);
  if (!end) return { schools: await windowedSchools(db, ids, window, [...REPORT_STATUSES], codes), saved: Promise.resolve(null) };
  const key = `comparison-inputs|v${MODEL_VERSION}|${codes.join(',')}|${CATALOGUE_MARK}|${window.join(',')}`;
  const [prints, stored] = await Promise.all([countyFingerprints(db, ids, window, [...REPORT_STATUSES]), storedCountyFigures(db, ids, key)]);
  const stale = ids.filter((id) => stored.get(id)?.fingerprint !== prints.get(id));
  const fresh = stale.length ? await windowedSchools(db, stale, window, [...REPORT_STATUSES], codes) : [];
  let saved: Promise<unknown> = Promise.resolve(null);
  if (stale.length) {
    const byCounty = new Map(stale.map((id) => [id, [] as WindowedSchool[]]));
    for (const s of fresh) byCounty.get(s.countyId)?.push(s);
    const rows = stale.map((id) => ({ countyId: id, fingerprint: prints.get(id)!, parts: packInputs(byCounty.get(id)!, codes) }));
    // Settles with the error rather than rejecting, so nothing is left unhandled while the caller fits.
    saved = storeCountyFigures(writerOf(db), key, rows).then(
      () => null,
      (error: unknown) => ({ error }),
    );
  }
  const staleSet = new Set(stale);
  const schools = [...fresh, ...ids.flatMap((id) => (staleSet.has(id) ? [] : unpackInputs(stored.get(id)!.parts, id, codes, end)))];
  // Code order, as the database orders codes (ASCII, compared byte by byte).
  return { schools: schools.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)), saved };
}

/** Computes the model of a province, year and window from its schools and approved reports. */
async function fitProvince(db: Kysely<Database>, province: Province, year: number, window: readonly Period[], code: string): Promise<ComparisonModel> {
  const ind = indicator(code);
  const [{ schools, saved }, days] = await Promise.all([
    provinceSchools(db, province, window, [...new Set([...indicatorInputs(ind), ...CHARACTERISTICS])]),
    degreeDaysOf(db, province.countyIds, year),
  ]);
  const profiles = schools.map((s) => comparisonProfile(ind, s, s.window, window.length, days.get(s.countyId) ?? null));
  const model = fitComparison(code, ind.name, profiles);
  const failed = (await saved) as { error: unknown } | null;
  if (failed) throw failed.error;
  return model;
}

export interface KeptComparison {
  province: Province;
  year: number;
  /** The quarters the comparison covers: Q1 up to the last quarter of the year any county of the province reported. */
  window: Period[];
  model: ComparisonModel;
  entries: Map<number, ComparisonEntry>;
}

/** The province's comparison for a year and indicator: the kept fit while its inputs are unchanged, else a new one. */
export async function comparisonOf(db: Kysely<Database>, province: Province, year: number, code: string): Promise<KeptComparison> {
  const { print, upTo } = await provinceFingerprint(db, province, year);
  const window = upTo ? yearWindow(year, upTo) : [];
  const key = `comparison|v${MODEL_VERSION}|${code}|${CATALOGUE_MARK}|${year}`;
  const fitted = (model: ComparisonModel): Omit<KeptComparison, 'province'> => ({
    year,
    window,
    model,
    entries: new Map(model.entries.map((e) => [e.schoolId, e])),
  });
  const kept = await keptValues(db, key, [province.id], new Map([[province.id, `${window.join(',')};${print}`]]), {
    compute: async () => new Map([[province.id, fitted(await fitProvince(db, province, year, window, code))]]),
    pack: (value) => packComparison(value.model),
    unpack: (text) => fitted(unpackComparison(text)),
  });
  // The province's name and counties are not in the fingerprint: a renamed province is still named afresh.
  return { ...kept.get(province.id)!, province };
}

/** The comparisons of some counties (grouped by province) for a year and indicator, by county. */
export async function comparisonsFor(db: Kysely<Database>, countyIds: readonly number[], year: number, code: string): Promise<Map<number, KeptComparison>> {
  const provinces = await provincesOf(db, countyIds);
  const byProvince = new Map<number, Province>();
  for (const p of provinces.values()) byProvince.set(p.id, p);
  const kept = new Map<number, KeptComparison>();
  for (const p of byProvince.values()) kept.set(p.id, await comparisonOf(db, p, year, code));
  return new Map(countyIds.flatMap((id) => (provinces.has(id) ? [[id, kept.get(provinces.get(id)!.id)!] as const] : [])));
}

/** The fair comparison some counties' targets of a year are measured on (only indicators targets measure on it). */
export async function adjustedFiguresFor(
  db: Kysely<Database>,
  countyIds: readonly number[],
  year: number,
  targets: readonly Target[],
): Promise<AdjustedFigures | undefined> {
  const codes = [...new Set(targets.filter((t) => countyIds.includes(t.countyId) && isAdjustedMeasure(t.measure)).map((t) => t.indicator))];
  if (!codes.length) return undefined;
  const wanted = new Set(countyIds);
  const result = new Map<string, AdjustedComparison>();
  for (const code of codes) {
    const schools = new Map<number, AdjustedFigure>();
    let reason: string | null = null;
    for (const kept of new Set((await comparisonsFor(db, countyIds, year, code)).values())) {
      reason ??= kept.model.reason;
      for (const e of kept.model.entries) if (wanted.has(e.countyId)) schools.set(e.schoolId, { ratio: e.ratio, score: e.score, reason: e.reason });
    }
    result.set(code, { reason, schools });
  }
  return result;
}

export interface ModelPoint {
  schoolId: number;
  countyId: number;
  code: string;
  name: string;
  actual: number;
  expected: number;
  ratio: number;
  score: number | null;
  outlier: boolean;
}

export interface ModelView {
  indicator: string;
  year: number;
  window: Period[];
  province: { id: number; name: string; counties: number };
  /** Schools the fit rests on (outliers left out), and the schools of the province considered. */
  n: number;
  considered: number;
  r2: number | null;
  reason: string | null;
  effects: ComparisonEffect[];
  climate: { hdd: boolean; cdd: boolean };
  /** The schools of the counties asked for, actual against expected (the scatter); only schools in the caller's scope. */
  points: ModelPoint[];
  /** Those far outside the model (|residual| > 3σ): possible data errors, each a warning on its reports. */
  outliers: ModelPoint[];
}

function assertIndicator(code: string): void {
  if (!isAdjustedIndicator(code)) {
    throw badRequest('indicator', `按特征调整的比较只适用于${ADJUSTED_INDICATORS.map((c) => indicator(c).name.zh).join('、')}。`);
  }
}

/**
 * How the expectation is made, for a county or a city: the province's fit (effects in words, R², the schools it
 * rests on) and the counties' schools against it.
 */
export async function comparisonModel(
  db: Kysely<Database>,
  scope: Scope,
  input: { countyId?: number | undefined; cityId?: number | undefined; year: number; indicator: string },
): Promise<ModelView> {
  assertIndicator(input.indicator);
  let countyIds: number[];
  if (input.countyId !== undefined) {
    countyInScope(scope, input.countyId);
    countyIds = [input.countyId];
  } else if (input.cityId !== undefined) {
    if (scope.kind === 'school') countyInScope(scope, -1);
    countyIds = (await unitInScope(db, scope, input.cityId)).countyIds;
    if (!countyIds.length) throw missing('unit');
  } else {
    throw badRequest('countyId', '请选择县（市、区）或市。');
  }
  const kept = (await comparisonsFor(db, countyIds, input.year, input.indicator)).get(countyIds[0]!);
  if (!kept) throw missing('county');
  const wanted = new Set(countyIds);
  const mine = kept.model.entries.filter((e) => wanted.has(e.countyId) && e.expected !== null && e.actual !== null);
  const names = mine.length
    ? await db
        .selectFrom('schools')
        .select(['id', 'code', 'name'])
        .where(
          'id',
          'in',
          mine.map((e) => e.schoolId),
        )
        .execute()
    : [];
  const byId = new Map(names.map((s) => [s.id, s]));
  const points = mine.map(
    (e): ModelPoint => ({
      schoolId: e.schoolId,
      countyId: e.countyId,
      code: byId.get(e.schoolId)?.code ?? '',
      name: byId.get(e.schoolId)?.name ?? '',
      actual: e.actual!,
      expected: e.expected!,
      ratio: e.ratio!,
      score: e.score,
      outlier: e.outlier,
    }),
  );
  const { model } = kept;
  return {
    indicator: input.indicator,
    year: input.year,
    window: kept.window,
    province: { id: kept.province.id, name: kept.province.name, counties: kept.province.countyIds.length },
    n: model.n,
    considered: model.considered,
    r2: model.r2,
    reason: model.reason,
    effects: model.effects,
    climate: model.climate,
    points,
    outliers: points.filter((p) => p.outlier).sort((a, b) => Math.abs(Math.log(b.ratio)) - Math.abs(Math.log(a.ratio))),
  };
}

export interface SchoolExpectation {
  indicator: string;
  year: number;
  window: Period[];
  actual: number | null;
  expected: number | null;
  ratio: number | null;
  score: number | null;
  reason: string | null;
  outlier: boolean;
  /** Schools the year's model rests on. */
  n: number;
}

/** How many years back a school's expectations go by default. */
export const EXPECTATION_YEARS = 5;

/**
 * A school's actual against expected use over the years (each year by that year's model), for one indicator or all
 * three: the school's profile, the principal's standing and the review page's warning for an outlier.
 */
export async function schoolExpectations(
  db: Kysely<Database>,
  scope: Scope,
  input: { schoolId: number; indicator?: string | undefined; toYear: number; years?: number | undefined },
): Promise<SchoolExpectation[]> {
  const school = await schoolFor(db, scope, input.schoolId);
  const codes = input.indicator !== undefined ? [input.indicator] : [...ADJUSTED_INDICATORS];
  for (const c of codes) assertIndicator(c);
  const years = Array.from({ length: input.years ?? EXPECTATION_YEARS }, (_, i) => input.toYear - (input.years ?? EXPECTATION_YEARS) + 1 + i);
  const province = (await provincesOf(db, [school.countyId])).get(school.countyId);
  if (!province) throw missing('county');
  // Years before any approved report of the province are left out rather than listed empty.
  const first = await db
    .selectFrom('reports')
    .select(sql<string | null>`min(period)`.as('first'))
    .where('countyId', 'in', province.countyIds)
    .where('status', '=', 'approved')
    .executeTakeFirst();
  const firstYear = first?.first ? Number(first.first.slice(0, 4)) : input.toYear + 1;
  const result: SchoolExpectation[] = [];
  for (const code of codes) {
    for (const year of years) {
      if (year < firstYear) continue;
      const kept = await comparisonOf(db, province, year, code);
      if (!kept.window.length) continue;
      const e = kept.entries.get(school.id);
      result.push({
        indicator: code,
        year,
        window: kept.window,
        actual: e?.actual ?? null,
        expected: e?.expected ?? null,
        ratio: e?.ratio ?? null,
        score: e?.score ?? null,
        reason: e ? e.reason : (kept.model.reason ?? '本年度该校不在比较范围内（已停用且未报送）'),
        outlier: e?.outlier ?? false,
        n: kept.model.n,
      });
    }
  }
  return result;
}

/** The counties' degree days of a year, by county. */
export async function degreeDaysOf(db: Kysely<Database>, countyIds: readonly number[], year: number): Promise<Map<number, DegreeDays>> {
  if (!countyIds.length) return new Map();
  const rows = await db.selectFrom('countyDegreeDays').select(['countyId', 'hdd', 'cdd']).where('countyId', 'in', countyIds).where('year', '=', year).execute();
  return new Map(rows.map((r) => [r.countyId, { hdd: Number(r.hdd), cdd: Number(r.cdd) }]));
}

export interface DegreeDaysRow {
  year: number;
  hdd: number;
  cdd: number;
  updatedAt: string;
}

/** A county's degree days, every year entered, newest first. */
export async function countyDegreeDays(db: Kysely<Database>, actor: Actor, countyId: number): Promise<DegreeDaysRow[]> {
  countyInScope(actor.scope, countyId);
  const rows = await db
    .selectFrom('countyDegreeDays')
    .select(['year', 'hdd', 'cdd', 'updatedAt'])
    .where('countyId', '=', countyId)
    .orderBy('year', 'desc')
    .execute();
  return rows.map((r) => ({ year: r.year, hdd: Number(r.hdd), cdd: Number(r.cdd), updatedAt: new Date(r.updatedAt).toISOString() }));
}

/** Enters (or corrects) a county's heating and cooling degree days of a year; audited. */
export async function setDegreeDays(db: Kysely<Database>, actor: Actor, input: DegreeDaysInput, at?: Date): Promise<DegreeDaysRow> {
  const parsed = degreeDaysInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw badRequest(String(issue.path[0] ?? 'hdd'), issue.message);
  }
  const { countyId, year, hdd, cdd } = parsed.data;
  countyInScope(actor.scope, countyId);
  const county = await db.selectFrom('orgUnits').select(['id', 'level']).where('id', '=', countyId).executeTakeFirst();
  if (county?.level !== 'county') throw missing('county');
  const updatedAt = at ?? new Date();
  await transact(db, async (trx) => {
    const before = await trx.selectFrom('countyDegreeDays').select(['hdd', 'cdd']).where('countyId', '=', countyId).where('year', '=', year).executeTakeFirst();
    await trx
      .insertInto('countyDegreeDays')
      .values({ countyId, year, hdd, cdd, updatedBy: actor.userId, updatedAt })
      .onConflict((oc) => oc.columns(['countyId', 'year']).doUpdateSet({ hdd, cdd, updatedBy: actor.userId, updatedAt }))
      .execute();
    await recordAudit(trx, {
      actorId: actor.userId,
      action: 'settings.degree_days',
      entity: 'county_degree_days',
      entityId: `${countyId}:${year}`,
      countyId,
      before: before ? { hdd: Number(before.hdd), cdd: Number(before.cdd) } : null,
      after: { year, hdd, cdd },
      at,
    });
  });
  return { year, hdd, cdd, updatedAt: updatedAt.toISOString() };
}
