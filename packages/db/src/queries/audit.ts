import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

export interface AuditEntry {
  actorId: number | null;
  action: string;
  entity: string;
  entityId: string | number;
  countyId?: number | null;
  schoolId?: number | null;
  before?: unknown;
  after?: unknown;
  /** When it happened; defaults to now (the demo generator replays past quarters). */
  at?: Date | undefined;
}

const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));

/** Records who changed what; written in the same transaction as the change itself. */
export async function recordAudit(db: Kysely<Database>, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('auditLog')
    .values({
      actorId: entry.actorId,
      action: entry.action,
      entity: entry.entity,
      entityId: String(entry.entityId),
      countyId: entry.countyId ?? null,
      schoolId: entry.schoolId ?? null,
      before: json(entry.before),
      after: json(entry.after),
      ...(entry.at ? { at: entry.at } : {}),
    })
    .execute();
}

/**
 * The audit entry for the row a data-modifying CTE named `written` stores, as a second CTE of the same statement
 * (`db.with('written', …).with('audited', () => auditWritten(entry))`): the change and its record commit together,
 * in one round trip, and nothing is recorded when nothing was written.
 */
export function auditWritten(entry: Omit<AuditEntry, 'entityId' | 'at'> & { at: Date }) {
  // Kysely does not parenthesise a raw CTE body.
  return sql<{ id: number }>`(insert into audit_log (actor_id, action, entity, entity_id, county_id, school_id, before, after, at)
    select ${entry.actorId}::integer, ${entry.action}::text, ${entry.entity}::text, written.id::text, ${entry.countyId ?? null}::integer,
      ${entry.schoolId ?? null}::integer, ${json(entry.before)}::jsonb, ${json(entry.after)}::jsonb, ${entry.at}::timestamptz
    from written returning id)`;
}
