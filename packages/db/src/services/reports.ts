import {
  AppError,
  assertPeriod,
  changedValues,
  conflict,
  countyInScope,
  draftFindings,
  editorOf,
  findIndicator,
  forbidden,
  inputIndicatorsFor,
  isEditable,
  isOverseer,
  isLate,
  normaliseValues,
  previousPeriod,
  REPORT_STATUS_LABELS,
  REPORT_TRANSITIONS,
  schoolInScope,
  validateReport,
  type Period,
  type ReportIssue,
  type ReportTransition,
  type ReportValues,
  type Role,
} from '@oversight/domain';
import { sql, type Kysely } from 'kysely';
import { auditWritten, recordAudit } from '../queries/audit.js';
import type { Database, Report, ReportStatus, School } from '../schema.js';
import type { Actor } from './actor.js';
import { schoolFor } from './scope.js';
import { transact } from './transaction.js';
import { evidenceCheck } from './evidence.js';
import { deadlineDays, validationContext, type ValidationContext } from './validation-context.js';

export interface ReportView {
  id: number | null;
  schoolId: number;
  countyId: number;
  period: Period;
  status: ReportStatus;
  /** 0 until the first save; every save and every change of status adds one. */
  version: number;
  values: ReportValues;
  derived: Record<string, number | null>;
  explanations: Record<string, string>;
  issues: ReportIssue[];
  deadline: Date;
  /** Submitted after the deadline (the first submission counts), or not submitted once the deadline has passed. */
  late: boolean;
  submittedAt: Date | null;
  reviewedAt: Date | null;
  returnReason: string | null;
  /** The same quarter last year, shown beside each field. */
  lastYear: ReportValues | null;
  /** The rest of what the draft's findings are checked against, so the form can recheck them after an autosave. */
  checks: { previousQuarter: ReportValues | null; peerMedians: Record<string, number> };
  /** True when an unsaved draft was filled from the previous quarter's stock and status values. */
  prefilled: boolean;
  /**
   * The first quarter for which the county requires evidence (null: none). When this report's quarter is at or after
   * it, `issues` include the evidence findings (rule 'evidence'), which the form rechecks with `evidenceFindings`.
   */
  evidenceFrom: Period | null;
  /** Every stored change, when asked for. */
  history?: HistoryEntry[];
}

export interface Clock {
  now?: Date | undefined;
}

export type Returning = 'view' | 'version';

export interface ReportOptions<R extends Returning = 'view'> extends Clock {
  /**
   * What a change returns: the full view (default), or only the stored report (id, status, version, values,
   * explanations) for callers that do not need the view computed again: batch callers (the demo generator, bulk
   * approval) and the form's autosave, which rechecks the draft itself. The checks and the writes are the same.
   */
  returning?: R;
}

export interface ReportVersion {
  id: number;
  status: ReportStatus;
  version: number;
  values: ReportValues;
  explanations: Record<string, string>;
}

export type ReportResult<R extends Returning> = R extends 'version' ? ReportVersion : ReportView;

export async function setDeadlineDays(db: Kysely<Database>, actor: Actor, countyId: number, days: number): Promise<void> {
  countyInScope(actor.scope, countyId);
  if (!Number.isInteger(days) || days < 0 || days > 90) {
    throw new AppError('BAD_REQUEST', '报送期限应为季度结束后0至90天。', 'deadlineDays');
  }
  await transact(db, async (trx) => {
    const before = await deadlineDays(trx, countyId);
    await trx
      .insertInto('countySettings')
      .values({ countyId, deadlineDays: days })
      .onConflict((oc) => oc.column('countyId').doUpdateSet({ deadlineDays: days, updatedAt: new Date() }))
      .execute();
    await recordAudit(trx, {
      actorId: actor.userId,
      action: 'settings.deadline',
      entity: 'county_settings',
      entityId: countyId,
      countyId,
      before: { deadlineDays: before },
      after: { deadlineDays: days },
    });
  });
}

function findReport(db: Kysely<Database>, schoolId: number, period: string) {
  return db.selectFrom('reports').selectAll().where('schoolId', '=', schoolId).where('period', '=', period).executeTakeFirst();
}

/** The school, in the actor's scope, with what a save needs of its report of the quarter: one round trip. */
async function schoolAndReport(
  db: Kysely<Database>,
  actor: Actor,
  schoolId: number,
  period: Period,
): Promise<{ school: School; existing: Pick<Report, 'id' | 'status' | 'version' | 'values' | 'explanations'> | undefined }> {
  const row = await db
    .selectFrom('schools')
    .leftJoin('reports', (join) => join.onRef('reports.schoolId', '=', 'schools.id').on('reports.period', '=', period))
    .selectAll('schools')
    .select([
      'reports.id as reportId',
      'reports.status as reportStatus',
      'reports.version as reportVersion',
      'reports.values as reportValues',
      'reports.explanations as reportExplanations',
    ])
    .where('schools.id', '=', schoolId)
    .executeTakeFirst();
  const { reportId, reportStatus, reportVersion, reportValues, reportExplanations, ...school } = schoolInScope(actor.scope, row);
  const existing =
    reportId === null ? undefined : { id: reportId, status: reportStatus!, version: reportVersion!, values: reportValues!, explanations: reportExplanations! };
  return { school, existing };
}

/** Stock and status values carry over from the previous quarter; flows start empty. */
async function prefill(db: Kysely<Database>, school: School, period: Period): Promise<ReportValues> {
  const previous = await findReport(db, school.id, previousPeriod(period));
  if (!previous) return {};
  const carried: ReportValues = {};
  for (const ind of inputIndicatorsFor(school)) {
    if ((ind.kind === 'stock' || ind.kind === 'status') && previous.values[ind.code] !== undefined) carried[ind.code] = previous.values[ind.code]!;
  }
  return carried;
}

async function view(db: Kysely<Database>, school: School, period: Period, report: Report | undefined, clock: Clock): Promise<ReportView> {
  const { deadline, lastYear, previousQuarter, peerMedians, evidenceFrom } = await validationContext(db, school, period);
  const values = report?.values ?? (await prefill(db, school, period));
  const checks = { previousQuarter, peerMedians };
  const draft = draftFindings(values, { school, period, lastYear, ...checks });
  const evidenceIssues = await evidenceCheck(db, school, period, values, evidenceFrom);
  return {
    id: report?.id ?? null,
    schoolId: school.id,
    countyId: school.countyId,
    period,
    status: report?.status ?? 'draft',
    version: report?.version ?? 0,
    values,
    ...draft,
    issues: [...draft.issues, ...evidenceIssues],
    evidenceFrom,
    explanations: report?.explanations ?? {},
    deadline,
    late: isLate(report, deadline, clock.now ?? new Date()),
    submittedAt: report?.submittedAt ?? null,
    reviewedAt: report?.reviewedAt ?? null,
    returnReason: report?.returnReason ?? null,
    lastYear,
    checks,
    prefilled: !report && Object.keys(values).length > 0,
  };
}

function result<R extends Returning>(
  db: Kysely<Database>,
  school: School,
  period: Period,
  row: Report,
  options: ReportOptions<R>,
): Promise<ReportResult<R>> | ReportResult<R> {
  if (options.returning === 'version')
    return { id: row.id, status: row.status, version: row.version, values: row.values, explanations: row.explanations } as ReportResult<R>;
  return view(db, school, period, row, options) as Promise<ReportResult<R>>;
}

/** A school's report for a quarter: an empty (or pre-filled) draft when none is stored yet. */
export async function getReport(
  db: Kysely<Database>,
  actor: Actor,
  schoolId: number,
  period: string,
  options: Clock & { withHistory?: boolean | undefined } = {},
): Promise<ReportView> {
  assertPeriod(period);
  const school = await schoolFor(db, actor.scope, schoolId);
  const report = await findReport(db, school.id, period);
  const shown = await view(db, school, period, report, options);
  if (options.withHistory) shown.history = report ? await historyOf(db, report) : [];
  return shown;
}

function staleVersion(report: Pick<Report, 'version'> | undefined, version: number) {
  const current = report?.version ?? 0;
  if (current !== version) {
    return conflict(`该报表已被他人修改（您的版本 ${version}，当前版本 ${current}），请刷新后再操作，以免覆盖他人的修改。`, 'version');
  }
  return null;
}

/** Explanations keyed by indicator code; an empty text removes the explanation. */
function explanationsInput(raw: Record<string, unknown> | undefined): { set: Record<string, string>; cleared: string[] } {
  const set: Record<string, string> = {};
  const cleared: string[] = [];
  for (const [code, text] of Object.entries(raw ?? {})) {
    if (!findIndicator(code)) throw new AppError('BAD_REQUEST', `情况说明对应的指标代码无效：${code}。`, `explanations.${code}`);
    if (text === null || text === undefined) {
      cleared.push(code);
      continue;
    }
    if (typeof text !== 'string') throw new AppError('BAD_REQUEST', `${findIndicator(code)!.name.zh}的情况说明必须是文字。`, `explanations.${code}`);
    const trimmed = text.trim();
    if (trimmed.length > 500) throw new AppError('BAD_REQUEST', `${findIndicator(code)!.name.zh}的情况说明不能超过500字。`, `explanations.${code}`);
    if (trimmed) set[code] = trimmed;
    else cleared.push(code);
  }
  return { set, cleared };
}

export interface SaveInput {
  schoolId: number;
  period: string;
  version: number;
  values: Record<string, unknown>;
  explanations?: Record<string, unknown> | undefined;
}

/**
 * Stores a draft (or, for the bureau, a correction on a school's behalf before approval). Values merge into what is
 * stored (the first save into the values pre-filled from the previous quarter): a code set to null clears it.
 * Unreadable values refuse the whole save, naming each field; range and cross-check errors are kept in the draft and
 * shown, and block only submission. A save carrying an old version is refused with CONFLICT.
 */
export async function saveReport<R extends Returning = 'view'>(
  db: Kysely<Database>,
  actor: Actor,
  input: SaveInput,
  options: ReportOptions<R> = {},
): Promise<ReportResult<R>> {
  assertPeriod(input.period);
  const period = input.period;
  const { school, existing } = await schoolAndReport(db, actor, input.schoolId, period);
  const { values: incoming, issues } = normaliseValues(input.values, school);
  if (issues.length) {
    throw new AppError(
      'BAD_REQUEST',
      issues.length === 1 ? issues[0]!.message : `${issues[0]!.message}（另有${issues.length - 1}处错误）`,
      issues[0]!.code,
      issues,
    );
  }
  const explanations = explanationsInput(input.explanations);
  const now = options.now ?? new Date();
  // Optimistic: read, merge, then write only if the version is still the one read. The write and its audit entry
  // are one statement (a data-modifying CTE), atomic without a transaction's extra round trips.
  const stale = staleVersion(existing, input.version);
  if (stale) throw stale;
  if (existing && !isEditable(existing.status, editorOf(actor.role))) {
    throw conflict(
      existing.status === 'approved'
        ? '该报表已审核通过并锁定；如需修改，请联系教育局重新打开。'
        : `该报表${REPORT_STATUS_LABELS[existing.status].zh}，等待教育局审核，暂不能修改。`,
    );
  }
  const before = existing?.values ?? {};
  const merged: ReportValues = { ...(existing ? before : await prefill(db, school, period)), ...incoming };
  for (const [code, value] of Object.entries(merged)) if (value === null) delete merged[code];
  const mergedExplanations = { ...(existing?.explanations ?? {}), ...explanations.set };
  for (const code of explanations.cleared) delete mergedExplanations[code];
  const diff = changedValues(before, merged);
  const version = (existing?.version ?? 0) + 1;
  const audit = {
    before: { version: existing?.version ?? 0, values: diff.before },
    after: {
      version,
      values: diff.after,
      ...(Object.keys(explanations.set).length ? { explanations: explanations.set } : {}),
      ...(explanations.cleared.length ? { explanationsCleared: explanations.cleared } : {}),
    },
  };
  const saved = await db
    .with('written', (qc) =>
      existing
        ? qc
            .updateTable('reports')
            .set({ values: JSON.stringify(merged), explanations: JSON.stringify(mergedExplanations), version, updatedAt: now })
            .where('id', '=', existing.id)
            .where('version', '=', existing.version)
            .returningAll()
        : qc
            .insertInto('reports')
            .values({
              countyId: school.countyId,
              schoolId: school.id,
              period,
              status: 'draft',
              version,
              values: JSON.stringify(merged),
              explanations: JSON.stringify(mergedExplanations),
              createdAt: now,
              updatedAt: now,
            })
            .onConflict((oc) => oc.columns(['schoolId', 'period']).doNothing())
            .returningAll(),
    )
    .with('audited', () =>
      auditWritten({ actorId: actor.userId, action: 'report.save', entity: 'report', countyId: school.countyId, schoolId: school.id, at: now, ...audit }),
    )
    .selectFrom('written')
    .selectAll()
    .executeTakeFirst();
  if (!saved) throw staleVersion(await findReport(db, school.id, period), input.version) ?? conflict('该报表刚被他人修改，请刷新后再保存。');
  return result(db, school, period, saved, options);
}

async function transition<R extends Returning>(
  db: Kysely<Database>,
  actor: Actor,
  kind: ReportTransition,
  input: { schoolId: number; period: string; version?: number; reason?: string },
  options: ReportOptions<R>,
): Promise<ReportResult<R>> {
  assertPeriod(input.period);
  const period = input.period;
  const rule = REPORT_TRANSITIONS[kind];
  if (rule.overseersOnly && !isOverseer(actor.role)) throw forbidden(`只有教育局工作人员可以${rule.verb}报表。`);
  const school = await schoolFor(db, actor.scope, input.schoolId);
  const now = options.now ?? new Date();
  const reason = input.reason?.trim();
  if ((kind === 'return' || kind === 'reopen') && (!reason || reason.length < 2)) {
    throw new AppError('BAD_REQUEST', kind === 'return' ? '退回时请填写退回原因（至少2个字）。' : '重新打开已审核的报表时请填写原因（至少2个字）。', 'reason');
  }
  if (reason && reason.length > 500) throw new AppError('BAD_REQUEST', '原因不能超过500字。', 'reason');

  const updated = await transact(db, async (trx) => {
    // Locked: an evidence file being added or removed (which locks the report too) is committed before the checks read them.
    const report = await trx.selectFrom('reports').selectAll().where('schoolId', '=', school.id).where('period', '=', period).forUpdate().executeTakeFirst();
    if (!report) throw new AppError('CONFLICT', '该季度尚未填报，不能执行此操作。');
    if (input.version !== undefined) {
      const stale = staleVersion(report, input.version);
      if (stale) throw stale;
    }
    if (!rule.from.includes(report.status)) {
      throw conflict(`该报表当前状态为“${REPORT_STATUS_LABELS[report.status].zh}”，不能${rule.verb}。`);
    }
    let changes: Partial<Pick<Report, 'submittedAt' | 'submittedBy' | 'late' | 'returnReason' | 'reviewedAt' | 'reviewedBy'>>;
    if (kind === 'submit') {
      const { deadline, evidenceFrom, ...checks } = await validationContext(trx, school, period);
      checkSubmittable(school, period, report, checks, await evidenceCheck(trx, school, period, report.values, evidenceFrom));
      // A report returned for revision keeps the lateness of its first submission.
      changes = { submittedAt: now, submittedBy: actor.userId, late: isLate(report, deadline, now), returnReason: null };
    } else if (kind === 'approve') {
      changes = { reviewedAt: now, reviewedBy: actor.userId };
    } else {
      changes = { reviewedAt: now, reviewedBy: actor.userId, returnReason: reason! };
    }
    const row = await trx
      .updateTable('reports')
      .set({ ...changes, status: rule.to, version: report.version + 1, updatedAt: now })
      .where('id', '=', report.id)
      .where('version', '=', report.version)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw conflict('该报表刚被他人修改，请刷新后再操作。');
    await recordAudit(trx, {
      actorId: actor.userId,
      action: rule.action,
      entity: 'report',
      entityId: row.id,
      countyId: school.countyId,
      schoolId: school.id,
      at: now,
      before: { version: report.version, status: report.status },
      after: { version: row.version, status: row.status, ...(reason ? { reason } : {}), ...(kind === 'submit' ? { late: row.late } : {}) },
    });
    return row;
  });
  return result(db, school, period, updated, options);
}

/** Errors block submission; every warning needs a short explanation. */
function checkSubmittable(
  school: School,
  period: Period,
  report: Report,
  checks: Omit<ValidationContext, 'deadline' | 'evidenceFrom'>,
  evidence: ReportIssue[],
) {
  const issues = [...validateReport(report.values, { school, period, forSubmission: true, ...checks }), ...evidence];
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length) {
    throw new AppError('BAD_REQUEST', `报表有${errors.length}处错误，请修改后再报送：${errors[0]!.message}`, errors[0]!.code, errors);
  }
  const unexplained = issues.filter((i) => i.severity === 'warning' && !report.explanations[i.code]);
  if (unexplained.length) {
    throw new AppError('BAD_REQUEST', `有${unexplained.length}项预警需要填写情况说明后才能报送：${unexplained[0]!.message}`, unexplained[0]!.code, unexplained);
  }
}

type VersionedInput = { schoolId: number; period: string; version: number };

export const submitReport = <R extends Returning = 'view'>(db: Kysely<Database>, actor: Actor, input: VersionedInput, options: ReportOptions<R> = {}) =>
  transition(db, actor, 'submit', input, options);
export const approveReport = <R extends Returning = 'view'>(db: Kysely<Database>, actor: Actor, input: VersionedInput, options: ReportOptions<R> = {}) =>
  transition(db, actor, 'approve', input, options);
export const returnReport = <R extends Returning = 'view'>(
  db: Kysely<Database>,
  actor: Actor,
  input: VersionedInput & { reason: string },
  options: ReportOptions<R> = {},
) => transition(db, actor, 'return', input, options);
export const reopenReport = <R extends Returning = 'view'>(
  db: Kysely<Database>,
  actor: Actor,
  input: { schoolId: number; period: string; reason: string },
  options: ReportOptions<R> = {},
) => transition(db, actor, 'reopen', input, options);

export interface HistoryEntry {
  at: Date;
  action: string;
  actor: string | null;
  actorRole: Role | null;
  before: unknown;
  after: unknown;
}

/** The report's own changes and the uploads and removals of its evidence files (`evidence.upload` / `evidence.remove`). */
function historyOf(db: Kysely<Database>, report: Pick<Report, 'id' | 'schoolId' | 'period'>): Promise<HistoryEntry[]> {
  return db
    .selectFrom('auditLog')
    .leftJoin('users', 'users.id', 'auditLog.actorId')
    .select(['auditLog.at', 'auditLog.action', 'users.displayName as actor', 'users.role as actorRole', 'auditLog.before', 'auditLog.after'])
    .where((eb) =>
      eb.or([
        eb.and([eb('auditLog.entity', '=', 'report'), eb('auditLog.entityId', '=', String(report.id))]),
        eb.and([
          eb('auditLog.entity', '=', 'evidence_file'),
          eb('auditLog.schoolId', '=', report.schoolId),
          eb(sql<string>`coalesce(audit_log.after->>'period', audit_log.before->>'period')`, '=', report.period),
        ]),
      ]),
    )
    .orderBy('auditLog.id')
    .execute();
}

/** Every stored change of a school's report for a quarter, oldest first, with who made it. */
export async function reportHistory(db: Kysely<Database>, actor: Actor, schoolId: number, period: string): Promise<HistoryEntry[]> {
  assertPeriod(period);
  const school = await schoolFor(db, actor.scope, schoolId);
  const report = await findReport(db, school.id, period);
  return report ? historyOf(db, report) : [];
}
