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
export function recalled<T>(db: Kysely<Database>, slot: string, fingerprint: string | undefined): T | undefined {
  const known = memoOf(db).get(slot);
  return known && known.fingerprint === fingerprint ? (known.value as T) : undefined;
}

/** Forget what this process unpacked, as a new process would start (for measuring first reads). */
export function forgetRemembered(db: Kysely<Database>): void {
  memos.delete(db);
}

/** Keep an unpacked value for its slot and fingerprint (the oldest slots go first). */
export function remember(db: Kysely<Database>, slot: string, fingerprint: string, value: unknown): void {
  const memo = memoOf(db);
  memo.delete(slot);
  memo.set(slot, { fingerprint, value });
  if (memo.size > MEMO_SIZE) memo.delete(memo.keys().next().value!);
}

/**
 * Something computed per county from its reports of some quarters and its schools, kept in `county_figures` under a
 * key (what it is, the catalogue, the statuses and the window): stored rows whose fingerprint still matches are used,
 * the other counties computed (a batch at a time) and kept. Several processes may compute the same county at once:
 * each stores parts that match the fingerprint it read, so whichever upsert lands last is still right for its print.
 */
export async function keptByCounty<T>(
  db: Kysely<Database>,
  countyIds: readonly number[],
  what: string,
  w: ResolvedWindow,
  periods: readonly Period[],
  statuses: readonly ReportStatus[],
  kept: { compute: (countyIds: readonly number[]) => Promise<Map<number, T>>; pack: (value: T) => string; unpack: (text: string) => T },
): Promise<Map<number, T>> {
  const key = `${what}|${CATALOGUE_MARK}|${statuses.join('+')}|${w.window.join(',')}|${w.end}`;
  const slot = (countyId: number) => `${key}#${countyId}`;
  const prints = await countyFingerprints(db, countyIds, periods, statuses);
  const result = new Map<number, T>();
  const unread = countyIds.filter((id) => {
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
      const value = kept.unpack(row.parts);
      result.set(id, value);
      remember(db, slot(id), row.fingerprint, value);
    } else stale.push(id);
  }
  for (let i = 0; i < stale.length; i += RECOMPUTE_BATCH) {
    const computed = await kept.compute(stale.slice(i, i + RECOMPUTE_BATCH));
    for (const [id, value] of computed) {
      result.set(id, value);
      remember(db, slot(id), prints.get(id)!, value);
    }
    // Read on a replica, kept on the primary (the replica is read-only; the rows reach it by replication).
    await storeCountyFigures(
      writerOf(db),
      key,
      [...computed].map(([countyId, value]) => ({ countyId, fingerprint: prints.get(countyId)!, parts: kept.pack(value) })),
    );
  }
  return result;
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
