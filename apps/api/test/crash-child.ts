import { writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
  countySheet,
  describeUser,
  finalizeSummary,
  getUser,
  importReports,
  openDatabase,
  type Actor,
  type Database,
  type DatabaseHandle,
  type Kysely,
  type School,
  type SheetSchool,
} from '@oversight/db';
import { completeValues } from '@oversight/db/testing';
import type { ImportRecord, Period, ReportValues } from '@oversight/domain';

/**
 * The process crash.test.ts kills: opens the database named by DATABASE_URL (or PGlite's DATA_DIR), runs one
 * operation through the real service and says on stdout, synchronously, where it is:
 *   started                  the operation begins
 *   statement <n> <what>     its n-th SQL statement is about to be sent (`write` when it inserts or updates)
 *   stalled <n>              (STALL_AFTER_WRITES=k) k statements that write have run inside the operation's
 *                            transaction; it stops before statement n and waits to be killed
 *   done <json>              the operation returned
 *
 *   node --import tsx test/crash-child.ts import '{"userId":1,"countyId":2,"period":"2026Q1","round":1}'
 *   node --import tsx test/crash-child.ts finalize '{"userId":1,"summaryId":3,"version":1}'
 */

/** What the county sheet of round `round` holds for a school: every value of its report, a few of them marked by the round. */
export function sheetValues(school: Pick<School, 'type' | 'hasCanteen'>, period: Period, round: number): ReportValues {
  return completeValues(school, period, {
    students_enrolled: 500,
    staff_count: 40,
    electricity_kwh: 1_000 + round,
    water_m3: 500 + round,
    energy_cost_yuan: 3_000 + round,
  });
}

/** The import's file hash (the audit names the file by it) for a round. */
export const fileHashOf = (round: number) => `crash${String(round).padStart(3, '0')}`.padEnd(64, '0');

/** The county sheet as the parser hands it over, a row per school. */
export function sheetRecords(rows: readonly SheetSchool[], period: Period, round: number): ImportRecord[] {
  return rows.map(({ school }, i) => ({
    template: 'county',
    schoolCode: school.code,
    schoolAt: { sheet: '全县汇总', row: 5 + i, column: 'A' },
    period,
    periodAt: { sheet: '全县汇总', row: 5 + i, column: 'C' },
    cells: Object.entries(sheetValues(school, period, round)).map(([code, raw]) => ({ code, raw, at: { sheet: '全县汇总', row: 5 + i, column: 'D' } })),
  }));
}

const say = (line: string) => writeSync(1, `${line}\n`);

type Plugin = Parameters<Kysely<Database>['withPlugin']>[0];
type Node = { kind: string; sqlFragments?: readonly string[] };

function isWrite(node: Node): boolean {
  if (node.kind === 'InsertQueryNode' || node.kind === 'UpdateQueryNode' || node.kind === 'DeleteQueryNode') return true;
  return node.kind === 'RawNode' && /^\s*\(?\s*(insert|update|delete)\b/i.test(node.sqlFragments?.[0] ?? '');
}

/** Numbers and names every statement; with `stallAfter`, blocks the whole process once that many writes have run. */
function tracer(stallAfter: number): Plugin {
  let statements = 0;
  let writes = 0;
  return {
    transformQuery({ node }) {
      statements += 1;
      if (stallAfter > 0 && writes === stallAfter) {
        say(`stalled ${statements}`);
        // Blocks the event loop (and PGlite with it): nothing more happens until the parent's SIGKILL.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
        throw new Error('the parent did not kill the stalled child');
      }
      const write = isWrite(node as Node);
      if (write) writes += 1;
      say(`statement ${statements} ${node.kind}${write ? ' write' : ''}`);
      return node;
    },
    async transformResult({ result }) {
      return result;
    },
  };
}

async function actorOf(handle: DatabaseHandle, userId: number): Promise<Actor> {
  const user = await describeUser(handle.db, (await getUser(handle.db, userId))!);
  return { userId, role: user.role, scope: user.scope };
}

async function main() {
  const [op, raw] = process.argv.slice(2);
  const args = JSON.parse(raw ?? '{}') as { userId: number; countyId: number; period: Period; round: number; summaryId: number; version: number };
  const handle = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR });
  const actor = await actorOf(handle, args.userId);
  const traced = handle.db.withPlugin(tracer(Number(process.env.STALL_AFTER_WRITES ?? 0)));
  let result: unknown;
  if (op === 'import') {
    const records = sheetRecords(await countySheet(handle.db, args.countyId, [args.period]), args.period, args.round);
    say('started');
    const outcome = await importReports(traced, actor, records, {
      mode: 'draft',
      fileName: `全县汇总表-第${args.round}轮.xlsx`,
      fileHash: fileHashOf(args.round),
    });
    result = { ok: outcome.ok, created: outcome.created, updated: outcome.updated, errors: outcome.errors.slice(0, 3) };
  } else if (op === 'finalize') {
    say('started');
    const summary = await finalizeSummary(traced, actor, { id: args.summaryId, version: args.version });
    result = { status: summary.status, version: summary.version };
  } else {
    throw new Error(`unknown operation ${op}`);
  }
  say(`done ${JSON.stringify(result)}`);
  await handle.close();
  process.exit(0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
