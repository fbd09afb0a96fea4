import type { Kysely } from 'kysely';
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
