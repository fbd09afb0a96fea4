import type { Kysely, KyselyPlugin, OperationNode, QueryId, RootOperationNode } from 'kysely';
import type { Database } from '../schema.js';
import { sessionId, sessionUser, type SignedInUser } from './auth.js';

/** What a signed-in user is made of: a write to any of these tables may change or end one. */
const AUTH_TABLES = /"name":"(users|sessions|org_units|orgUnits)"|\b(users|sessions|org_units)\b/;
/** Entries kept at most; past it the cache starts again (a county has a few hundred accounts). */
const MAX_ENTRIES = 10_000;

/** Whether a statement may write: anything but a plain SELECT (a SELECT with a WITH may hold a data-modifying CTE). */
const mayWrite = (node: RootOperationNode) => node.kind !== 'SelectQueryNode' || node.with !== undefined;

/**
 * Signed-in users by session, kept in memory so a request needs no query to know who sent it, for a database that
 * only this process writes through one Kysely instance: the embedded PGlite (one process opens a data directory, and
 * Kysely lets one statement or transaction use its one connection at a time). Revocation stays immediate: the
 * plugin (installed on that instance) empties the cache on every statement that may write the accounts, sessions or
 * units tables (sign-in and sign-out, password changes and resets, deactivation, a role or unit moved), before it
 * runs and again once it has run, so the next request reads the database again; a read that started before the
 * write finished is not kept; a session past its expiry is never answered from the cache. On PostgreSQL, with several processes or connections, the
 * query stays (each request reads its session; see `userForSession`).
 */
export class SessionCache {
  #generation = 0;
  #entries = new Map<string, { user: SignedInUser; expiresAt: Date; generation: number }>();

  #writes = new WeakSet<QueryId>();

  readonly plugin: KyselyPlugin = {
    transformQuery: ({ node, queryId }) => {
      if (mayWrite(node) && AUTH_TABLES.test(JSON.stringify(node as OperationNode))) {
        this.#writes.add(queryId);
        this.invalidate();
      }
      return node;
    },
    transformResult: async ({ result, queryId }) => {
      if (this.#writes.has(queryId)) this.invalidate();
      return result;
    },
  };

  invalidate(): void {
    this.#generation += 1;
    this.#entries.clear();
  }

  /** The user behind a session cookie (see `userForSession`), from memory while nothing that could change it was written. */
  async userFor(db: Kysely<Database>, token: string, now = new Date()): Promise<SignedInUser | null> {
    const id = sessionId(token);
    const kept = this.#entries.get(id);
    if (kept && kept.generation === this.#generation && kept.expiresAt > now) return kept.user;
    const generation = this.#generation;
    const found = await sessionUser(db, token, now);
    if (found && generation === this.#generation) {
      if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
      this.#entries.set(id, { ...found, generation });
    }
    return found?.user ?? null;
  }
}
