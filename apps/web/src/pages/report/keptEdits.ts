import { type Edit, hasEdits, type PendingEdits } from './pendingEdits';

/** The part of the Web Storage API the kept edits use (localStorage in the browser, a map in tests). */
export type KeptStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const PREFIX = 'oversight.keptEdits.v1';

/** One place per user, school and quarter: two accounts on one device, or two reports, never mix. */
export const keptEditsKey = (userId: number, schoolId: number, period: string) => `${PREFIX}:${userId}:${schoolId}:${period}`;

const isFieldValue = (v: unknown) => v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

function readEdits(raw: unknown): Record<string, Edit> | null {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const edits: Record<string, Edit> = {};
  for (const [code, edit] of Object.entries(raw)) {
    if (!edit || typeof edit !== 'object') return null;
    const { base, mine } = edit as Record<string, unknown>;
    if (!isFieldValue(base) || !isFieldValue(mine)) return null;
    edits[code] = { base: base as Edit['base'], mine: mine as Edit['mine'] };
  }
  return edits;
}

/** The edits kept on this device for a report, or null when there are none (or what is there is unreadable). */
export function readKeptEdits(storage: KeptStorage | undefined, key: string): PendingEdits | null {
  let text: string | null = null;
  try {
    text = storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
  if (!text) return null;
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const values = readEdits(parsed.values);
    const explanations = readEdits(parsed.explanations);
    if (typeof parsed.baseVersion !== 'number' || !Number.isInteger(parsed.baseVersion) || !values || !explanations) return null;
    const pending = { baseVersion: parsed.baseVersion, values, explanations };
    return hasEdits(pending) ? pending : null;
  } catch {
    return null;
  }
}

/**
 * Keeps the pending edits on this device (they survive a reload and a lost connection); nothing pending clears the
 * place. False when the browser would not store them (storage full or disabled): the form then says so.
 */
export function writeKeptEdits(storage: KeptStorage | undefined, key: string, pending: PendingEdits): boolean {
  if (!storage) return false;
  try {
    if (hasEdits(pending)) storage.setItem(key, JSON.stringify({ ...pending, keptAt: new Date().toISOString() }));
    else storage.removeItem(key);
    return true;
  } catch {
    return false;
  }
}

/** The browser's localStorage, when there is one and it may be used. */
export function browserStorage(): KeptStorage | undefined {
  try {
    return typeof window === 'undefined' ? undefined : window.localStorage;
  } catch {
    return undefined;
  }
}
