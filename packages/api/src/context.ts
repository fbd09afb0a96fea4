import type { AuthPolicy, Database, SignedInUser } from '@oversight/db';
import type { Kysely } from '@oversight/db';

/** What every procedure gets: the database, the signed-in user (if any) and a way to set the session cookie. */
export interface Context {
  db: Kysely<Database>;
  user: SignedInUser | null;
  sessionToken: string | null;
  /** The client's address, for sign-in throttling. */
  address: string;
  /** Session length and sign-in limits (the server's settings); default DEFAULT_AUTH_POLICY. */
  authPolicy?: AuthPolicy;
  setSessionCookie(token: string, expiresAt: Date): void;
  clearSessionCookie(): void;
}
