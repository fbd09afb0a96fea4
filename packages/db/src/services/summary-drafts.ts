import { AppError, MAX_SUMMARIES_PER_UNIT_YEAR } from '@oversight/domain';
import { sql, type Insertable, type Transaction } from 'kysely';
import type { Database, SummariesTable, SummaryRow } from '../schema.js';

/** A new draft as createDraft builds it (version 1, its text as `sections`). */
export type DraftValues = Insertable<SummariesTable> & { sections: string; createdAt: Date };

/**
 * Stores a freshly drafted summary so that drafting again does not pile drafts up:
 * - a draft of the same unit and year that nobody has edited since it was made (still version 1) is refreshed in
 *   place with the new text, figures and window (same id, so a page that has it open keeps it; an edit saved there
 *   afterwards still applies, as version 1); only machine text is replaced, never anything a person wrote;
 * - otherwise a new draft is added, unless the unit and year already hold MAX_SUMMARIES_PER_UNIT_YEAR summaries
 *   (drafts and final ones), which refuses it (CONFLICT) and changes nothing.
 * Drafts of one unit and year are stored one at a time (a transaction-scoped advisory lock), so two drafting calls
 * arriving together still leave one unedited draft. Returns the stored row, and the row it replaced (for the audit).
 */
export async function storeDraft(trx: Transaction<Database>, values: DraftValues, unitName: string): Promise<{ row: SummaryRow; replaced: SummaryRow | null }> {
  const key = `summary-draft:${values.level}:${values.orgUnitId}:${values.schoolId ?? ''}:${values.year}`;
  await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(trx);
  const existing = await trx
    .selectFrom('summaries')
    .selectAll()
    .where('level', '=', values.level)
    .where('orgUnitId', '=', values.orgUnitId)
    .where(sql<boolean>`school_id is not distinct from ${values.schoolId ?? null}::integer`)
    .where('year', '=', values.year)
    .orderBy('id', 'desc')
    .execute();
  const unedited = existing.find((r) => r.status === 'draft' && r.version === 1);
  if (unedited) {
    // What identifies the draft stays; so does when it was first made (createdAt never changes).
    const {
      level: _level,
      orgUnitId: _unit,
      countyId: _county,
      schoolId: _school,
      year: _year,
      status: _status,
      version: _version,
      createdAt: _created,
      ...fresh
    } = values;
    // A save racing this refresh (saves take no lock) wins: its version is no longer 1, and a new draft is added below.
    const row = await trx
      .updateTable('summaries')
      .set(fresh)
      .where('id', '=', unedited.id)
      .where('version', '=', 1)
      .where('status', '=', 'draft')
      .returningAll()
      .executeTakeFirst();
    if (row) {
      // Its only version, version 1, is the new text (a saved version is never rewritten: this one was never saved by anyone).
      await trx.deleteFrom('summaryVersions').where('summaryId', '=', row.id).where('version', '=', 1).execute();
      await firstVersion(trx, row.id, values);
      return { row, replaced: unedited };
    }
  }
  if (existing.length >= MAX_SUMMARIES_PER_UNIT_YEAR) {
    throw new AppError(
      'CONFLICT',
      `${unitName}${values.year}年度已有${existing.length}份总结（草稿和定稿），已达上限${MAX_SUMMARIES_PER_UNIT_YEAR}份，不能再新建草稿。请在已有的草稿上继续修改。`,
      'year',
    );
  }
  const row = await trx.insertInto('summaries').values(values).returningAll().executeTakeFirstOrThrow();
  await firstVersion(trx, row.id, values);
  return { row, replaced: null };
}

function firstVersion(trx: Transaction<Database>, summaryId: number, values: DraftValues) {
  return trx
    .insertInto('summaryVersions')
    .values({ summaryId, version: 1, status: 'draft', sections: values.sections, savedBy: values.createdBy ?? null, savedAt: values.createdAt })
    .execute();
}
