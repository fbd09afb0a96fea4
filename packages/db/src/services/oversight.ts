import { assertPeriod, countyInScope, deadlineOf, isLate, periodLabel, validateReport, type Period } from '@oversight/domain';
import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../queries/audit.js';
import type { Database, ReportStatus } from '../schema.js';
import type { Actor } from './actor.js';
import type { Clock } from './reports.js';
import { schoolFor } from './scope.js';
import { transact } from './transaction.js';
import { deadlineDays, validationContexts } from './validation-context.js';

export type CompletenessStatus = ReportStatus | 'missing';

export interface CompletenessRow {
  schoolId: number;
  code: string;
  name: string;
  type: string;
  status: CompletenessStatus;
  submittedAt: Date | null;
  /** Submitted after the deadline, or still not submitted once it has passed. */
  late: boolean;
  version: number;
}

/** One row per active school of the county: where its report for the quarter stands. */
export async function completeness(db: Kysely<Database>, actor: Actor, countyId: number, period: string, clock: Clock = {}): Promise<CompletenessRow[]> {
  countyInScope(actor.scope, countyId);
  assertPeriod(period);
  const deadline = deadlineOf(period, await deadlineDays(db, countyId));
  const now = clock.now ?? new Date();
  const rows = await db
    .selectFrom('schools')
    .leftJoin('reports', (join) => join.onRef('reports.schoolId', '=', 'schools.id').on('reports.period', '=', period))
    .select([
      'schools.id as schoolId',
      'schools.code',
      'schools.name',
      'schools.type',
      'reports.status',
      'reports.submittedAt',
      'reports.late',
      'reports.version',
    ])
    .where('schools.countyId', '=', countyId)
    .where('schools.active', '=', true)
    .orderBy('schools.code')
    .execute();
  return rows.map((r) => ({
    ...r,
    status: r.status ?? 'missing',
    submittedAt: r.submittedAt ?? null,
    late: isLate(r.status ? { submittedAt: r.submittedAt, late: Boolean(r.late) } : undefined, deadline, now),
    version: r.version ?? 0,
  }));
}

export interface MatrixCell {
  status: CompletenessStatus;
  late: boolean;
}

/** Schools × quarters, for the officer's completeness matrix. */
export async function completenessMatrix(db: Kysely<Database>, actor: Actor, countyId: number, periods: readonly string[], clock: Clock = {}) {
  countyInScope(actor.scope, countyId);
  periods.forEach((p) => {
    assertPeriod(p);
  });
  const columns = await Promise.all(periods.map((p) => completeness(db, actor, countyId, p, clock)));
  const schools = (columns[0] ?? []).map(({ schoolId, code, name, type }) => ({ schoolId, code, name, type }));
  const cells: Record<number, Record<string, MatrixCell>> = {};
  periods.forEach((p, i) => {
    for (const row of columns[i]!) {
      cells[row.schoolId] = { ...cells[row.schoolId], [p]: { status: row.status, late: row.late } };
    }
  });
  return { periods: [...periods], schools, cells };
}

export interface QueueItem {
  schoolId: number;
  code: string;
  name: string;
  type: string;
  period: string;
  version: number;
  submittedAt: Date | null;
  late: boolean;
  warnings: number;
  errors: number;
}

/** Submitted reports awaiting review, oldest first, with how many warnings and errors each carries. */
export async function reviewQueue(db: Kysely<Database>, actor: Actor, countyId: number, period?: string): Promise<QueueItem[]> {
  countyInScope(actor.scope, countyId);
  if (period !== undefined) assertPeriod(period);
  const reports = await db
    .selectFrom('reports')
    .innerJoin('schools', 'schools.id', 'reports.schoolId')
    .selectAll('schools')
    .select(['reports.period', 'reports.values', 'reports.version', 'reports.submittedAt', 'reports.late'])
    .where('reports.countyId', '=', countyId)
    .where('reports.status', '=', 'submitted')
    .$if(period !== undefined, (q) => q.where('reports.period', '=', period!))
    .orderBy('reports.submittedAt')
    .execute();
  if (!reports.length) return [];
  const contextOf = await validationContexts(
    db,
    reports.map((r) => ({ school: r, period: r.period as Period })),
  );
  return reports.map((r) => {
    const p = r.period as Period;
    const { lastYear, previousQuarter, peerMedians } = contextOf(r, p);
    const issues = validateReport(r.values, { school: r, period: p, lastYear, previousQuarter, peerMedians });
    return {
      schoolId: r.id,
      code: r.code,
      name: r.name,
      type: r.type,
      period: p,
      version: r.version,
      submittedAt: r.submittedAt,
      late: r.late,
      warnings: issues.filter((i) => i.severity === 'warning').length,
      errors: issues.filter((i) => i.severity === 'error').length,
    };
  });
}

/**
 * Reminds every school of the county that has not submitted the quarter: a notice on the principal's home
 * page and a message in the outbox for a mail or SMS gateway (`sendReminder`: the same message within 24 hours is skipped).
 */
export async function remindMissing(db: Kysely<Database>, actor: Actor, countyId: number, period: string, clock: Clock = {}): Promise<{ reminded: number }> {
  countyInScope(actor.scope, countyId);
  assertPeriod(period);
  const now = clock.now ?? new Date();
  const rows = await completeness(db, actor, countyId, period, clock);
  const pending = rows.filter((r) => r.status === 'missing' || r.status === 'draft' || r.status === 'returned');
  const deadline = deadlineOf(period, await deadlineDays(db, countyId));
  const due = deadline.toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' });
  let reminded = 0;
  await transact(db, async (trx) => {
    // One reminding of a county's quarter at a time, whichever process serves it: the second waits, then finds the
    // schools the first reminded and skips them (without the lock both would see none and remind twice).
    await sql`select pg_advisory_xact_lock(hashtext('remind'), ${countyId}::int4)`.execute(trx);
    for (const row of pending) {
      const message = `请尽快填报${periodLabel(period)}学校后勤数据，报送截止日期为${due}。`;
      const sent = await sendReminder(
        trx,
        { countyId, schoolId: row.schoolId, schoolName: row.name, period, message, subject: '后勤数据填报提醒' },
        actor,
        now,
      );
      if (sent) reminded += 1;
    }
    await recordAudit(trx, { actorId: actor.userId, action: 'report.remind', entity: 'county', entityId: countyId, countyId, after: { period, reminded } });
  });
  return { reminded };
}

export interface Reminder {
  countyId: number;
  schoolId: number;
  schoolName: string;
  /** The quarter the reminder is about (the reporting quarter, or the last quarter a projection rests on). */
  period: string;
  message: string;
  /** The outbox message's subject (SMS or mail). */
  subject: string;
}

/**
 * Sends one reminder to a school: a notice on the principal's home page and a message in the outbox for each
 * active account of the school. The same message to the same school within 24 hours (not yet dismissed) is not
 * sent again; a different message is. Returns whether it was sent. Every reminder of the platform goes through here.
 */
export async function sendReminder(trx: Kysely<Database>, reminder: Reminder, actor: Actor, now: Date): Promise<boolean> {
  const recent = await trx
    .selectFrom('reminders')
    .select('id')
    .where('schoolId', '=', reminder.schoolId)
    .where('message', '=', reminder.message)
    .where('dismissedAt', 'is', null)
    .where('createdAt', '>', new Date(now.getTime() - 86_400_000))
    .executeTakeFirst();
  if (recent) return false;
  const { countyId, schoolId, period, message } = reminder;
  await trx.insertInto('reminders').values({ countyId, schoolId, period, message, createdBy: actor.userId, createdAt: now }).execute();
  const principals = await trx.selectFrom('users').select('id').where('schoolId', '=', schoolId).where('active', '=', true).execute();
  for (const p of principals) {
    await trx
      .insertInto('outbox')
      .values({ countyId, userId: p.id, channel: 'sms', subject: reminder.subject, body: `${reminder.schoolName}：${message}`, createdAt: now })
      .execute();
  }
  return true;
}

/** The school's reminders not yet dismissed, newest first. */
export async function schoolReminders(db: Kysely<Database>, actor: Actor, schoolId: number) {
  await schoolFor(db, actor.scope, schoolId);
  return db
    .selectFrom('reminders')
    .select(['id', 'period', 'message', 'createdAt'])
    .where('schoolId', '=', schoolId)
    .where('dismissedAt', 'is', null)
    .orderBy('createdAt', 'desc')
    .execute();
}

/** Dismisses one of the school's reminders (one of another school's is left alone). */
export async function dismissReminder(db: Kysely<Database>, actor: Actor, schoolId: number, reminderId: number): Promise<void> {
  await schoolFor(db, actor.scope, schoolId);
  await db.updateTable('reminders').set({ dismissedAt: new Date() }).where('id', '=', reminderId).where('schoolId', '=', schoolId).execute();
}
