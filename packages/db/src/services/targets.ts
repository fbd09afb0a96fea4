import { adjustedFiguresFor } from './analytics/fair-comparison.js';
import {
  attainment,
  badRequest,
  conflict,
  countyInScope,
  describeTarget,
  figureStatuses,
  missing,
  notFound,
  overlappingTarget,
  quartersOfYear,
  SCHOOL_TYPE_LABELS,
  targetDefinition,
  targetInput,
  targetKey,
  targetProblem,
  schoolsOfWindow,
  scopeIncludesCounty,
  yearFrames,
  type Attainment,
  type IndicatorValue,
  type Period,
  type Scope,
  type Target,
  type TargetInput,
  type TargetResult,
} from '@oversight/domain';
import type { Kysely } from 'kysely';
import { analyticsReports, analyticsSchools } from '../queries/analytics.js';
import { recordAudit } from '../queries/audit.js';
import { getOrgUnit } from '../queries/org.js';
import { getSchool } from '../queries/schools.js';
import { targetColumns, targetRow, targetsOf, toTarget } from '../queries/targets.js';
import type { Database } from '../schema.js';
import type { Actor } from './actor.js';
import { transact } from './transaction.js';

export interface TargetView extends Target {
  /** The target in words, e.g. “全县学平险参保率≥95%”. */
  label: string;
  /** The school an override is set for. */
  schoolName: string | null;
}

async function schoolNames(db: Kysely<Database>, ids: readonly number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map();
  const rows = await db
    .selectFrom('schools')
    .select(['id', 'name'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

function viewOf(t: Target, names: ReadonlyMap<number, string>): TargetView {
  const schoolName = t.schoolId !== null ? (names.get(t.schoolId) ?? null) : null;
  return { ...t, label: describeTarget(t, schoolName ?? undefined), schoolName };
}

async function views(db: Kysely<Database>, targets: readonly Target[]): Promise<TargetView[]> {
  const names = await schoolNames(
    db,
    targets.flatMap((t) => (t.schoolId !== null ? [t.schoolId] : [])),
  );
  return targets.map((t) => viewOf(t, names));
}

/** A county's targets for a year. */
export async function listTargets(db: Kysely<Database>, scope: Scope, input: { countyId: number; year: number }): Promise<TargetView[]> {
  countyInScope(scope, input.countyId);
  return views(db, await targetsOf(db, [input.countyId], input.year));
}

/**
 * Sets a target: checks it against the catalogue (and, for an override, the school), then stores it, replacing
 * the target with the same key (or, with `id`, changing that target). Audited with before and after.
 */
export async function setTarget(db: Kysely<Database>, actor: Actor, raw: TargetInput): Promise<TargetView> {
  const input = targetInput.parse(raw);
  countyInScope(actor.scope, input.countyId);
  const county = await getOrgUnit(db, input.countyId);
  if (county?.level !== 'county') throw badRequest('countyId', '所属县（市、区）不存在。');
  const t = targetDefinition(input);
  const school = t.schoolId !== null ? await getSchool(db, t.schoolId) : undefined;
  if (t.schoolId !== null && (!school || school.countyId !== input.countyId)) throw badRequest('schoolId', '只能为本县的学校单独设定目标。');
  if (school && !school.active) throw badRequest('schoolId', `${school.name}已停用，不能为其设定目标。`);
  const problem = targetProblem(t, school);
  if (problem) throw badRequest(problem.field, problem.message);
  const key = targetKey(t);

  const saved = await transact(db, async (trx) => {
    const sameIndicator = (await targetsOf(trx, [input.countyId], input.year)).filter((o) => o.indicator === t.indicator);
    const clash = overlappingTarget(t, sameIndicator, input.id);
    if (clash) {
      const types = clash.types.map((type) => SCHOOL_TYPE_LABELS[type].zh).join('、');
      throw conflict(`与已有目标“${describeTarget(clash.target)}”的办学类型重叠（${types}），同一类学校只能有一个目标。`, 'schoolTypes');
    }
    const before =
      input.id !== undefined
        ? await targetRow(trx, input.id)
        : sameIndicator.length
          ? await findByKey(trx, input.countyId, input.year, t.indicator, key)
          : undefined;
    if (input.id !== undefined && (!before || before.countyId !== input.countyId || before.year !== input.year)) {
      throw notFound('要修改的目标不存在（或不属于该县、该年度）。');
    }
    const columns = { ...targetColumns(t), updatedBy: actor.userId, updatedAt: new Date() };
    if (before && before.targetKey !== key && (await findByKey(trx, input.countyId, input.year, t.indicator, key))) {
      throw conflict(`该县${input.year}年已有同样的目标：${describeTarget(t)}。请直接修改那一条。`, 'indicator');
    }
    const row = before
      ? await trx.updateTable('targets').set(columns).where('id', '=', before.id).returningAll().executeTakeFirstOrThrow()
      : await trx
          .insertInto('targets')
          .values({ ...columns, countyId: input.countyId, year: input.year, createdBy: actor.userId })
          // A concurrent set of the same target: the last one wins, as if they had come one after the other.
          .onConflict((oc) => oc.columns(['countyId', 'year', 'indicator', 'targetKey']).doUpdateSet(columns))
          .returningAll()
          .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.userId,
      action: 'target.set',
      entity: 'target',
      entityId: row.id,
      countyId: input.countyId,
      schoolId: row.schoolId,
      before: before ? toTarget(before) : null,
      after: toTarget(row),
    });
    return toTarget(row);
  });
  return (await views(db, [saved]))[0]!;
}

function findByKey(db: Kysely<Database>, countyId: number, year: number, indicatorCode: string, key: string) {
  return db
    .selectFrom('targets')
    .selectAll()
    .where('countyId', '=', countyId)
    .where('year', '=', year)
    .where('indicator', '=', indicatorCode)
    .where('targetKey', '=', key)
    .executeTakeFirst();
}

export async function removeTarget(db: Kysely<Database>, actor: Actor, id: number): Promise<void> {
  await transact(db, async (trx) => {
    const row = await targetRow(trx, id);
    // Another county's target answers as a missing one; a school account is refused for its role.
    if (!row || !scopeIncludesCounty(actor.scope, row.countyId)) throw missing('target');
    countyInScope(actor.scope, row.countyId);
    await trx.deleteFrom('targets').where('id', '=', id).where('countyId', '=', row.countyId).execute();
    await recordAudit(trx, {
      actorId: actor.userId,
      action: 'target.remove',
      entity: 'target',
      entityId: id,
      countyId: row.countyId,
      schoolId: row.schoolId,
      before: toTarget(row),
    });
  });
}

/**
 * Copies last year's targets into `year` for editing. Targets already set for `year` are kept (the copy never
 * overwrites), and overrides for schools no longer active are left behind.
 */
export async function copyTargetsFromPreviousYear(
  db: Kysely<Database>,
  actor: Actor,
  input: { countyId: number; year: number },
): Promise<{ copied: number; kept: number; dropped: number; targets: TargetView[] }> {
  countyInScope(actor.scope, input.countyId);
  const result = await transact(db, async (trx) => {
    const previous = await targetsOf(trx, [input.countyId], input.year - 1);
    const existing = new Set((await targetsOf(trx, [input.countyId], input.year)).map((t) => `${t.indicator}|${targetKey(t)}`));
    const overrides = previous.flatMap((t) => (t.schoolId !== null ? [t.schoolId] : []));
    const active = new Set(
      overrides.length
        ? (
            await trx
              .selectFrom('schools')
              .select('id')
              .where('id', 'in', overrides)
              .where('countyId', '=', input.countyId)
              .where('active', '=', true)
              .execute()
          ).map((r) => r.id)
        : [],
    );
    let copied = 0;
    let kept = 0;
    let dropped = 0;
    for (const t of previous) {
      if (existing.has(`${t.indicator}|${targetKey(t)}`)) {
        kept += 1;
        continue;
      }
      if (t.schoolId !== null && !active.has(t.schoolId)) {
        dropped += 1;
        continue;
      }
      await trx
        .insertInto('targets')
        .values({ ...targetColumns(t), countyId: input.countyId, year: input.year, createdBy: actor.userId, updatedBy: actor.userId })
        .execute();
      copied += 1;
    }
    await recordAudit(trx, {
      actorId: actor.userId,
      action: 'target.copy',
      entity: 'county',
      entityId: input.countyId,
      countyId: input.countyId,
      after: { fromYear: input.year - 1, toYear: input.year, copied, kept, dropped },
    });
    return { copied, kept, dropped };
  });
  return { ...result, targets: await views(db, await targetsOf(db, [input.countyId], input.year)) };
}

export interface SchoolCheckView {
  schoolId: number;
  code: string;
  name: string;
  value: IndicatorValue;
  met: boolean | null;
  shortfall: number | null;
}

export interface TargetResultView extends Omit<TargetResult, 'checks'> {
  checks: SchoolCheckView[] | null;
}

export interface AttainmentItem {
  target: TargetView;
  yearToDate: TargetResultView;
  fullYear: TargetResultView & { basis: 'actual' | 'projection' };
}

export interface AttainmentReport {
  countyId: number;
  year: number;
  /** The year so far runs from Q1 to this quarter (null: nothing reported yet this year). */
  upToQuarter: 1 | 2 | 3 | 4 | null;
  window: Period[];
  includeSubmitted: boolean;
  /** How the full year was arrived at: actual, or a projection from the quarters reported (clearly labelled). */
  fullYear: { basis: 'actual' | 'projection'; seasonalSchools: number; linearSchools: number; label: string };
  items: AttainmentItem[];
}

function projectionLabel(basis: 'actual' | 'projection', upTo: number | null, seasonal: number, linear: number): string {
  if (basis === 'actual') return '全年实际数';
  if (upTo === null) return '全年预测：本年度尚无已审核的报表，无法预测';
  const methods = [seasonal ? `${seasonal}所学校按上年各季度分布推算` : '', linear ? `${linear}所学校按已报季度线性推算` : ''].filter(Boolean).join('，');
  return `全年预测（依据第一至第${'一二三四'[upTo - 1]}季度数据；${methods}），非实际数`;
}

/**
 * Attainment of every target of a county's year: for the year so far (the quarters reported) and for the full
 * year (actual once complete, otherwise a labelled projection). Figures rest on approved reports, and on
 * submitted ones too when asked.
 */
export async function targetAttainment(
  db: Kysely<Database>,
  scope: Scope,
  input: { countyId: number; year: number; upToQuarter?: 1 | 2 | 3 | 4 | undefined; includeSubmitted?: boolean | undefined },
): Promise<AttainmentReport> {
  countyInScope(scope, input.countyId);
  const countyIds = [input.countyId];
  const periods = [...quartersOfYear(input.year - 1), ...quartersOfYear(input.year)];
  const statuses = figureStatuses(input.includeSubmitted);
  const [targets, all, reports] = await Promise.all([
    targetsOf(db, countyIds, input.year),
    analyticsSchools(db, countyIds, undefined, { periods, statuses }),
    analyticsReports(db, countyIds, periods, statuses),
  ]);
  // The year's targets speak for the schools still active and those closed since that reported this year.
  const schools = schoolsOfWindow(all, reports, quartersOfYear(input.year));
  const frames = yearFrames(schools, reports, input.year, input.upToQuarter, await adjustedFiguresFor(db, countyIds, input.year, targets));
  const byId = new Map(schools.map((s) => [s.id, s]));
  const names = new Map(schools.map((s) => [s.id, s.name]));
  const withNames = (r: TargetResult): TargetResultView => ({
    ...r,
    checks: r.checks?.map((c) => ({ ...c, code: byId.get(c.schoolId)?.code ?? '', name: byId.get(c.schoolId)?.name ?? '' })) ?? null,
  });
  const items = attainment(targets, schools, frames, names).map((a: Attainment) => ({
    target: viewOf(a.target, names),
    yearToDate: withNames(a.yearToDate),
    fullYear: { ...withNames(a.fullYear), basis: a.fullYear.basis },
  }));
  const { basis, seasonalSchools, linearSchools } = frames.fullYear;
  return {
    countyId: input.countyId,
    year: input.year,
    upToQuarter: frames.upToQuarter,
    window: frames.yearToDate.window,
    includeSubmitted: Boolean(input.includeSubmitted),
    fullYear: { basis, seasonalSchools, linearSchools, label: projectionLabel(basis, frames.upToQuarter, seasonalSchools, linearSchools) },
    items,
  };
}
