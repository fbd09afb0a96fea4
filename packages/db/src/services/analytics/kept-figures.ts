import { CATALOGUE_MARK, countyParts, packCountyParts, unpackCountyParts, type CountyParts, type Period } from '@oversight/domain';
import type { Kysely } from 'kysely';
import { writerOf } from '../../connect.js';
import { countyFingerprints, storeCountyFigures, storedCountyFigures } from '../../queries/county-figures.js';
import type { Database, ReportStatus } from '../../schema.js';
import { countyData, countyFrame, type CountyFrame } from './county-data.js';
import { periodsFor, TREND_QUARTERS, type ResolvedWindow } from './window.js';

/** Counties recomputed per round of reads when their kept parts are out of date (bounds the rows held at once). */
const RECOMPUTE_BATCH = 10;

/** How many unpacked county figures a process keeps (a province's counties for a few keys); the oldest go first. */
const MEMO_SIZE = 512;

/**
 * Kept figures already unpacked by this process, per database handle, by slot (key and county), with the
 * fingerprint they were computed at. The fingerprint sums up what the figure is made of, so while it matches the live
 * one the unpacked value is the stored one: reading and unpacking the stored text again (tens of KB a county, a few
 * MB a province's fair comparison) is skipped. Values are shared between requests and never mutated.
 */
const memos = new WeakMap<object, Map<string, { fingerprint: string; value: unknown }>>();

function memoOf(db: Kysely<Database>) {
  let memo = memos.get(db);
  if (!memo) {
    memo = new Map();
    memos.set(db, memo);
  }
  return memo;
}

/** The value this process unpacked for a slot, if it was made at this fingerprint. */
function recalled<T>(db: Kysely<Database>, slot: string, fingerprint: string | undefined): T | undefined {
  const known = memoOf(db).get(slot);
  return known && known.fingerprint === fingerprint ? (known.value as T) : undefined;
}

/** Forget what this process unpacked, as a new process would start (for measuring first reads). */
export function forgetRemembered(db: Kysely<Database>): void {
  memos.delete(db);
}

/** Keep an unpacked value for its slot and fingerprint (the oldest slots go first). */
function remember(db: Kysely<Database>, slot: string, fingerprint: string, value: unknown): void {
  const memo = memoOf(db);
  memo.delete(slot);
  memo.set(slot, { fingerprint, value });
  if (memo.size > MEMO_SIZE) memo.delete(memo.keys().next().value!);
}

/** How a kept value is made and stored: computed for some ids at once, packed to text and back. */
export interface Keeping<T> {
  compute: (ids: readonly number[]) => Promise<Map<number, T>>;
  pack: (value: T) => string;
  unpack: (text: string) => T;
}

/**
 * Values kept in `county_figures` under a key, one per id (a county; a province for its fair comparison), each valid
 * while its fingerprint in `prints` stands: what this process unpacked already, else the stored row, else computed
 * (a batch at a time) and stored. Several processes may compute the same id at once: each stores what matches the
 * fingerprint it read, so whichever upsert lands last is still right for its print.
 */
export async function keptValues<T>(
  db: Kysely<Database>,
  key: string,
  ids: readonly number[],
  prints: ReadonlyMap<number, string>,
  keeping: Keeping<T>,
): Promise<Map<number, T>> {
  const slot = (id: number) => `${key}#${id}`;
  const result = new Map<number, T>();
  const unread = ids.filter((id) => {
    const known = recalled<T>(db, slot(id), prints.get(id));
    if (known === undefined) return true;
    result.set(id, known);
    return false;
  });
  const stored = await storedCountyFigures(db, unread, key);
  const stale: number[] = [];
  for (const id of unread) {
    const row = stored.get(id);
    if (row && row.fingerprint === prints.get(id)) {
      const value = keeping.unpack(row.parts);
      result.set(id, value);
      remember(db, slot(id), row.fingerprint, value);
    } else stale.push(id);
  }
  for (let i = 0; i < stale.length; i += RECOMPUTE_BATCH) {
    const computed = await keeping.compute(stale.slice(i, i + RECOMPUTE_BATCH));
    for (const [id, value] of computed) {
      result.set(id, value);
      remember(db, slot(id), prints.get(id)!, value);
    }
    // Read on a replica, kept on the primary (the replica is read-only; the rows reach it by replication).
    await storeCountyFigures(
      writerOf(db),
      key,
      [...computed].map(([id, value]) => ({ countyId: id, fingerprint: prints.get(id)!, parts: keeping.pack(value) })),
    );
  }
  return result;
}

/**
 * Something computed per county from its reports of some quarters and its schools, kept under a key naming what it
 * is, the catalogue, the statuses and the window, while the county's fingerprint of those reports and schools stands.
 */
export async function keptByCounty<T>(
  db: Kysely<Database>,
  countyIds: readonly number[],
  what: string,
  w: ResolvedWindow,
  periods: readonly Period[],
  statuses: readonly ReportStatus[],
  keeping: Keeping<T>,
): Promise<Map<number, T>> {
  const key = `${what}|${CATALOGUE_MARK}|${statuses.join('+')}|${w.window.join(',')}|${w.end}`;
  return keptValues(db, key, countyIds, await countyFingerprints(db, countyIds, periods, statuses), keeping);
}

/** Each county's overview parts (see `keptByCounty`). */
export function countyPartsFor(
  db: Kysely<Database>,
  countyIds: readonly number[],
  w: ResolvedWindow,
  trendPeriods: readonly Period[],
  statuses: readonly ReportStatus[],
): Promise<Map<number, CountyParts>> {
  const periods = periodsFor(w, TREND_QUARTERS);
  return keptByCounty(db, countyIds, 'overview', w, periods, statuses, {
    compute: async (batch) => {
      const of = await countyData(db, batch, periods, statuses);
      return new Map(
        batch.map((countyId) => {
          const data = of(countyId);
          return [countyId, countyParts(data.schools, data.reports, countyFrame(data, w).frame, trendPeriods)];
        }),
      );
    },
    pack: (parts) => packCountyParts(parts, trendPeriods),
    unpack: (text) => unpackCountyParts(text, trendPeriods),
  });
}

/**
 * One county's overview parts kept together with something measured on its frame (its target checks), under a key
 * naming what was measured (`what`: the targets' hash, so a changed target is measured again). While the county's
 * data is unchanged neither is computed again and nothing of the county is read.
 */
export async function countyPartsMeasured<M>(
  db: Kysely<Database>,
  countyId: number,
  w: ResolvedWindow,
  trendPeriods: readonly Period[],
  statuses: readonly ReportStatus[],
  what: string,
  measure: (frame: CountyFrame) => M,
): Promise<{ parts: CountyParts; measured: M }> {
  const periods = periodsFor(w, TREND_QUARTERS);
  const kept = await keptByCounty(db, [countyId], `overview|${what}`, w, periods, statuses, {
    compute: async (batch) => {
      const of = await countyData(db, batch, periods, statuses);
      return new Map(
        batch.map((id) => {
          const data = of(id);
          const frame = countyFrame(data, w);
          return [id, { parts: countyParts(data.schools, data.reports, frame.frame, trendPeriods), measured: measure(frame) }];
        }),
      );
    },
    // The measurement's JSON, a newline (JSON.stringify never writes one), then the packed parts.
    pack: ({ parts, measured }) => `${JSON.stringify(measured)}\n${packCountyParts(parts, trendPeriods)}`,
    unpack: (text) => {
      const at = text.indexOf('\n');
      return { measured: JSON.parse(text.slice(0, at)) as M, parts: unpackCountyParts(text.slice(at + 1), trendPeriods) };
    },
  });
  return kept.get(countyId)!;
}
