import type { AuthPolicy, Database, ReadReplica, SignedInUser } from '@oversight/db';
import type { CostLimits } from '@oversight/domain';
import type { Kysely } from '@oversight/db';

/** What every procedure gets: the database, the signed-in user (if any) and a way to set the session cookie. */
export interface Context {
  db: Kysely<Database>;
  /**
   * A streaming replica (DATABASE_READ_URL) for dashboards and summary drafts, read through `reads(ctx)`; absent,
   * everything reads the primary. Calls marked `fresh` wait, after their commit, until the replica has replayed it.
   */
  replica?: ReadReplica | null;
  user: SignedInUser | null;
  sessionToken: string | null;
  /** The client's address, for sign-in throttling. */
  address: string;
  /** Session length and sign-in limits (the server's settings); default DEFAULT_AUTH_POLICY. */
  authPolicy?: AuthPolicy;
  /**
   * How often each user may make costly calls (procedures with `cost`); the server passes its settings (default
   * DEFAULT_COST_LIMITS). Left out or null, nothing is counted: only for tests and benchmarks calling in-process.
   */
  costLimits?: CostLimits | null;
  setSessionCookie(token: string, expiresAt: Date): void;
  clearSessionCookie(): void;
}
