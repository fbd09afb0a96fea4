import { costKey, costRefusal, type Cost, type CostLimits } from '@oversight/domain';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { countAttempt } from './attempt-counters.js';

/**
 * Counts one costly call (drafting, a document, an import, an export) against the user's counter of its kind, before
 * the call runs, and refuses it past the kind's limit (TooManyAttempts: 429, a Chinese message naming the kind and
 * when to try again, and Retry-After). The count is one statement on `attempt_counters`, so calls arriving together
 * and calls to other server processes on the same database are all counted.
 */
export async function reserveCostlyCall(db: Kysely<Database>, call: { cost: Cost; userId: number; now?: Date }, limits: CostLimits): Promise<void> {
  const limit = limits[call.cost];
  await countAttempt(db, [{ key: costKey(call.cost, call.userId), limit: limit.attempts }], {
    now: call.now ?? new Date(),
    windowMinutes: limit.windowMinutes,
    message: (minutes) => costRefusal(call.cost, limit, minutes),
  });
}
