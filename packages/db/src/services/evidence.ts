import {
  AppError,
  assertPeriod,
  conflict,
  countyInScope,
  EVIDENCE_DOMAINS,
  findIndicator,
  isEvidenceDomain,
  missing,
  quartersOfYear,
  REPORT_STATUS_LABELS,
  isEditable,
  scopeIncludesCounty,
  scopeIncludesSchool,
  type EvidenceDomain,
  evidenceFindings,
  evidenceRequiredFor,
  type ReportIssue,
  type ReportValues,
  type EvidenceFile,
  type EvidenceListEntry,
  type Period,
} from '@oversight/domain';
import { sql, type Kysely } from 'kysely';
import type { EvidenceStore } from '../evidence-store/index.js';
import { recordAudit } from '../queries/audit.js';
import type { Database, EvidenceFileRow, School } from '../schema.js';
import type { Actor } from './actor.js';
import { chunks } from './batches.js';
import { schoolFor } from './scope.js';
import { transact } from './transaction.js';
import { countySettingsOf, DEFAULT_DEADLINE_DAYS } from './validation-context.js';

/** A file that would take a report's evidence beyond its total limit (HTTP answers 413). */
export class EvidenceReportFull extends AppError {
  constructor(message: string) {
    super('BAD_REQUEST', message, 'file');
    this.name = 'EvidenceReportFull';
  }
}

/** What a file supports: one indicator, one domain of the form, or (both null) the report as a whole. */
export interface EvidenceAnchor {
  indicator: string | null;
  domain: EvidenceDomain | null;
}

/** The anchor from an upload's text fields; a refusal names the field and the rule. */
export function evidenceAnchor(fields: { indicator?: string | undefined; domain?: string | undefined }): EvidenceAnchor {
  const indicator = fields.indicator?.trim() || null;
  const domain = fields.domain?.trim() || null;
  if (indicator && domain) throw new AppError('BAD_REQUEST', '佐证材料只能对应一个指标（indicator）或一个板块（domain），不能同时指定。', 'indicator');
  if (indicator) {
    const ind = findIndicator(indicator);
    if (!ind || ind.kind === 'derived') throw new AppError('BAD_REQUEST', `未知的指标代码（indicator）：${indicator.slice(0, 60)}。`, 'indicator');
  }
  if (domain && !isEvidenceDomain(domain)) {
    throw new AppError('BAD_REQUEST', `板块（domain）只能是 ${EVIDENCE_DOMAINS.join('、')} 之一，收到“${domain.slice(0, 60)}”。`, 'domain');
  }
  return { indicator, domain: domain as EvidenceDomain | null };
}

const FROZEN = (status: keyof typeof REPORT_STATUS_LABELS) =>
  status === 'approved'
    ? '该报表已审核通过，佐证材料随报表锁定，不能上传或删除；如需更正，请联系教育局重新打开报表。'
    : `该报表${REPORT_STATUS_LABELS[status].zh}，佐证材料暂不能上传或删除；报表被退回后可以修改。`;

/** The report's status, refusing a change of its files unless it is a draft or returned (or not yet saved). */
async function assertFilesEditable(db: Kysely<Database>, schoolId: number, period: string, lock: boolean): Promise<void> {
  // One change of a report's files at a time (also before its report row exists), so the total size holds.
  if (lock) await sql`select pg_advisory_xact_lock(${schoolId}::int4, hashtext(${period}))`.execute(db);
  let query = db.selectFrom('reports').select('status').where('schoolId', '=', schoolId).where('period', '=', period);
  if (lock) query = query.forUpdate();
  const report = await query.executeTakeFirst();
  if (report && !isEditable(report.status, 'school')) throw conflict(FROZEN(report.status));
}

/** Bytes already attached to a report. */
async function reportBytes(db: Kysely<Database>, schoolId: number, period: string): Promise<number> {
  const row = await db
    .selectFrom('evidenceFiles')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('size'), eb.lit(0)).as('total'))
    .where('schoolId', '=', schoolId)
    .where('period', '=', period)
    .executeTakeFirstOrThrow();
  return Number(row.total);
}

/**
 * Before a file is received: the school lies in the caller's scope, the quarter is valid and its report takes files.
 * Returns the school and how many bytes the report may still take.
 */
export async function prepareEvidenceUpload(
  db: Kysely<Database>,
  actor: Actor,
  input: { schoolId: number; period: string; reportMaxBytes: number },
): Promise<{ school: School; remainingBytes: number }> {
  assertPeriod(input.period);
  const school = await schoolFor(db, actor.scope, input.schoolId);
  await assertFilesEditable(db, school.id, input.period, false);
  return { school, remainingBytes: Math.max(0, input.reportMaxBytes - (await reportBytes(db, school.id, input.period))) };
}

export interface NewEvidence extends EvidenceAnchor {
  schoolId: number;
  period: string;
  name: string;
  type: string;
  sha256: string;
  size: number;
}

const toFile = (row: Pick<EvidenceFileRow, 'id' | 'name' | 'size' | 'type' | 'sha256' | 'indicator' | 'domain'>): EvidenceFile => ({
  id: row.id,
  name: row.name,
  size: Number(row.size),
  type: row.type,
  sha256: row.sha256,
  indicator: row.indicator,
  domain: row.domain as EvidenceDomain | null,
});

/**
 * The row of a file already kept in the store (so the row never refers to missing bytes), with its audit entry, in
 * one transaction that re-checks the report's status (locked) and its total size. When this refuses, the kept file
 * is referenced by nothing and the orphan sweep removes it.
 */
export async function recordEvidence(
  db: Kysely<Database>,
  actor: Actor,
  input: NewEvidence,
  options: { reportMaxBytes: number; now?: Date },
): Promise<EvidenceFile> {
  assertPeriod(input.period);
  const school = await schoolFor(db, actor.scope, input.schoolId);
  return transact(db, async (trx) => {
    await assertFilesEditable(trx, school.id, input.period, true);
    const used = await reportBytes(trx, school.id, input.period);
    if (used + input.size > options.reportMaxBytes) {
      throw new EvidenceReportFull(
        `本季度报表的佐证材料合计不能超过${Math.round(options.reportMaxBytes / 1024 / 1024)}MB（已有${(used / 1024 / 1024).toFixed(1)}MB），未保存该文件。`,
      );
    }
    const row = await trx
      .insertInto('evidenceFiles')
      .values({
        countyId: school.countyId,
        schoolId: school.id,
        period: input.period,
        indicator: input.indicator,
        domain: input.domain,
        name: input.name,
        size: input.size,
        type: input.type,
        sha256: input.sha256,
        uploadedBy: actor.userId,
        ...(options.now ? { uploadedAt: options.now } : {}),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const file = toFile(row);
    await recordAudit(trx, {
      actorId: actor.userId,
      action: 'evidence.upload',
      entity: 'evidence_file',
      entityId: row.id,
      countyId: school.countyId,
      schoolId: school.id,
      at: row.uploadedAt,
      after: { period: input.period, ...file },
    });
    return file;
  });
}

/** A report's files, oldest first, with who uploaded them. */
export async function listEvidence(db: Kysely<Database>, actor: Actor, schoolId: number, period: string): Promise<EvidenceListEntry[]> {
  assertPeriod(period);
  const school = await schoolFor(db, actor.scope, schoolId);
  const rows = await db
    .selectFrom('evidenceFiles')
    .leftJoin('users', 'users.id', 'evidenceFiles.uploadedBy')
    .selectAll('evidenceFiles')
    .select('users.displayName')
    .where('evidenceFiles.schoolId', '=', school.id)
    .where('evidenceFiles.period', '=', period)
    .orderBy('evidenceFiles.uploadedAt')
    .orderBy('evidenceFiles.id')
    .execute();
  return rows.map((r) => ({ ...toFile(r), uploadedAt: r.uploadedAt.toISOString(), uploadedBy: r.displayName ?? '系统' }));
}

/** One file's row, when it exists and its school lies in the caller's scope; otherwise NOT_FOUND, the same either way. */
export async function getEvidence(db: Kysely<Database>, actor: Actor, id: number): Promise<EvidenceFileRow> {
  const row = await db.selectFrom('evidenceFiles').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || !scopeIncludesSchool(actor.scope, { id: row.schoolId, countyId: row.countyId })) throw missing('evidence');
  return row;
}

/** Removes a file from its report (draft or returned only); the bytes stay until the orphan sweep finds them unused. */
export async function removeEvidence(db: Kysely<Database>, actor: Actor, id: number): Promise<EvidenceFile> {
  const row = await getEvidence(db, actor, id);
  return transact(db, async (trx) => {
    await assertFilesEditable(trx, row.schoolId, row.period, true);
    const deleted = await trx.deleteFrom('evidenceFiles').where('id', '=', id).returningAll().executeTakeFirst();
    if (!deleted) throw missing('evidence');
    const file = toFile(deleted);
    await recordAudit(trx, {
      actorId: actor.userId,
      action: 'evidence.remove',
      entity: 'evidence_file',
      entityId: id,
      countyId: deleted.countyId,
      schoolId: deleted.schoolId,
      before: { period: deleted.period, ...file },
    });
    return file;
  });
}

export interface CountyEvidenceEntry extends EvidenceFile {
  schoolId: number;
  schoolCode: string;
  schoolName: string;
  period: Period;
}

/** A county's files of a year (optionally one school's), by school code, quarter and upload, for the zip download. */
export async function countyEvidence(
  db: Kysely<Database>,
  actor: Actor,
  input: { countyId: number; year: number; schoolId?: number | undefined },
): Promise<CountyEvidenceEntry[]> {
  countyInScope(actor.scope, input.countyId);
  let query = db
    .selectFrom('evidenceFiles')
    .innerJoin('schools', 'schools.id', 'evidenceFiles.schoolId')
    .selectAll('evidenceFiles')
    .select(['schools.code as schoolCode', 'schools.name as schoolName'])
    .where('evidenceFiles.countyId', '=', input.countyId)
    .where('evidenceFiles.period', 'in', quartersOfYear(input.year));
  if (input.schoolId !== undefined) query = query.where('evidenceFiles.schoolId', '=', input.schoolId);
  const rows = await query.orderBy('schools.code').orderBy('evidenceFiles.period').orderBy('evidenceFiles.uploadedAt').orderBy('evidenceFiles.id').execute();
  return rows.map((r) => ({ ...toFile(r), schoolId: r.schoolId, schoolCode: r.schoolCode, schoolName: r.schoolName, period: r.period as Period }));
}

/**
 * Removes stored files no row refers to, once older than the grace period (an upload whose row never committed,
 * a file removed from its report): run at start-up and by the backup. Returns how many were removed.
 */
export async function sweepOrphanEvidence(db: Kysely<Database>, store: EvidenceStore, options: { olderThan: Date }): Promise<number> {
  let removed = 0;
  const candidates: string[] = [];
  for await (const entry of store.list()) if (entry.modifiedAt < options.olderThan) candidates.push(entry.sha256);
  for (const part of chunks(candidates)) {
    const used = new Set((await db.selectFrom('evidenceFiles').select('sha256').where('sha256', 'in', part).execute()).map((r) => r.sha256));
    for (const sha256 of part) {
      if (used.has(sha256)) continue;
      await store.delete(sha256);
      removed++;
    }
  }
  removed += (await store.sweepTemporary?.(options.olderThan)) ?? 0;
  return removed;
}

/** From which quarter a county requires the evidence the catalogue names (null: not required). */
export async function evidenceRequiredFrom(db: Kysely<Database>, actor: Actor, countyId: number): Promise<Period | null> {
  // A school reads its own county's setting (its form says which files are required).
  if (!scopeIncludesCounty(actor.scope, countyId)) throw missing('county');
  return evidenceFromOf(db, countyId);
}

export async function evidenceFromOf(db: Kysely<Database>, countyId: number): Promise<Period | null> {
  return (await countySettingsOf(db, [countyId]))(countyId).evidenceFrom;
}

/** Sets (or, with null, lifts) the quarter from which a county's reports must carry their evidence. */
export async function setEvidenceRequiredFrom(db: Kysely<Database>, actor: Actor, countyId: number, from: string | null): Promise<void> {
  countyInScope(actor.scope, countyId);
  if (from !== null) assertPeriod(from);
  await transact(db, async (trx) => {
    const before = await evidenceFromOf(trx, countyId);
    await trx
      .insertInto('countySettings')
      .values({ countyId, deadlineDays: DEFAULT_DEADLINE_DAYS, evidenceFrom: from })
      .onConflict((oc) => oc.column('countyId').doUpdateSet({ evidenceFrom: from, updatedAt: new Date() }))
      .execute();
    await recordAudit(trx, {
      actorId: actor.userId,
      action: 'settings.evidence_from',
      entity: 'county_settings',
      entityId: countyId,
      countyId,
      before: { evidenceFrom: before },
      after: { evidenceFrom: from },
    });
  });
}

/**
 * The evidence findings of a report (empty unless its county requires evidence for its quarter, `from`, read with
 * the report's validation context): what the form shows and what submission checks.
 */
export async function evidenceCheck(
  db: Kysely<Database>,
  school: Pick<School, 'id' | 'countyId' | 'type' | 'hasCanteen'>,
  period: Period,
  values: ReportValues,
  from: Period | null,
): Promise<ReportIssue[]> {
  if (!evidenceRequiredFor(from, period)) return [];
  const files = await db.selectFrom('evidenceFiles').select('indicator').where('schoolId', '=', school.id).where('period', '=', period).execute();
  return evidenceFindings(values, files, school);
}
