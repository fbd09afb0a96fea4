import {
  AppError,
  applies,
  conflict,
  deadlineOf,
  evaluateFormula,
  INDICATORS,
  inputIndicatorsFor,
  isPeriod,
  normaliseValues,
  notFound,
  previousPeriod,
  reportInputs,
  sameQuarterLastYear,
  validateReport,
  type Period,
  type ReportIssue,
  type ReportValues,
  type Role,
} from '@oversight/domain';
import type { Kysely } from 'kysely';
import { recordAudit } from '../queries/audit.js';
import { getSchool } from '../queries/schools.js';
import type { Database, Report, ReportStatus, School } from '../schema.js';
import type { Actor } from './actor.js';

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
  late: boolean;
  submittedAt: Date | null;
  reviewedAt: Date | null;
  returnReason: string | null;
  /** The same quarter last year, shown beside each field. */
  lastYear: ReportValues | null;
  /** True when an unsaved draft was filled from the previous quarter's stock and status values. */
  prefilled: boolean;
}

export interface Clock {
  now?: Date | undefined;
}

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
  await db.transaction().execute(async (trx) => {
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

/** Same-type schools' medians of the normalised indicators, from the county's submitted and approved reports. */
export async function peerMedians(db: Kysely<Database>, school: School, period: Period): Promise<Record<string, number>> {
  const peers = await db
    .selectFrom('reports')
    .innerJoin('schools', 'schools.id', 'reports.schoolId')
    .select(['reports.values', 'schools.type', 'schools.hasCanteen', 'schools.buildingAreaM2', 'schools.siteAreaM2'])
    .where('reports.countyId', '=', school.countyId)
    .where('reports.period', '=', period)
    .where('reports.status', 'in', ['submitted', 'approved'])
    .where('schools.type', '=', school.type)
    .where('reports.schoolId', '<>', school.id)
    .execute();
  const medians: Record<string, number> = {};
  for (const ind of INDICATORS) {
    if (!ind.peerFactor || !ind.formula) continue;
    const values = peers
      .map((p) => evaluateFormula(ind.formula!, reportInputs(p.values, p), period))
      .filter((v): v is number => v !== null)
      .sort((a, b) => a - b);
    // Fewer than three peers make no meaningful median.
    if (values.length >= 3) {
      const mid = Math.floor(values.length / 2);
      medians[ind.code] = values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
    }
  }
  return medians;
}

function derivedValues(values: ReportValues, school: School, period: Period): Record<string, number | null> {
  const derived: Record<string, number | null> = {};
  for (const ind of INDICATORS) {
    if (ind.formula && applies(ind, school)) derived[ind.code] = evaluateFormula(ind.formula, reportInputs(values, school), period);
  }
  return derived;
}

async function lastYearValues(db: Kysely<Database>, schoolId: number, period: Period): Promise<ReportValues | null> {
  const report = await db
    .selectFrom('reports')
    .select('values')
    .where('schoolId', '=', schoolId)
    .where('period', '=', sameQuarterLastYear(period))
    .where('status', 'in', ['submitted', 'approved'])
    .executeTakeFirst();
  return report?.values ?? null;
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
  const deadline = deadlineOf(period, await deadlineDays(db, school.countyId));
  const lastYear = await lastYearValues(db, school.id, period);
  const values = report?.values ?? (await prefill(db, school, period));
  const issues = validateReport(values, { school, period, lastYear, peerMedians: await peerMedians(db, school, period) });
  const now = clock.now ?? new Date();
  const submitted = report?.status === 'submitted' || report?.status === 'approved';
  return {
    id: report?.id ?? null,
    schoolId: school.id,
    countyId: school.countyId,
    period,
    status: report?.status ?? 'draft',
    version: report?.version ?? 0,
    values,
    derived: derivedValues(values, school, period),
    explanations: report?.explanations ?? {},
    issues,
    deadline,
    late: submitted ? report!.late : now > deadline,
    submittedAt: report?.submittedAt ?? null,
    reviewedAt: report?.reviewedAt ?? null,
    returnReason: report?.returnReason ?? null,
    lastYear,
    prefilled: !report && Object.keys(values).length > 0,
  };
}

export async function getReport(db: Kysely<Database>, schoolId: number, period: string, clock: Clock = {}): Promise<ReportView> {
  checkPeriod(period);
  const school = await loadSchool(db, schoolId);
  return view(db, school, period, await findReport(db, schoolId, period), clock);
}

const BUREAU_ROLES: readonly Role[] = ['system_admin', 'bureau_admin', 'bureau_officer'];
const STATUS_ZH: Record<ReportStatus, string> = { draft: '草稿', submitted: '已报送', approved: '已审核通过', returned: '已退回' };

function staleVersion(report: Report | undefined, version: number) {
  const current = report?.version ?? 0;
  if (current !== version) {
    return conflict(`该报表已被他人修改（您的版本 ${version}，当前版本 ${current}），请刷新后再操作，以免覆盖他人的修改。`, 'version');
  }
  return null;
}

function explanationsInput(raw: Record<string, unknown> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [code, text] of Object.entries(raw ?? {})) {
    if (typeof text !== 'string') throw new AppError('BAD_REQUEST', '情况说明必须是文字。', `explanations.${code}`);
    const trimmed = text.trim();
    if (trimmed.length > 500) throw new AppError('BAD_REQUEST', '情况说明不能超过500字。', `explanations.${code}`);
    if (trimmed) result[code] = trimmed;
  }
  return result;
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
 * Stores a draft (or, for the bureau, a correction before approval). Values merge into what is stored: a code
 * set to null clears it. Unreadable values refuse the whole save, naming each field; range and cross-check
 * errors are kept in the draft and shown, and block only submission. A save carrying an old version is refused.
 */
export async function saveReport(db: Kysely<Database>, actor: Actor, input: SaveInput, clock: Clock = {}): Promise<ReportView> {
  checkPeriod(input.period);
  const period = input.period;
  const school = await loadSchool(db, input.schoolId);
  const { values: incoming, issues } = normaliseValues(input.values, school);
  if (issues.length) {
    throw new AppError('BAD_REQUEST', issues.length === 1 ? issues[0]!.message : `${issues[0]!.message}（另有${issues.length - 1}处错误）`, issues[0]!.code, issues);
  }
  const explanations = explanationsInput(input.explanations);
  const now = clock.now ?? new Date();
  const saved = await db.transaction().execute(async (trx) => {
    const existing = await findReport(trx, school.id, period);
    const stale = staleVersion(existing, input.version);
    if (stale) throw stale;
    const editable: readonly ReportStatus[] = BUREAU_ROLES.includes(actor.role) ? ['draft', 'returned', 'submitted'] : ['draft', 'returned'];
    if (existing && !editable.includes(existing.status)) {
      throw conflict(existing.status === 'approved' ? '该报表已审核通过并锁定；如需修改，请联系教育局退回。' : `该报表${STATUS_ZH[existing.status]}，等待教育局审核，暂不能修改。`);
    }
    const before = existing?.values ?? {};
    const merged: ReportValues = { ...before, ...incoming };
    for (const [code, value] of Object.entries(merged)) if (value === null) delete merged[code];
    const mergedExplanations = { ...(existing?.explanations ?? {}), ...explanations };
    const row = existing
      ? await trx
          .updateTable('reports')
          .set({ values: JSON.stringify(merged), explanations: JSON.stringify(mergedExplanations), version: existing.version + 1, updatedAt: now })
          .where('id', '=', existing.id)
          .where('version', '=', existing.version)
          .returningAll()
          .executeTakeFirst()
      : await trx
          .insertInto('reports')
          .values({ countyId: school.countyId, schoolId: school.id, period, status: 'draft', version: 1, values: JSON.stringify(merged), explanations: JSON.stringify(mergedExplanations), createdAt: now, updatedAt: now })
          .onConflict((oc) => oc.columns(['schoolId', 'period']).doNothing())
          .returningAll()
          .executeTakeFirst();
    if (!row) throw staleVersion(await findReport(trx, school.id, period), input.version) ?? conflict('该报表刚被他人修改，请刷新后再保存。');
    const diff = changedValues(before, merged);
    await recordAudit(trx, {
      actorId: actor.userId,
      action: 'report.save',
      entity: 'report',
      entityId: row.id,
      countyId: school.countyId,
      schoolId: school.id,
      at: now,
      before: { version: existing?.version ?? 0, values: diff.before },
      after: { version: row.version, values: diff.after, explanations },
    });
    return row;
  });
  return view(db, school, period, saved, clock);
}

type Transition = 'submit' | 'approve' | 'return' | 'reopen';
const TRANSITIONS: Record<Transition, { from: readonly ReportStatus[]; to: ReportStatus; action: string }> = {
  submit: { from: ['draft', 'returned'], to: 'submitted', action: 'report.submit' },
  approve: { from: ['submitted'], to: 'approved', action: 'report.approve' },
  return: { from: ['submitted'], to: 'returned', action: 'report.return' },
  reopen: { from: ['approved'], to: 'returned', action: 'report.reopen' },
};

async function transition(
  db: Kysely<Database>,
  actor: Actor,
  kind: Transition,
  input: { schoolId: number; period: string; version?: number; reason?: string },
  clock: Clock,
): Promise<ReportView> {
  checkPeriod(input.period);
  const period = input.period;
  const school = await loadSchool(db, input.schoolId);
  const now = clock.now ?? new Date();
  const rule = TRANSITIONS[kind];
  const reason = input.reason?.trim();
  if ((kind === 'return' || kind === 'reopen') && (!reason || reason.length < 2)) {
    throw new AppError('BAD_REQUEST', kind === 'return' ? '退回时请填写退回原因（至少2个字）。' : '重新打开已审核的报表时请填写原因（至少2个字）。', 'reason');
  }
  if (reason && reason.length > 500) throw new AppError('BAD_REQUEST', '原因不能超过500字。', 'reason');

  const updated = await db.transaction().execute(async (trx) => {
    const report = await findReport(trx, school.id, period);
    if (!report) throw new AppError('CONFLICT', '该季度尚未填报，不能执行此操作。');
    if (input.version !== undefined) {
      const stale = staleVersion(report, input.version);
      if (stale) throw stale;
    }
    if (!rule.from.includes(report.status)) {
      throw conflict(`该报表当前状态为“${STATUS_ZH[report.status]}”，不能${{ submit: '报送', approve: '审核通过', return: '退回', reopen: '重新打开' }[kind]}。`);
    }
    if (kind === 'submit') await checkSubmittable(trx, school, period, report);
    const deadline = deadlineOf(period, await deadlineDays(trx, school.countyId));
    const changes =
      kind === 'submit'
        ? { submittedAt: now, submittedBy: actor.userId, late: now > deadline, returnReason: null }
        : kind === 'approve'
          ? { reviewedAt: now, reviewedBy: actor.userId }
          : { reviewedAt: now, reviewedBy: actor.userId, returnReason: reason! };
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
  return view(db, school, period, updated, clock);
}

/** Errors block submission; every warning needs a short explanation. */
async function checkSubmittable(db: Kysely<Database>, school: School, period: Period, report: Report) {
  const issues = validateReport(report.values, {
    school,
    period,
    forSubmission: true,
    lastYear: await lastYearValues(db, school.id, period),
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

export const submitReport = (db: Kysely<Database>, actor: Actor, input: { schoolId: number; period: string; version: number }, clock: Clock = {}) =>
  transition(db, actor, 'submit', input, clock);
export const approveReport = (db: Kysely<Database>, actor: Actor, input: { schoolId: number; period: string; version: number }, clock: Clock = {}) =>
  transition(db, actor, 'approve', input, clock);
export const returnReport = (db: Kysely<Database>, actor: Actor, input: { schoolId: number; period: string; version: number; reason: string }, clock: Clock = {}) =>
  transition(db, actor, 'return', input, clock);
export const reopenReport = (db: Kysely<Database>, actor: Actor, input: { schoolId: number; period: string; reason: string }, clock: Clock = {}) =>
  transition(db, actor, 'reopen', input, clock);

export interface HistoryEntry {
  at: Date;
  action: string;
  actor: string | null;
  before: unknown;
  after: unknown;
}

/** Every stored change of a school's report for a quarter, oldest first, with who made it. */
export async function reportHistory(db: Kysely<Database>, schoolId: number, period: string): Promise<HistoryEntry[]> {
  checkPeriod(period);
  const report = await findReport(db, schoolId, period);
  if (!report) return [];
  return db
    .selectFrom('auditLog')
    .leftJoin('users', 'users.id', 'auditLog.actorId')
    .select(['auditLog.at', 'auditLog.action', 'users.displayName as actor', 'auditLog.before', 'auditLog.after'])
    .where('auditLog.entity', '=', 'report')
    .where('auditLog.entityId', '=', String(report.id))
    .orderBy('auditLog.id')
    .execute();
}

