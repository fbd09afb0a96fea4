import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  countySheet,
  createOrgUnit,
  createSchool,
  createUser,
  draftSchoolSummary,
  draftSummary,
  getSummary,
  importReports,
  migrateToLatest,
  openDatabase,
  SYSTEM_ACTOR,
  type Database,
  type Kysely,
  type School,
} from '@oversight/db';
import { createPostgresDatabase, databaseKinds, schoolInput } from '@oversight/db/testing';
import type { Period } from '@oversight/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileHashOf, sheetRecords, sheetValues } from './crash-child.js';
import { APP_DIR, client, kill, startServer as startProcess } from './processes.js';

/**
 * Kills the real server process (SIGKILL, no chance to clean up) while saves are in flight, restarts it on the
 * same data and checks that every report is entirely before or entirely after each save: its stored values
 * match its version, and the audit log holds exactly one entry per stored change.
 */
const ADMIN = { username: 'crash-admin', password: 'crash-secret-1' };
const startServer = (env: Record<string, string>) => startProcess(env, ADMIN);

const kinds = await databaseKinds();

describe.each(kinds)('a server killed mid-save [%s]', (kind) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('keeps every report whole and every change accounted for', async () => {
    let env: Record<string, string>;
    if (kind === 'pglite') {
      env = { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'oversight-crash-')) };
    } else {
      const database = await createPostgresDatabase();
      cleanups.push(database.drop);
      env = { DATABASE_URL: database.url };
    }

    let server = await startServer(env);
    cleanups.push(() => kill(server));
    let api = client(server.base);
    await api.mutate('auth.login', ADMIN);
    const province = await api.mutate('org.createUnit', { parentId: null, level: 'province', code: '510000', name: '四川省' });
    const city = await api.mutate('org.createUnit', { parentId: province.id, level: 'city', code: '511600', name: '甲市' });
    const county = await api.mutate('org.createUnit', { parentId: city.id, level: 'county', code: '511681', name: '甲县' });
    const schoolIds: number[] = [];
    for (let i = 1; i <= 3; i++) {
      const school = await api.mutate('schools.create', schoolInput(county.id, { code: `215100000${i}`, name: `崩溃测试小学${i}` }));
      schoolIds.push(school.id);
    }

    // Each school's report is saved over and over; save number v writes electricity = v and water = 2v.
    const period = '2026Q1';
    let stop = false;
    let saves = 0;
    const writers = schoolIds.map(async (schoolId) => {
      let version = 0;
      while (!stop) {
        try {
          const next = version + 1;
          const saved = await api.mutate('reports.save', {
            schoolId,
            period,
            version,
            values: { students_enrolled: 500, staff_count: 40, electricity_kwh: next, water_m3: next * 2 },
          });
          version = saved.version;
          saves += 1;
        } catch {
          return; // the server is gone
        }
      }
    });
    while (saves < 30) await new Promise((r) => setTimeout(r, 5));
    await kill(server);
    stop = true;
    await Promise.all(writers);

    server = await startServer(env);
    api = client(server.base);
    await api.mutate('auth.login', ADMIN);
    let total = 0;
    for (const schoolId of schoolIds) {
      const report = await api.query('reports.get', { schoolId, period });
      const history = await api.query('reports.history', { schoolId, period });
      total += report.version;
      expect(report.version).toBeGreaterThan(0);
      expect(report.values.electricity_kwh).toBe(report.version);
      expect(report.values.water_m3).toBe(report.version * 2);
      expect(history.filter((h: { action: string }) => h.action === 'report.save')).toHaveLength(report.version);
      // The restarted server still takes saves at the stored version.
      const saved = await api.mutate('reports.save', { schoolId, period, version: report.version, values: { electricity_kwh: 1 } });
      expect(saved.version).toBe(report.version + 1);
    }
    expect(total).toBeGreaterThanOrEqual(30);
    await kill(server);
  }, 180_000);
});

/**
 * The same promise for the two long writes that are not saves: the bureau's county-sheet import (hundreds of reports,
 * every value, one transaction) and a summary's finalisation (figures and data frozen). test/crash-child.ts runs one
 * operation through the service and says where it is; it is killed with SIGKILL either while it stands still inside
 * the operation's transaction after some of its writes (STALL_AFTER_WRITES: certainly mid-flight), or a random
 * moment after it started (between 40 % and all of the time a complete run took). The database is then opened again
 * (PGlite recovers its data directory) and must hold the operation entirely or not at all, with the audit log to
 * match. Each round's plan, how many writes it had started and what survived are printed.
 */
const CHILD = path.join(APP_DIR, 'test', 'crash-child.ts');
const SCHOOLS = 520; // more than one batch (500) of the import's statements
const PERIOD: Period = '2026Q1';
const YEAR = 2025;

type Plan = { complete: true } | { stallAfterWrites: number } | { delayMs: number };
const describePlan = (plan: Plan) =>
  'complete' in plan ? 'complete' : 'stallAfterWrites' in plan ? `stall@${plan.stallAfterWrites}` : `kill@${plan.delayMs}ms`;

interface ChildRun {
  /** The child said `done` (before it was killed, or on its own). */
  done: boolean;
  /** Statements that write, started before the kill. */
  writes: number;
  stalled: boolean;
  /** From `started` to `done`, for a complete run. */
  tookMs: number;
}

/** Runs crash-child.ts once and kills it as `plan` says; `whileStalled` looks at the database meanwhile. */
async function runChild(
  env: Record<string, string>,
  op: 'import' | 'finalize',
  args: object,
  plan: Plan,
  whileStalled?: () => Promise<void>,
): Promise<ChildRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, op, JSON.stringify(args)], {
    cwd: APP_DIR,
    env: { ...process.env, ...env, STALL_AFTER_WRITES: 'stallAfterWrites' in plan ? String(plan.stallAfterWrites) : '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: { text: string; at: number }[] = [];
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const reader = createInterface({ input: child.stdout! });
  reader.on('line', (text) => lines.push({ text, at: performance.now() }));
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const said = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const onLine = (text: string) => {
        if (!pattern.test(text)) return;
        reader.off('line', onLine);
        resolve();
      };
      if (lines.some((l) => pattern.test(l.text))) return resolve();
      reader.on('line', onLine);
      void closed.then(() => reject(new Error(`the child ended without saying ${pattern}:\n${lines.map((l) => l.text).join('\n')}\n${errors}`)));
    });
  const kill = async () => {
    child.kill('SIGKILL');
    await closed;
  };

  if ('complete' in plan) {
    expect(await closed, errors).toBe(0);
  } else if ('stallAfterWrites' in plan) {
    await said(/^stalled /);
    await whileStalled?.();
    await kill();
  } else {
    await said(/^started$/);
    await new Promise((resolve) => setTimeout(resolve, plan.delayMs));
    await kill();
  }
  const at = (pattern: RegExp) => lines.find((l) => pattern.test(l.text))?.at;
  const done = lines.some((l) => l.text.startsWith('done '));
  if ('complete' in plan) expect(lines.at(-1)?.text).toMatch(/^done \{/);
  return {
    done,
    writes: lines.filter((l) => / write$/.test(l.text)).length,
    stalled: at(/^stalled /) !== undefined,
    tookMs: (at(/^done /) ?? 0) - (at(/^started$/) ?? 0),
  };
}

async function withDatabase<T>(env: Record<string, string>, work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
  try {
    return await work(handle.db);
  } finally {
    await handle.close();
  }
}

type Step = {
  action: string;
  before: { version: number; values?: Record<string, unknown> } | null;
  after: { version: number; values?: Record<string, unknown> };
};

/** Every report's audit entries, oldest first: one per version step, and replaying them gives the stored values. */
function checkAccounted(
  reports: { id: number; version: number; values: Record<string, unknown> }[],
  audit: { entityId: string; action: string; before: unknown; after: unknown }[],
) {
  const byReport = new Map<string, Step[]>();
  for (const entry of audit) byReport.set(entry.entityId, [...(byReport.get(entry.entityId) ?? []), entry as Step]);
  for (const report of reports) {
    const steps = byReport.get(String(report.id)) ?? [];
    expect(steps.map((s) => s.after.version)).toEqual(Array.from({ length: report.version }, (_, i) => i + 1));
    const state: Record<string, unknown> = {};
    for (const step of steps) {
      expect(step.before?.version ?? 0).toBe(step.after.version - 1);
      for (const [code, value] of Object.entries(step.before?.values ?? {})) expect([code, state[code] ?? null]).toEqual([code, value]);
      for (const [code, value] of Object.entries(step.after.values ?? {})) {
        if (value === null) delete state[code];
        else state[code] = value;
      }
    }
    expect(state).toEqual(report.values);
  }
}

describe.each(kinds)('a process killed mid-import and mid-finalisation [%s]', (kind) => {
  let env: Record<string, string>;
  const cleanups: (() => Promise<void> | void)[] = [];
  let countyId: number;
  let officerId: number;
  let summaryCountyId: number;
  let summaryOfficerId: number;
  let schools: School[];
  let drafts: number[];

  beforeAll(async () => {
    if (kind === 'pglite') {
      const dir = mkdtempSync(path.join(tmpdir(), 'oversight-crash-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      env = { DATA_DIR: dir };
    } else {
      const database = await createPostgresDatabase();
      cleanups.push(database.drop);
      env = { DATABASE_URL: database.url };
    }
    await withDatabase(env, async (db) => {
      await migrateToLatest(db);
      const province = await createOrgUnit(db, SYSTEM_ACTOR, { parentId: null, level: 'province', code: '510000', name: '四川省' });
      const city = await createOrgUnit(db, SYSTEM_ACTOR, { parentId: province.id, level: 'city', code: '511600', name: '甲市' });
      countyId = (await createOrgUnit(db, SYSTEM_ACTOR, { parentId: city.id, level: 'county', code: '511681', name: '甲县' })).id;
      summaryCountyId = (await createOrgUnit(db, SYSTEM_ACTOR, { parentId: city.id, level: 'county', code: '511682', name: '乙县' })).id;
      const officer = (username: string, orgUnitId: number) =>
        createUser(db, SYSTEM_ACTOR, { role: 'bureau_officer', username, displayName: username, password: 'crash-secret-1', orgUnitId });
      officerId = (await officer('importer', countyId)).id;
      summaryOfficerId = (await officer('writer', summaryCountyId)).id;
      schools = [];
      for (let i = 0; i < SCHOOLS; i++) schools.push(await createSchool(db, SYSTEM_ACTOR, schoolInput(countyId)));
      // The summary county: six schools with a year of approved reports, and a draft summary per round.
      for (let i = 0; i < 6; i++) await createSchool(db, SYSTEM_ACTOR, schoolInput(summaryCountyId));
      for (const quarter of [1, 2, 3, 4]) {
        const period = `${YEAR}Q${quarter}` as Period;
        const result = await importReports(db, SYSTEM_ACTOR, sheetRecords(await countySheet(db, summaryCountyId, [period]), period, quarter), {
          mode: 'approved',
          fileName: `${period}.xlsx`,
          fileHash: fileHashOf(900 + quarter),
        });
        expect(result.errors).toEqual([]);
      }
      // A draft per round, each of its own unit (drafting a unit and year again refreshes its unedited draft): the
      // county's and three of its schools'.
      const ownSchools = await db.selectFrom('schools').select('id').where('countyId', '=', summaryCountyId).orderBy('id').limit(3).execute();
      drafts = [(await draftSummary(db, SYSTEM_ACTOR, { countyId: summaryCountyId, year: YEAR })).id];
      for (const { id } of ownSchools) drafts.push((await draftSchoolSummary(db, SYSTEM_ACTOR, { schoolId: id, year: YEAR })).id);
    });
  }, 300_000);
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  /** On PostgreSQL, the stalled child's transaction is open on the server, its writes not committed. */
  const openTransaction = async () => {
    if (kind !== 'postgres') return;
    const database = new URL(env.DATABASE_URL!).pathname.slice(1);
    // pg_stat_activity is not in the schema's types.
    const sessions = await withDatabase(env, (db) =>
      (db as unknown as Kysely<{ pg_stat_activity: { datname: string; state: string } }>)
        .selectFrom('pg_stat_activity')
        .select('state')
        .where('datname', '=', database)
        .execute(),
    );
    expect(sessions.filter((s) => s.state === 'idle in transaction')).toHaveLength(1);
  };

  it('keeps a county-sheet import entirely stored or entirely absent', async () => {
    const readState = (db: Kysely<Database>) =>
      Promise.all([
        db
          .selectFrom('reports')
          .select(['id', 'schoolId', 'version', 'values'])
          .where('countyId', '=', countyId)
          .where('period', '=', PERIOD)
          .orderBy('schoolId')
          .execute(),
        db
          .selectFrom('auditLog')
          .select(['entityId', 'action', 'before', 'after'])
          .where('entity', '=', 'report')
          .where('countyId', '=', countyId)
          .orderBy('id')
          .execute(),
        db.selectFrom('auditLog').select(['entityId']).where('action', '=', 'import.reports').where('countyId', '=', countyId).execute(),
      ]);
    let reports: Awaited<ReturnType<typeof readState>>[0] = [];
    // The import writes the reports in two batches, then their audit entries in two. Round 1 is killed after the first
    // batch of new reports, round 2 creates them all, round 3 is killed after changing them all and auditing half.
    const plans: Plan[] = [{ stallAfterWrites: 1 }, { complete: true }, { stallAfterWrites: 3 }];
    const outcomes: string[] = [];
    let tookMs = 0;
    for (let round = 1; round <= 5; round++) {
      const plan = plans[round - 1] ?? { delayMs: Math.round(tookMs * (0.4 + 0.6 * Math.random())) };
      const run = await runChild(env, 'import', { userId: officerId, countyId, period: PERIOD, round }, plan, openTransaction);
      if ('complete' in plan) tookMs = run.tookMs;
      const before = new Map(reports.map((r) => [r.schoolId, r]));
      const [after, audit, files] = await withDatabase(env, readState);
      // Every report at its old version and values, or every report one version on with exactly the file's values.
      const unchanged = after.length === reports.length && after.every((r) => before.get(r.schoolId)?.version === r.version);
      if (unchanged) {
        expect(after).toEqual(reports);
      } else {
        expect(after.map((r) => r.schoolId)).toEqual(schools.map((s) => s.id));
        for (const [i, report] of after.entries()) {
          expect(report.version).toBe((before.get(report.schoolId)?.version ?? 0) + 1);
          expect(report.values).toEqual(sheetValues(schools[i]!, PERIOD, round));
        }
      }
      checkAccounted(after, audit);
      expect(files.filter((f) => f.entityId === fileHashOf(round).slice(0, 16))).toHaveLength(unchanged ? 0 : 1);
      if ('stallAfterWrites' in plan) {
        // Killed inside the transaction after writing: nothing of it may survive.
        expect(run).toMatchObject({ stalled: true, done: false, writes: plan.stallAfterWrites });
        expect(unchanged).toBe(true);
      }
      if (run.done) expect(unchanged).toBe(false);
      outcomes.push(`${round}:${describePlan(plan)}/${run.writes}w${run.writes && !run.done ? ' mid-flight' : ''}/${unchanged ? 'before' : 'after'}`);
      reports = after;
    }
    console.log(`[crash ${kind}] import rounds (plan/writes started/state): ${outcomes.join(' ')}`);
  }, 240_000);

  it('leaves a summary a draft with its old content, or final with every frozen figure', async () => {
    const readSummary = (db: Kysely<Database>, id: number) =>
      Promise.all([
        db.selectFrom('summaries').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
        db.selectFrom('summaryVersions').select(['version', 'status']).where('summaryId', '=', id).orderBy('version').execute(),
        db
          .selectFrom('auditLog')
          .select(['action', 'before', 'after'])
          .where('entity', '=', 'summary')
          .where('entityId', '=', String(id))
          .orderBy('id')
          .execute(),
      ]);
    // Each round finalises its own draft, as stored and with the figures it shows live before.
    const before = await withDatabase(env, (db) =>
      Promise.all(drafts.map(async (id) => [(await readSummary(db, id))[0], await getSummary(db, { kind: 'all' }, id)] as const)),
    );
    // The writes: the summary row, its version, the audit entry.
    const plans: Plan[] = [{ complete: true }, { stallAfterWrites: 1 }, { stallAfterWrites: 2 }];
    const outcomes: string[] = [];
    let tookMs = 0;
    for (const [i, id] of drafts.entries()) {
      const [draft, live] = before[i]!;
      expect(draft).toMatchObject({ status: 'draft', version: 1 });
      const plan = plans[i] ?? { delayMs: Math.round(tookMs * (0.4 + 0.6 * Math.random())) };
      const run = await runChild(env, 'finalize', { userId: summaryOfficerId, summaryId: id, version: 1 }, plan, openTransaction);
      if ('complete' in plan) tookMs = run.tookMs;
      const [row, versions, audit] = await withDatabase(env, (db) => readSummary(db, id));
      if (row.status === 'draft') {
        expect(row).toEqual(draft);
        expect(versions).toEqual([{ version: 1, status: 'draft' }]);
        expect(audit.map((a) => a.action)).toEqual(['summary.draft']);
      } else {
        // Every figure the draft showed live is frozen, with the data behind it; the text is the draft's.
        expect(Object.keys(live.figures).length).toBeGreaterThan(0);
        expect(row).toMatchObject({ status: 'final', version: 2, finalizedBy: summaryOfficerId, sections: draft.sections, title: draft.title });
        expect(row.finalizedAt).not.toBeNull();
        expect(row.figures).toEqual(live.figures);
        expect(row.document).toEqual({ basis: live.basis, tables: live.tables, charts: live.charts, issuer: live.issuer });
        expect(versions).toEqual([
          { version: 1, status: 'draft' },
          { version: 2, status: 'final' },
        ]);
        expect(audit.map((a) => a.action)).toEqual(['summary.draft', 'summary.finalize']);
        expect(audit[1]!.after).toMatchObject({ version: 2, status: 'final', figures: Object.keys(live.figures).length });
      }
      if ('stallAfterWrites' in plan) {
        expect(run).toMatchObject({ stalled: true, done: false, writes: plan.stallAfterWrites });
        expect(row.status).toBe('draft');
      }
      if (run.done) expect(row.status).toBe('final');
      outcomes.push(`${i + 1}:${describePlan(plan)}/${run.writes}w${run.writes && !run.done ? ' mid-flight' : ''}/${row.status}`);
    }
    console.log(`[crash ${kind}] finalise rounds (plan/writes started/state): ${outcomes.join(' ')}`);
  }, 240_000);
});
