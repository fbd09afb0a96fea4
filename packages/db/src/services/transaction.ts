import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';

/**
 * Runs `work` in a transaction: a new one, or the caller's when `db` already is one (Kysely cannot nest them).
 * Lets a batch (the demo generator) run many service calls in one transaction without changing what they do.
 */
export function transact<T>(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Transaction<Database>) : db.transaction().execute(work);
}
