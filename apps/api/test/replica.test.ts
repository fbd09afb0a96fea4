import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileSystemEvidenceStore, migrateToLatest, openDatabase, saveReport, submitReport, SYSTEM_ACTOR, type DatabaseHandle } from '@oversight/db';
import { completeValues, createPostgresDatabase, databaseKinds } from '@oversight/db/testing';
import type { Period } from '@oversight/domain';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replicaProblem, startReplica, type Replica } from '../bench/replica.js';
import { buildServer, SESSION_COOKIE } from '../src/server.js';
import { bytes, county, countyColumn, countyRow, HOST, ORIGIN, QUARTER, upload, workbookOf } from './files-support.js';

/**
 * A real streaming replica of the local PostgreSQL (pg_basebackup into a temporary directory, a hot standby on another
 * loopback port) behind DATABASE_READ_URL: dashboards read it, everything else the primary, and a review decision or
 * an import answers only once the replica shows it. Mandatory under REQUIRE_POSTGRES=1 / CI (`.ci/run` allows the
 * replication connection); on a machine without PostgreSQL or its tools it is skipped with a notice.
 */
const PRIMARY = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const required = process.env.REQUIRE_POSTGRES === '1' || process.env.CI === 'true';
const postgres = (await databaseKinds()).includes('postgres');
const problem = postgres ? await replicaProblem(PRIMARY) : 'PostgreSQL not reachable';
if (problem && required) throw new Error(`A read replica cannot be made here (REQUIRE_POSTGRES=1): ${problem}`);
if (problem) console.warn(`replica.test.ts skipped: ${problem}`);

const period: Period = '2026Q1';
const WAIT_MS = 1000;

describe.skipIf(problem !== null)(`a streaming replica behind DATABASE_READ_URL${problem ? ` [SKIPPED: ${problem}]` : ''}`, () => {
  let replica: Replica;
  let drop: () => Promise<void>;
  let handle: DatabaseHandle;
  let standby: pg.Client;
  let viaReplica: FastifyInstance;
  let onPrimary: FastifyInstance;
  let setup: Awaited<ReturnType<typeof county>>;

  beforeAll(async () => {
    replica = await startReplica(PRIMARY);
    const database = await createPostgresDatabase();
    drop = database.drop;
    const name = new URL(database.url).pathname.slice(1);
    // The new database reaches the standby by replication: wait until it can be opened there.
    for (let tries = 0; ; tries++) {
      standby = new pg.Client({ connectionString: replica.url(name) });
      try {
        await standby.connect();
        break;
      } catch (error) {
        if (tries > 200) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    handle = await openDatabase({ databaseUrl: database.url, readUrl: replica.url(name), readWaitMs: WAIT_MS, poolSize: 4 });
    await migrateToLatest(handle.db);
    setup = await county(handle);
    for (const school of [setup.primary, setup.noCanteen, setup.vocational, setup.foreign]) {
      // A full quarter: the known-good figures where they apply to the school, the lowest valid values elsewhere.
      const applicable = completeValues(school, period, {});
      const values = { ...applicable, ...Object.fromEntries(Object.entries(QUARTER).filter(([code]) => code in applicable)) };
      const saved = await saveReport(handle.db, SYSTEM_ACTOR, { schoolId: school.id, period, version: 0, values });
      await submitReport(handle.db, SYSTEM_ACTOR, { schoolId: school.id, period, version: saved.version });
    }
    expect(await handle.replica!.catchUp()).toMatchObject({ caughtUp: true });
    const options = { webDir: mkdtempSync(path.join(tmpdir(), 'oversight-web-')), cookieSecure: false, trustProxy: [], costLimits: null };
    const evidenceStore = new FileSystemEvidenceStore(mkdtempSync(path.join(tmpdir(), 'oversight-evidence-')));
    viaReplica = await buildServer({ ...options, db: handle.db, replica: handle.replica!, evidenceStore });
    onPrimary = await buildServer({ ...options, db: handle.db, evidenceStore });
  }, 180_000);

  afterAll(async () => {
    await viaReplica?.close();
    await onPrimary?.close();
    await standby?.query('select pg_wal_replay_resume()').catch(() => {});
    await standby?.end().catch(() => {});
    await handle?.close();
    await drop?.();
    await replica?.stop();
  }, 60_000);

  async function query(app: FastifyInstance, token: string, name: string, input: unknown) {
    const response = await app.inject({
      method: 'GET',
      url: `/trpc/${name}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
      cookies: { [SESSION_COOKIE]: token },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json().result.data.json;
  }
  async function mutate(app: FastifyInstance, token: string, name: string, input: unknown) {
    const started = performance.now();
    const response = await app.inject({
      method: 'POST',
      url: `/trpc/${name}`,
      headers: { 'content-type': 'application/json', host: HOST, origin: ORIGIN },
      cookies: { [SESSION_COOKIE]: token },
      payload: JSON.stringify({ json: input }),
    });
    expect(response.statusCode, response.body).toBe(200);
    return performance.now() - started;
  }
  const overview = (app: FastifyInstance, token: string, countyId: number) => query(app, token, 'analytics.overview', { countyId, year: 2026 });
  const startedIn = (answer: { completeness: { period: string; inProgress: number }[] }, p: Period) =>
    answer.completeness.find((c) => c.period === p)!.inProgress;
  const approvedIn = (answer: { completeness: { period: string; approved: number }[] }, p: Period = period) =>
    answer.completeness.find((c) => c.period === p)!.approved;

  it('reads dashboards on the replica and the report on the primary; kept figures are written to the primary', async () => {
    const officer = setup.sessions.officerA;
    await standby.query('select pg_wal_replay_pause()');
    try {
      // Approved on a server without the replica: it does not wait, and the paused standby cannot show it.
      await mutate(onPrimary, officer, 'reports.approve', { schoolId: setup.primary.id, period, version: 2 });
      const stale = await overview(viaReplica, officer, setup.countyA.id);
      const current = await overview(onPrimary, officer, setup.countyA.id);
      expect(approvedIn(stale)).toBe(0);
      expect(approvedIn(current)).toBe(1);
      const league = await query(viaReplica, officer, 'analytics.ranking', { countyId: setup.countyA.id, year: 2026, indicator: 'liability_rate' });
      expect(league).toBeTruthy();
      // What must see its own write reads the primary even through the replica's server.
      const report = await query(viaReplica, officer, 'reports.get', { schoolId: setup.primary.id, period });
      expect(report.status).toBe('approved');
      // The standby is read-only: the figures the dashboard reads computed were kept on the primary.
      const kept = await handle.db.selectFrom('countyFigures').select('countyId').where('countyId', '=', setup.countyA.id).execute();
      expect(kept.length).toBeGreaterThan(0);
    } finally {
      await standby.query('select pg_wal_replay_resume()');
    }
    await handle.replica!.catchUp();
    expect(await overview(viaReplica, officer, setup.countyA.id)).toEqual(await overview(onPrimary, officer, setup.countyA.id));
    // A summary draft reads its figures on the replica and stores the draft on the primary.
    await mutate(viaReplica, officer, 'summaries.draft', { countyId: setup.countyA.id, year: 2026, upToQuarter: 1 });
    const drafts = await handle.db.selectFrom('summaries').select('id').where('countyId', '=', setup.countyA.id).execute();
    expect(drafts).toHaveLength(1);
  }, 60_000);

  it('answers an approval, a return and an import only once the replica’s dashboards show them', async () => {
    const officer = setup.sessions.officerA;
    const before = await overview(viaReplica, officer, setup.countyA.id);
    // A replica 300 ms behind (replaying each commit 300 ms after it was made), as under load: without the wait, the
    // dashboards read straight after each answer below would not show it yet.
    await delayReplay('300ms');
    try {
      await fresh(officer, before);
    } finally {
      await delayReplay('0');
    }
  }, 60_000);

  async function delayReplay(delay: string) {
    await standby.query(`alter system set recovery_min_apply_delay = '${delay}'`);
    await standby.query('select pg_reload_conf()');
    // The setting is read by the startup process on reload: wait until the standby's sessions see it too.
    for (let tries = 0; tries < 100; tries++) {
      const { rows } = await standby.query("select current_setting('recovery_min_apply_delay') as d");
      if (rows[0].d === (delay === '0' ? '0' : delay)) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function fresh(officer: string, before: Parameters<typeof approvedIn>[0]) {
    const took = await mutate(viaReplica, officer, 'reports.approve', { schoolId: setup.noCanteen.id, period, version: 2 });
    // It waited for the replica, and the replica caught up within the second (an approval visible within 1 s).
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(WAIT_MS);
    const approved = await overview(viaReplica, officer, setup.countyA.id);
    expect(approvedIn(approved)).toBe(approvedIn(before) + 1);
    expect(approved).toEqual(await overview(onPrimary, officer, setup.countyA.id));

    const withSubmitted = { countyId: setup.countyA.id, year: 2026, includeSubmitted: true };
    await mutate(viaReplica, officer, 'reports.returnForRevision', { schoolId: setup.vocational.id, period, version: 2, reason: '请核对用电量。' });
    expect(await query(viaReplica, officer, 'analytics.overview', withSubmitted)).toEqual(await query(onPrimary, officer, 'analytics.overview', withSubmitted));

    // A county sheet imported (a draft for a school that had none): on the replica's dashboards when the upload is answered.
    const quarter: Period = '2026Q2';
    const template = await viaReplica.inject({
      method: 'GET',
      url: `/api/templates/county-reports.xlsx?countyId=${setup.countyA.id}&period=${quarter}`,
      cookies: { [SESSION_COOKIE]: officer },
    });
    const workbook = await workbookOf(template.rawPayload);
    const sheet = workbook.getWorksheet('全县汇总')!;
    sheet.getCell(countyRow(sheet, setup.vocational), countyColumn(sheet, 'electricity_kwh')).value = 800;
    const imported = await upload(viaReplica, officer, await bytes(workbook), { mode: 'draft' });
    expect(imported.statusCode, imported.body).toBe(200);
    const second = { countyId: setup.countyA.id, year: 2026, quarter: 2 };
    const after = await query(viaReplica, officer, 'analytics.overview', second);
    expect(startedIn(after, quarter)).toBe(1);
    expect(after).toEqual(await query(onPrimary, officer, 'analytics.overview', second));
  }

  it('holds an approval at most DATABASE_READ_WAIT_MS for a replica that has stopped replaying', async () => {
    const officer = setup.sessions.officerB;
    await standby.query('select pg_wal_replay_pause()');
    try {
      const took = await mutate(viaReplica, officer, 'reports.approve', { schoolId: setup.foreign.id, period, version: 2 });
      expect(took).toBeGreaterThanOrEqual(WAIT_MS - 10);
      expect(took).toBeLessThan(WAIT_MS + 5000);
      expect(approvedIn(await overview(viaReplica, officer, setup.countyB.id))).toBe(0);
    } finally {
      await standby.query('select pg_wal_replay_resume()');
    }
    await handle.replica!.catchUp();
    expect(approvedIn(await overview(viaReplica, officer, setup.countyB.id))).toBe(1);
  }, 60_000);
});
