import { createCaller, type Context } from '@oversight/api';
import {
  approveReport,
  describeUser,
  draftSummary,
  getUser,
  reopenReport,
  saveReport,
  submitReport,
  type Actor,
  type Database,
  type Kysely,
  type SignedInUser,
} from '@oversight/db';
import type { ProvinceSummary } from '@oversight/db/province';
import { AppError, type Period, type ReportIssue } from '@oversight/domain';
import { checkedInputs, leagueBaseline, overviewBaseline } from './baseline.js';
import type { Figure } from './report.js';
import { summarise, time } from './stats.js';

export const YEAR = 2026;
export const LEAGUE_INDICATOR = 'water_m3_per_person';

export async function signedIn(db: Kysely<Database>, userId: number): Promise<SignedInUser> {
  return describeUser(db, (await getUser(db, userId))!);
}

export function callerFor(db: Kysely<Database>, user: SignedInUser) {
  const ctx: Context = { db, user, sessionToken: null, address: '127.0.0.1', setSessionCookie: () => {}, clearSessionCookie: () => {} };
  return createCaller(ctx);
}

export const actorOf = (u: SignedInUser): Actor => ({ userId: u.id, role: u.role, scope: u.scope });
const close = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b)));

/** The county closest to the average size: what a typical county officer sees. */
export function typicalCounty(province: ProvinceSummary) {
  const mean = province.counties.reduce((t, c) => t + c.schools, 0) / province.counties.length;
  return [...province.counties].sort((a, b) => Math.abs(a.schools - mean) - Math.abs(b.schools - mean))[0]!;
}

/** County overview and league table through tRPC, each against its raw-SQL baseline, with the numbers checked equal. */
export async function countyReads(db: Kysely<Database>, province: ProvinceSummary, runs: number): Promise<Figure[]> {
  const county = typicalCounty(province);
  const officer = await signedIn(db, county.officer.id);
  const caller = callerFor(db, officer);
  const input = { countyId: county.id, year: YEAR };
  const ov = await caller.analytics.overview(input);
  const window = ov.window as Period[];
  const trendPeriods = ov.domains[0]!.figures[0]!.trend.map((t) => t.period);
  const periods = [...new Set([...trendPeriods, ...window])];

  // The baseline yields the same numbers: every numeric input's quarterly sum, and the window's flow totals.
  const base = await overviewBaseline(db, county.id, periods, window);
  let checked = 0;
  const mismatches: string[] = [];
  for (const domain of ov.domains) {
    for (const f of domain.figures) {
      if (!checkedInputs.includes(f.indicator)) continue;
      for (const point of f.trend) {
        const row = base.find((r) => r.period === point.period && r.code === f.indicator && r.status === null);
        const value = 'value' in point ? point.value : null;
        checked += 1;
        if (!close(value, row?.total ?? null)) mismatches.push(`${f.indicator} ${point.period}: ${value} ≠ ${row?.total}`);
      }
      const flow = base.find((r) => r.period === null && r.code === f.indicator);
      if (flow) {
        checked += 1;
        if (!close(f.figure.type === 'number' ? f.figure.value : null, flow.total))
          mismatches.push(`${f.indicator} window: ${JSON.stringify(f.figure)} ≠ ${flow.total}`);
      }
    }
  }
  if (mismatches.length) throw new Error(`总览与原始SQL基线不一致（${mismatches.length}/${checked}）：${mismatches.slice(0, 3).join('；')}`);

  const rk = await caller.analytics.ranking({ ...input, indicator: LEAGUE_INDICATOR });
  const league = await leagueBaseline(db, [county.id], window);
  for (const row of rk.rows) {
    const b = league.find((l) => l.schoolId === row.schoolId);
    const value = typeof row.value === 'number' ? row.value : null;
    if (!close(value, b?.value ?? null) || (value !== null && row.rank !== b?.rank))
      throw new Error(`排名与原始SQL基线不一致：学校 ${row.code} ${value}/${row.rank} ≠ ${b?.value}/${b?.rank}`);
  }

  const overviewTime = await time(() => caller.analytics.overview(input), runs);
  const overviewBase = await time(() => overviewBaseline(db, county.id, periods, window), runs);
  const rankingTime = await time(() => caller.analytics.ranking({ ...input, indicator: LEAGUE_INDICATOR }), runs);
  const rankingBase = await time(() => leagueBaseline(db, [county.id], window), runs);
  const note = `${county.schools} 所学校；${checked} 个数与基线核对一致`;
  return [
    { name: '县总览 analytics.overview', ...overviewTime, unit: 'ms', target: { p95AtMost: 50, ratioAtMost: 3 }, baseline: overviewBase.median, note },
    {
      name: '县排行榜 analytics.ranking',
      ...rankingTime,
      unit: 'ms',
      target: { p95AtMost: 50, ratioAtMost: 3 },
      baseline: rankingBase.median,
      note: `${rk.rows.length} 所学校，逐校数值与名次与基线一致`,
    },
  ];
}

/** Province-wide league table, overview and county comparison, as the province officer. */
export async function provinceReads(db: Kysely<Database>, province: ProvinceSummary, runs: number): Promise<Figure[]> {
  const caller = callerFor(db, await signedIn(db, province.provinceOfficer.id));
  const ov = await caller.analytics.overview({ year: YEAR });
  const window = ov.window as Period[];
  const all = province.counties.map((c) => c.id);
  const schools = province.counties.reduce((t, c) => t + c.schools, 0);
  const rankingTime = await time(() => caller.analytics.ranking({ year: YEAR, indicator: LEAGUE_INDICATOR }), runs, 1);
  const rankingBase = await time(() => leagueBaseline(db, all, window), runs, 1);
  const overviewTime = await time(() => caller.analytics.overview({ year: YEAR }), runs, 1);
  const compareTime = await time(() => caller.analytics.compareCounties({ year: YEAR, indicator: LEAGUE_INDICATOR }), runs, 1);
  const note = `${province.counties.length} 个县，${schools} 所学校`;
  return [
    { name: '全省排行榜 analytics.ranking', ...rankingTime, unit: 'ms', target: { p95AtMost: 300 }, baseline: rankingBase.median, note },
    { name: '全省总览 analytics.overview', ...overviewTime, unit: 'ms', target: { p95AtMost: 300 }, baseline: null, note },
    { name: '县际比较 analytics.compareCounties', ...compareTime, unit: 'ms', target: { p95AtMost: 300 }, baseline: null, note },
  ];
}

/**
 * Schools of the county whose report of the quarter the officer can submit and approve: its drafts and returned
 * reports, topped up by reopening approved ones, so a rerun with --reuse finds as many as the first run did.
 */
export async function approvableReports(db: Kysely<Database>, actor: Actor, countyId: number, period: Period, count: number): Promise<number[]> {
  const reports = await db
    .selectFrom('reports')
    .select(['schoolId', 'status'])
    .where('countyId', '=', countyId)
    .where('period', '=', period)
    .where('status', 'in', ['draft', 'returned', 'approved'])
    // Drafts and returned reports first; approved ones only to make up the number.
    .orderBy((eb) => eb('status', '=', 'approved'))
    .orderBy('schoolId')
    .limit(count)
    .execute();
  for (const { schoolId, status } of reports) {
    if (status === 'approved')
      await reopenReport(db, actor, { schoolId, period, reason: '基准测试重复运行：重新打开以便再次审核。' }, { returning: 'version' });
  }
  return reports.map((r) => r.schoolId);
}

/** Submits a draft as the officer would on a school's behalf, explaining any warning first. */
export async function submitDraft(db: Kysely<Database>, actor: Actor, schoolId: number, period: Period): Promise<number> {
  const current = await db.selectFrom('reports').select('version').where('schoolId', '=', schoolId).where('period', '=', period).executeTakeFirstOrThrow();
  try {
    return (await submitReport(db, actor, { schoolId, period, version: current.version }, { returning: 'version' })).version;
  } catch (error) {
    const issues = error instanceof AppError ? (error.issues as ReportIssue[] | undefined) : undefined;
    if (!issues?.length || issues.some((i) => i.severity !== 'warning')) throw error;
    const saved = await saveReport(
      db,
      actor,
      { schoolId, period, version: current.version, values: {}, explanations: Object.fromEntries(issues.map((i) => [i.code, '数据已核实无误（基准测试）。'])) },
      { returning: 'version' },
    );
    return (await submitReport(db, actor, { schoolId, period, version: saved.version }, { returning: 'version' })).version;
  }
}

/**
 * Freshness: the officer approves a submitted report; the time until the county overview's completeness and the
 * league table both show it (read right after the approval commits, no cache to expire).
 */
export async function freshness(db: Kysely<Database>, province: ProvinceSummary, samples: number): Promise<Figure> {
  const county = typicalCounty(province);
  const officer = await signedIn(db, county.officer.id);
  const actor = actorOf(officer);
  const caller = callerFor(db, officer);
  const last = province.periods.at(-1)!;
  const times: number[] = [];
  for (const schoolId of await approvableReports(db, actor, county.id, last, samples)) {
    const version = await submitDraft(db, actor, schoolId, last);
    const approvedBefore = (await caller.analytics.overview({ countyId: county.id, year: YEAR })).completeness.find((c) => c.period === last)!.approved;
    const started = performance.now();
    await approveReport(db, actor, { schoolId, period: last, version }, { returning: 'version' });
    const ov = await caller.analytics.overview({ countyId: county.id, year: YEAR });
    const rk = await caller.analytics.ranking({ countyId: county.id, year: YEAR, indicator: LEAGUE_INDICATOR });
    times.push(performance.now() - started);
    if (ov.completeness.find((c) => c.period === last)!.approved !== approvedBefore + 1) throw new Error('审核通过后总览未反映该报表');
    if (!rk.rows.some((r) => r.schoolId === schoolId && r.value !== null)) throw new Error('审核通过后排行榜未反映该报表');
  }
  return {
    name: '时效：审核通过→总览与排行榜',
    ...summarise(times),
    unit: 'ms',
    target: { p95AtMost: 1000 },
    baseline: null,
    note: `${times.length} 份报表，审核后立即读取即已反映`,
  };
}

/** Annual summary drafts: one county, then every county and city of the province. */
export async function summaries(db: Kysely<Database>, province: ProvinceSummary, countyRuns: number): Promise<Figure[]> {
  const county = typicalCounty(province);
  const officer = actorOf(await signedIn(db, county.officer.id));
  const one = await time(() => draftSummary(db, officer, { countyId: county.id, year: YEAR }), countyRuns, 1);
  const provinceActor = actorOf(await signedIn(db, province.provinceOfficer.id));
  const started = performance.now();
  for (const c of province.counties) await draftSummary(db, provinceActor, { countyId: c.id, year: YEAR });
  for (const cityId of province.cityIds) await draftSummary(db, provinceActor, { cityId, year: YEAR });
  const whole = (performance.now() - started) / 1000;
  return [
    { name: '年度总结初稿：一个县', ...one, unit: 'ms', target: { p95AtMost: 1000 }, baseline: null, note: `${county.schools} 所学校` },
    {
      name: '年度总结初稿：全省',
      median: whole,
      p95: whole,
      samples: 1,
      unit: 's',
      target: { p95AtMost: 30 },
      baseline: null,
      note: `${province.counties.length} 个县 + ${province.cityIds.length} 个市，逐一起草`,
    },
  ];
}
