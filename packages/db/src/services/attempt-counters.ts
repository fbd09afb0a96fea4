import { AppError } from '@oversight/domain';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** A counter an attempt is counted against: its key and how many attempts a window allows. */
export interface AttemptKey {
  key: string;
  limit: number;
}

/**
 * Counts one attempt against each key, in one statement, before the attempt runs. Each key's row is locked while it
 * is counted, so attempts arriving together get distinct counts, in every process on the database. When any key is
 * past its limit, the attempt is refused (TOO_MANY_REQUESTS, `message(minutes)` naming when to try again, and
 * `retryAfterSeconds`); a key's window starts with its first attempt and ends `windowMinutes` later.
 */
export async function countAttempt(
  db: Kysely<Database>,
  keys: readonly AttemptKey[],
  options: { now: Date; windowMinutes: number; message: (minutes: number) => string },
): Promise<void> {
  const { now, windowMinutes } = options;
  const windowStart = new Date(now.getTime() - windowMinutes * 60_000);
  const rows = await db
    .insertInto('attemptCounters')
    .values(keys.map(({ key }) => ({ key, attempts: 1, windowStartedAt: now })))
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        // An attempt after the window has passed starts a new window.
        attempts: sql`case when attempt_counters.window_started_at <= ${windowStart} then 1 else attempt_counters.attempts + 1 end`,
        windowStartedAt: sql`case when attempt_counters.window_started_at <= ${windowStart} then ${now}::timestamptz else attempt_counters.window_started_at end`,
      }),
    )
    .returning(['key', 'attempts', 'windowStartedAt'])
    .execute();
  const limitOf = new Map(keys.map((k) => [k.key, k.limit]));
  const over = rows.filter((r) => r.attempts > limitOf.get(r.key)!);
  if (!over.length) return;
  const until = Math.max(...over.map((r) => r.windowStartedAt.getTime() + windowMinutes * 60_000));
  const seconds = Math.max(1, Math.ceil((until - now.getTime()) / 1000));
  throw new TooManyAttempts(options.message(Math.ceil(seconds / 60)), seconds);
}

/** A refusal for too many attempts, with the seconds until the next one may be made (for Retry-After). */
export class TooManyAttempts extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('TOO_MANY_REQUESTS', message);
  }
}

/** Starts the counters of these keys again (a successful sign-in clears its account's). */
export async function clearAttempts(db: Kysely<Database>, keys: readonly string[]): Promise<void> {
  await db
    .deleteFrom('attemptCounters')
    .where('key', 'in', [...keys])
    .execute();
}
