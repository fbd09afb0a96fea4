import {
  AppError,
  isOverseer,
  conflict,
  deadlineOf,
  draftFindings,
  evaluateFormula,
  findIndicator,
  forbidden,
  INDICATORS,
  inputIndicatorsFor,
  isPeriod,
  normaliseValues,
  notFound,
  previousPeriod,
  reportInputs,
  sameQuarterLastYear,
  scopeIncludesSchool,
  validateReport,
  type Period,
  type ReportIssue,
  type ReportValues,
  type Role,
  REPORT_STATUS_LABELS,
} from '@oversight/domain';
import type { Kysely } from 'kysely';
import { auditWritten, recordAudit } from '../queries/audit.js';
import { getSchool } from '../queries/schools.js';
import type { Database, Report, ReportStatus, School } from '../schema.js';
import type { Actor } from './actor.js';
import { transact } from './transaction.js';

export const DEFAULT_DEADLINE_DAYS = 15;

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

function checkPeriod(period: string): asserts period is Period {
  if (!isPeriod(period)) throw new AppError('BAD_REQUEST', `季度格式应为“2026Q1”，收到“${period}”。`, 'period');
}

export async function deadlineDays(db: Kysely<Database>, countyId: number): Promise<number> {
  const row = await db.selectFrom('countySettings').select('deadlineDays').where('countyId', '=', countyId).executeTakeFirst();
  return row?.deadlineDays ?? DEFAULT_DEADLINE_DAYS;
}

export async function setDeadlineDays(db: Kysely<Database>, actor: Actor, countyId: number, days: number): Promise<void> {
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
    await recordAudit(trx, { actorId: actor.userId, action: 'settings.deadline', entity: 'county_settings', entityId: countyId, countyId, before: { deadlineDays: before }, after: { deadlineDays: days } });
  });
}

function findReport(db: Kysely<Database>, schoolId: number, period: string) {
  return db.selectFrom('reports').selectAll().where('schoolId', '=', schoolId).where('period', '=', period).executeTakeFirst();
}

async function loadSchool(db: Kysely<Database>, schoolId: number): Promise<School> {
  const school = await getSchool(db, schoolId);
  if (!school) throw notFound('学校不存在。');
  return school;
}

/** The school, provided the actor may act on it: a principal only on their own school, a bureau on its counties. */
function inScope<S extends { id: number; countyId: number }>(actor: Actor, school: S | undefined): S {
  if (!school || !scopeIncludesSchool(actor.scope, school)) throw notFound('学校不存在或不在您的管辖范围内。');
  return school;
}

async function schoolFor(db: Kysely<Database>, actor: Actor, schoolId: number): Promise<School> {
  return inScope(actor, await getSchool(db, schoolId));
}

/** The school, in the actor's scope, with what a save needs of its report of the quarter: one round trip. */
async function schoolAndReport(db: Kysely<Database>, actor: Actor, schoolId: number, period: Period): Promise<{ school: School; existing: Pick<Report, 'id' | 'status' | 'version' | 'values' | 'explanations'> | undefined }> {
  const row = await db
    .selectFrom('schools')
    .leftJoin('reports', (join) => join.onRef('reports.schoolId', '=', 'schools.id').on('reports.period', '=', period))
    .selectAll('schools')
    .select(['reports.id as reportId', 'reports.status as reportStatus', 'reports.version as reportVersion', 'reports.values as reportValues', 'reports.explanations as reportExplanations'])
    .where('schools.id', '=', schoolId)
    .executeTakeFirst();
  const { reportId, reportStatus, reportVersion, reportValues, reportExplanations, ...school } = inScope(actor, row);
  const existing = reportId === null ? undefined : { id: reportId, status: reportStatus!, version: reportVersion!, values: reportValues!, explanations: reportExplanations! };
  return { school, existing };
}

/** One peer's normalised indicators (those with a peer factor), computed from its stored values. */
export interface PeerFigures {
  schoolId: number;
  figures: Record<string, number>;
}

/** The normalised figures of a county's schools of one type for a period, from submitted and approved reports. */
export async function peerFigures(db: Kysely<Database>, countyId: number, type: School['type'], period: Period): Promise<PeerFigures[]> {
  const rows = await db
    .selectFrom('reports')
    .innerJoin('schools', 'schools.id', 'reports.schoolId')
    .select(['reports.schoolId', 'reports.values', 'schools.type', 'schools.hasCanteen', 'schools.buildingAreaM2', 'schools.siteAreaM2'])
    .where('reports.countyId', '=', countyId)
    .where('reports.period', '=', period)
    .where('reports.status', 'in', ['submitted', 'approved'])
    .where('schools.type', '=', type)
    .execute();
  return rows.map((row) => {
    const figures: Record<string, number> = {};
    for (const ind of INDICATORS) {
      if (!ind.peerFactor || !ind.formula) continue;
      const value = evaluateFormula(ind.formula, reportInputs(row.values, row), period);
      if (value !== null) figures[ind.code] = value;
    }
    return { schoolId: row.schoolId, figures };
  });
}

/** Medians of the peers' figures, leaving one school out (its own report is not its peer). */
export function peerMediansExcluding(peers: readonly PeerFigures[], schoolId: number): Record<string, number> {
  const medians: Record<string, number> = {};
  for (const ind of INDICATORS) {
    if (!ind.peerFactor || !ind.formula) continue;
    const values = peers
      .filter((p) => p.schoolId !== schoolId && p.figures[ind.code] !== undefined)
      .map((p) => p.figures[ind.code]!)
      .sort((a, b) => a - b);
    // Fewer than three peers make no meaningful median.
    if (values.length >= 3) {
      const mid = Math.floor(values.length / 2);
      medians[ind.code] = values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
    }
  }
  return medians;
}

/** Same-type schools' medians of the normalised indicators, from the county's submitted and approved reports. */
export async function peerMedians(db: Kysely<Database>, school: School, period: Period): Promise<Record<string, number>> {
  return peerMediansExcluding(await peerFigures(db, school.countyId, school.type, period), school.id);
}

/** The school's own submitted (or approved) values of the same quarter last year and of the previous quarter. */
export async function ownHistory(db: Kysely<Database>, schoolId: number, period: Period): Promise<{ lastYear: ReportValues | null; previousQuarter: ReportValues | null }> {
  const rows = await db
    .selectFrom('reports')
    .select(['period', 'values'])
    .where('schoolId', '=', schoolId)
    .where('period', 'in', [sameQuarterLastYear(period), previousPeriod(period)])
    .where('status', 'in', ['submitted', 'approved'])
    .execute();
  const of = (p: Period) => rows.find((r) => r.period === p)?.values ?? null;
  return { lastYear: of(sameQuarterLastYear(period)), previousQuarter: of(previousPeriod(period)) };
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

/** Late is decided by the first submission; a report not yet submitted is late once the deadline has passed. */
export function isLate(report: Pick<Report, 'submittedAt' | 'late'> | undefined, deadline: Date, now: Date): boolean {
  return report?.submittedAt ? report.late : now > deadline;
}

async function view(db: Kysely<Database>, school: School, period: Period, report: Report | undefined, clock: Clock): Promise<ReportView> {
  const deadline = deadlineOf(period, await deadlineDays(db, school.countyId));
  const { lastYear, previousQuarter } = await ownHistory(db, school.id, period);
  const values = report?.values ?? (await prefill(db, school, period));
  const checks = { previousQuarter, peerMedians: await peerMedians(db, school, period) };
  return {
    id: report?.id ?? null,
    schoolId: school.id,
    countyId: school.countyId,
    period,
    status: report?.status ?? 'draft',
    version: report?.version ?? 0,
    values,
    ...draftFindings(values, { school, period, lastYear, ...checks }),
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

function result<R extends Returning>(db: Kysely<Database>, school: School, period: Period, row: Report, options: ReportOptions<R>): Promise<ReportResult<R>> | ReportResult<R> {
  if (options.returning === 'version') return { id: row.id, status: row.status, version: row.version, values: row.values, explanations: row.explanations } as ReportResult<R>;
  return view(db, school, period, row, options) as Promise<ReportResult<R>>;
}

/** A school's report for a quarter: an empty (or pre-filled) draft when none is stored yet. */
export async function getReport(db: Kysely<Database>, schoolId: number, period: string, options: Clock & { withHistory?: boolean | undefined } = {}): Promise<ReportView> {
  checkPeriod(period);
  const school = await loadSchool(db, schoolId);
  const report = await findReport(db, schoolId, period);
  const shown = await view(db, school, period, report, options);
  if (options.withHistory) shown.history = report ? await historyOf(db, report.id) : [];
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

function changedValues(before: ReportValues, after: ReportValues) {
  const codes = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((c) => before[c] !== after[c]);
  return {
    before: Object.fromEntries(codes.map((c) => [c, before[c] ?? null])),
    after: Object.fromEntries(codes.map((c) => [c, after[c] ?? null])),
  };
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
  checkPeriod(input.period);
  const period = input.period;
  const { school, existing } = await schoolAndReport(db, actor, input.schoolId, period);
  const { values: incoming, issues } = normaliseValues(input.values, school);
  if (issues.length) {
    throw new AppError('BAD_REQUEST', issues.length === 1 ? issues[0]!.message : `${issues[0]!.message}（另有${issues.length - 1}处错误）`, issues[0]!.code, issues);
  }
  const explanations = explanationsInput(input.explanations);
  const now = options.now ?? new Date();
  // Optimistic: read, merge, then write only if the version is still the one read. The write and its audit entry
  // are one statement (a data-modifying CTE), atomic without a transaction's extra round trips.
  const stale = staleVersion(existing, input.version);
  if (stale) throw stale;
  const editable: readonly ReportStatus[] = isOverseer(actor.role) ? ['draft', 'returned', 'submitted'] : ['draft', 'returned'];
  if (existing && !editable.includes(existing.status)) {
    throw conflict(existing.status === 'approved' ? '该报表已审核通过并锁定；如需修改，请联系教育局重新打开。' : `该报表${REPORT_STATUS_LABELS[existing.status].zh}，等待教育局审核，暂不能修改。`);
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
    after: { version, values: diff.after, ...(Object.keys(explanations.set).length ? { explanations: explanations.set } : {}), ...(explanations.cleared.length ? { explanationsCleared: explanations.cleared } : {}) },
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
            .values({ countyId: school.countyId, schoolId: school.id, period, status: 'draft', version, values: JSON.stringify(merged), explanations: JSON.stringify(mergedExplanations), createdAt: now, updatedAt: now })
            .onConflict((oc) => oc.columns(['schoolId', 'period']).doNothing())
            .returningAll(),
    )
    .with('audited', () => auditWritten({ actorId: actor.userId, action: 'report.save', entity: 'report', countyId: school.countyId, schoolId: school.id, at: now, ...audit }))
    .selectFrom('written')
    .selectAll()
    .executeTakeFirst();
  if (!saved) throw staleVersion(await findReport(db, school.id, period), input.version) ?? conflict('该报表刚被他人修改，请刷新后再保存。');
  return result(db, school, period, saved, options);
}

type Transition = 'submit' | 'approve' | 'return' | 'reopen';
const TRANSITIONS: Record<Transition, { from: readonly ReportStatus[]; to: ReportStatus; action: string; verb: string; bureauOnly: boolean }> = {
  submit: { from: ['draft', 'returned'], to: 'submitted', action: 'report.submit', verb: '报送', bureauOnly: false },
  approve: { from: ['submitted'], to: 'approved', action: 'report.approve', verb: '审核通过', bureauOnly: true },
  return: { from: ['submitted'], to: 'returned', action: 'report.return', verb: '退回', bureauOnly: true },
  reopen: { from: ['approved'], to: 'returned', action: 'report.reopen', verb: '重新打开', bureauOnly: true },
};

async function transition<R extends Returning>(
  db: Kysely<Database>,
  actor: Actor,
  kind: Transition,
  input: { schoolId: number; period: string; version?: number; reason?: string },
  options: ReportOptions<R>,
): Promise<ReportResult<R>> {
  checkPeriod(input.period);
  const period = input.period;
  const rule = TRANSITIONS[kind];
  if (rule.bureauOnly && !isOverseer(actor.role)) throw forbidden(`只有教育局工作人员可以${rule.verb}报表。`);
  const school = await schoolFor(db, actor, input.schoolId);
  const now = options.now ?? new Date();
  const reason = input.reason?.trim();
  if ((kind === 'return' || kind === 'reopen') && (!reason || reason.length < 2)) {
    throw new AppError('BAD_REQUEST', kind === 'return' ? '退回时请填写退回原因（至少2个字）。' : '重新打开已审核的报表时请填写原因（至少2个字）。', 'reason');
  }
  if (reason && reason.length > 500) throw new AppError('BAD_REQUEST', '原因不能超过500字。', 'reason');

  const updated = await transact(db, async (trx) => {
    const report = await findReport(trx, school.id, period);
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
      await checkSubmittable(trx, school, period, report);
      const deadline = deadlineOf(period, await deadlineDays(trx, school.countyId));
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
async function checkSubmittable(db: Kysely<Database>, school: School, period: Period, report: Report) {
  const issues = validateReport(report.values, {
    school,
    period,
    forSubmission: true,
    ...(await ownHistory(db, school.id, period)),
    peerMedians: await peerMedians(db, school, period),
  });
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
export const returnReport = <R extends Returning = 'view'>(db: Kysely<Database>, actor: Actor, input: VersionedInput & { reason: string }, options: ReportOptions<R> = {}) =>
  transition(db, actor, 'return', input, options);
export const reopenReport = <R extends Returning = 'view'>(db: Kysely<Database>, actor: Actor, input: { schoolId: number; period: string; reason: string }, options: ReportOptions<R> = {}) =>
  transition(db, actor, 'reopen', input, options);

export interface HistoryEntry {
  at: Date;
  action: string;
  actor: string | null;
  actorRole: Role | null;
  before: unknown;
  after: unknown;
}

function historyOf(db: Kysely<Database>, reportId: number): Promise<HistoryEntry[]> {
  return db
    .selectFrom('auditLog')
    .leftJoin('users', 'users.id', 'auditLog.actorId')
    .select(['auditLog.at', 'auditLog.action', 'users.displayName as actor', 'users.role as actorRole', 'auditLog.before', 'auditLog.after'])
    .where('auditLog.entity', '=', 'report')
    .where('auditLog.entityId', '=', String(reportId))
    .orderBy('auditLog.id')
    .execute();
}

/** Every stored change of a school's report for a quarter, oldest first, with who made it. */
export async function reportHistory(db: Kysely<Database>, schoolId: number, period: string): Promise<HistoryEntry[]> {
  checkPeriod(period);
  const report = await findReport(db, schoolId, period);
  return report ? historyOf(db, report.id) : [];
}
