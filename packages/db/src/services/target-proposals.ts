import {
  badRequest,
  countyInScope,
  deadlineOf,
  describeTarget,
  earlyWarnings,
  parsePeriod,
  period as periodOfYear,
  periodOf,
  projectionWords,
  proposeTargets,
  quartersOfYear,
  shiftPeriod,
  targetKey,
  warningMessage,
  type Distribution,
  type IndicatorValue,
  type Period,
  type ProjectionMethod,
  type Scope,
  type TargetDefinition,
  type YearPoint,
} from '@oversight/domain';
import type { Kysely } from 'kysely';
import { analyticsReports, analyticsSchools } from '../queries/analytics.js';
import { recordAudit } from '../queries/audit.js';
import { targetsOf } from '../queries/targets.js';
import type { Database } from '../schema.js';
import type { Actor } from './actor.js';
import { completeness, reviewQueue, sendReminder, type CompletenessRow, type QueueItem } from './oversight.js';
import type { Clock } from './reports.js';
import { listTargets, type TargetView } from './targets.js';
import { transact } from './transaction.js';
import { deadlineDays } from './validation-context.js';

export interface SchoolRef {
  schoolId: number;
  code: string;
  name: string;
}

export interface ProposalView {
  /** Identifies the proposal on the page: the indicator and the target's key. */
  key: string;
  /** The proposed target, ready for `targets.set` (with the county and the year). */
  proposal: TargetDefinition;
  /** The proposed target as a bureau writes it, without comparison symbols: “每所学校校方责任险参保率达到95%以上”. */
  label: string;
  previous: TargetView | null;
  /** The target already set for the year with the same key (accepted, or set by hand). */
  current: TargetView | null;
  core: boolean;
  trend: { points: YearPoint[]; perYear: number | null };
  spread: Distribution | null;
  attainment: { actual: number | null; met: boolean | null; schoolsMet: number | null; schools: number } | null;
  projection: { meeting: number; of: number; countyValue: number | null };
  expectedToMiss: SchoolRef[];
  reasoning: string[];
  /** Declined (不采纳) for this county's year, by whom and when; shown apart until restored. */
  declined: { by: string | null; at: Date } | null;
}

export interface ProposalsReport {
  countyId: number;
  year: number;
  /** The years the proposals rest on (the three before `year`). */
  dataYears: number[];
  previous: TargetView[];
  proposals: ProposalView[];
}

/** The county's targets for `year` proposed from the approved reports of the years before (nothing is set here). */
export async function targetProposals(db: Kysely<Database>, scope: Scope, input: { countyId: number; year: number }): Promise<ProposalsReport> {
  countyInScope(scope, input.countyId);
  const periods = [4, 3, 2, 1].flatMap((back) => quartersOfYear(input.year - back));
  const [schools, reports, previousTargets, previous, current, declined] = await Promise.all([
    analyticsSchools(db, [input.countyId]),
    analyticsReports(db, [input.countyId], periods, ['approved']),
    targetsOf(db, [input.countyId], input.year - 1),
    listTargets(db, scope, { countyId: input.countyId, year: input.year - 1 }),
    listTargets(db, scope, { countyId: input.countyId, year: input.year }),
    declinedProposals(db, input.countyId, input.year),
  ]);
  const byId = new Map(schools.map((s) => [s.id, s]));
  const names = new Map(schools.map((s) => [s.id, s.name]));
  const proposals = proposeTargets({ year: input.year, schools, reports, previousTargets, names });
  const keyOf = (t: TargetDefinition) => `${t.indicator}|${targetKey(t)}`;
  const previousByKey = new Map(previous.map((t) => [keyOf(t), t]));
  const currentByKey = new Map(current.map((t) => [keyOf(t), t]));
  return {
    countyId: input.countyId,
    year: input.year,
    dataYears: [input.year - 3, input.year - 2, input.year - 1],
    previous,
    proposals: proposals.map((p) => {
      const key = keyOf(p.proposal);
      const schoolName = p.proposal.schoolId !== null ? names.get(p.proposal.schoolId) : undefined;
      return {
        key,
        proposal: p.proposal,
        label: describeTarget(p.proposal, schoolName),
        previous: previousByKey.get(key) ?? null,
        current: currentByKey.get(key) ?? null,
        core: p.core,
        trend: p.trend,
        spread: p.spread,
        attainment: p.attainment,
        projection: p.projection,
        expectedToMiss: p.expectedToMiss.map((id) => ({ schoolId: id, code: byId.get(id)?.code ?? '', name: byId.get(id)?.name ?? '' })),
        reasoning: p.reasoning,
        declined: declined.get(key) ?? null,
      };
    }),
  };
}

async function declinedProposals(db: Kysely<Database>, countyId: number, year: number) {
  const rows = await db
    .selectFrom('declinedProposals as d')
    .leftJoin('users as u', 'u.id', 'd.declinedBy')
    .select(['d.proposalKey', 'd.declinedAt', 'u.displayName'])
    .where('d.countyId', '=', countyId)
    .where('d.year', '=', year)
    .execute();
  return new Map(rows.map((r) => [r.proposalKey, { by: r.displayName, at: r.declinedAt }]));
}

/**
 * Declines (不采纳) or restores one of the county's proposals for `year`: kept, so it stays declined after a reload
 * and for the other officers; audited. Only a proposal the data make now can be declined; a restore always works.
 */
export async function decideProposal(
  db: Kysely<Database>,
  actor: Actor,
  input: { countyId: number; year: number; key: string; declined: boolean },
): Promise<{ key: string; declined: boolean }> {
  countyInScope(actor.scope, input.countyId);
  if (input.declined) {
    const { proposals } = await targetProposals(db, actor.scope, input);
    if (!proposals.some((p) => p.key === input.key)) throw badRequest('key', `${input.year}年没有这项目标建议（${input.key}），可能数据已变化，请刷新页面。`);
  }
  await transact(db, async (trx) => {
    const changed = input.declined
      ? await trx
          .insertInto('declinedProposals')
          .values({ countyId: input.countyId, year: input.year, proposalKey: input.key, declinedBy: actor.userId })
          .onConflict((oc) => oc.doNothing())
          .executeTakeFirst()
      : await trx
          .deleteFrom('declinedProposals')
          .where('countyId', '=', input.countyId)
          .where('year', '=', input.year)
          .where('proposalKey', '=', input.key)
          .executeTakeFirst();
    const rows = Number('numInsertedOrUpdatedRows' in changed ? changed.numInsertedOrUpdatedRows : changed.numDeletedRows);
    if (!rows) return;
    await recordAudit(trx, {
      actorId: actor.userId,
      action: input.declined ? 'target.proposal.decline' : 'target.proposal.restore',
      entity: 'target_proposal',
      entityId: `${input.countyId}|${input.year}|${input.key}`,
      countyId: input.countyId,
      after: { year: input.year, key: input.key, declined: input.declined },
    });
  });
  return { key: input.key, declined: input.declined };
}

export interface SchoolAtRiskView extends SchoolRef {
  projected: IndicatorValue;
  shortfall: number | null;
  method: ProjectionMethod;
  /** How the projection was made, in words (seasonal, or linear because last year is incomplete). */
  methodLabel: string;
  quarters: number;
  /** The reminder the school would receive. */
  message: string;
}

export interface WarningsReport {
  countyId: number;
  year: number;
  upToQuarter: 1 | 2 | 3 | 4 | null;
  /** Distinct schools at risk of missing any target. */
  schoolsAtRisk: number;
  warnings: { target: TargetView; schools: number; projected: number; atRisk: SchoolAtRiskView[] }[];
}

/**
 * In-year early warning: which schools are projected, from the quarters approved so far, to miss their
 * each-school targets of the year (see `earlyWarnings`).
 */
export async function targetWarnings(db: Kysely<Database>, scope: Scope, input: { countyId: number; year: number }): Promise<WarningsReport> {
  countyInScope(scope, input.countyId);
  const periods = [...quartersOfYear(input.year - 1), ...quartersOfYear(input.year)];
  const [all, reports, views] = await Promise.all([
    analyticsSchools(db, [input.countyId]),
    analyticsReports(db, [input.countyId], periods, ['approved']),
    listTargets(db, scope, input),
  ]);
  const result = earlyWarnings({ year: input.year, schools: all, reports, targets: views });
  const byId = new Map(all.map((s) => [s.id, s]));
  const viewById = new Map(views.map((v) => [v.id, v]));
  const warnings = result.warnings.map((w) => ({
    target: viewById.get(w.target.id)!,
    schools: w.schools,
    projected: w.projected,
    atRisk: w.atRisk.map((r) => ({
      ...r,
      code: byId.get(r.schoolId)?.code ?? '',
      name: byId.get(r.schoolId)?.name ?? '',
      methodLabel: projectionWords(r.method),
      message: warningMessage(w.target, r),
    })),
  }));
  const schoolsAtRisk = new Set(warnings.flatMap((w) => w.atRisk.map((r) => r.schoolId))).size;
  return { countyId: input.countyId, year: input.year, upToQuarter: result.upToQuarter, schoolsAtRisk, warnings };
}

/**
 * Reminds every school at risk of missing a target of the year, one reminder per school and target (the same
 * message within 24 hours is not sent twice). Audited.
 */
export async function remindAtRisk(
  db: Kysely<Database>,
  actor: Actor,
  input: { countyId: number; year: number },
  clock: Clock = {},
): Promise<{ reminded: number; skipped: number }> {
  const report = await targetWarnings(db, actor.scope, input);
  const now = clock.now ?? new Date();
  if (report.upToQuarter === null) return { reminded: 0, skipped: 0 };
  const period = periodOfYear(input.year, report.upToQuarter);
  return transact(db, async (trx) => {
    let reminded = 0;
    let skipped = 0;
    for (const w of report.warnings) {
      for (const r of w.atRisk) {
        const sent = await sendReminder(
          trx,
          { countyId: input.countyId, schoolId: r.schoolId, schoolName: r.name, period, message: r.message, subject: '年度目标预警' },
          actor,
          now,
        );
        if (sent) reminded += 1;
        else skipped += 1;
      }
    }
    await recordAudit(trx, {
      actorId: actor.userId,
      action: 'target.remind',
      entity: 'county',
      entityId: input.countyId,
      countyId: input.countyId,
      after: { year: input.year, upToQuarter: report.upToQuarter, reminded, skipped },
    });
    return { reminded, skipped };
  });
}

export interface Workbench {
  countyId: number;
  /** The quarter being reported now (the one before today's) and its deadline. */
  period: Period;
  deadline: Date;
  deadlinePassed: boolean;
  awaitingReview: QueueItem[];
  notReported: CompletenessRow[];
  warnings: WarningsReport;
}

/**
 * The officer's workbench: reports awaiting review (oldest first), the schools that have not yet submitted the
 * quarter being reported with its deadline, and the schools at risk of missing the year's targets.
 */
export async function officerWorkbench(
  db: Kysely<Database>,
  actor: Actor,
  input: { countyId: number; period?: Period | undefined },
  clock: Clock = {},
): Promise<Workbench> {
  countyInScope(actor.scope, input.countyId);
  const now = clock.now ?? new Date();
  const period = input.period ?? shiftPeriod(periodOf(now), -1);
  const [queue, rows, days, warnings] = await Promise.all([
    reviewQueue(db, actor, input.countyId),
    completeness(db, actor, input.countyId, period, clock),
    deadlineDays(db, input.countyId),
    targetWarnings(db, actor.scope, { countyId: input.countyId, year: parsePeriod(period).year }),
  ]);
  const deadline = deadlineOf(period, days);
  return {
    countyId: input.countyId,
    period,
    deadline,
    deadlinePassed: now.getTime() > deadline.getTime(),
    awaitingReview: queue,
    notReported: rows.filter((r) => r.status === 'missing' || r.status === 'draft' || r.status === 'returned'),
    warnings,
  };
}
