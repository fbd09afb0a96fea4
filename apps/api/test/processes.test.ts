import { execFileSync } from 'node:child_process';
import { openDatabase, type DatabaseHandle } from '@oversight/db';
import { completeValues, createPostgresDatabase, databaseKinds } from '@oversight/db/testing';
import type { Period } from '@oversight/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytes, county, countyColumn, countyRow, QUARTER, workbookOf } from './files-support.js';
import { kill, startServer, type Running } from './processes.js';

/**
 * Several API processes on one PostgreSQL: what must hold across processes holds. (PGlite is one process's
 * database, so this runs on PostgreSQL only; CI makes it mandatory.)
 */
const ADMIN = { username: 'multi-admin', password: 'multi-secret-1' };
const kinds = await databaseKinds();
const postgres = kinds.includes('postgres');

/** A signed-in caller of one server process (the session, kept in the database, is good on every process). */
function caller(server: Running, token: string) {
  const headers = { origin: server.base, cookie: `oversight_session=${token}` };
  return {
    async call(kind: 'query' | 'mutation', name: string, input: unknown): Promise<{ status: number; data: unknown; message?: string }> {
      const response =
        kind === 'query'
          ? await fetch(`${server.base}/trpc/${name}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, { headers })
          : await fetch(`${server.base}/trpc/${name}`, {
              method: 'POST',
              headers: { ...headers, 'content-type': 'application/json' },
              body: JSON.stringify({ json: input }),
            });
      const body = (await response.json()) as { result?: { data: { json: unknown } }; error?: { json: { message: string } } };
      return body.error ? { status: response.status, data: null, message: body.error.json.message } : { status: response.status, data: body.result!.data.json };
    },
    async download(url: string): Promise<Buffer> {
      const response = await fetch(`${server.base}${url}`, { headers });
      expect(response.status).toBe(200);
      return Buffer.from(await response.arrayBuffer());
    },
    async upload(file: Buffer): Promise<{ status: number; body: { stored?: number; error?: { rule: string } } }> {
      const form = new FormData();
      form.append('mode', 'draft');
      form.append('file', new Blob([new Uint8Array(file)]), 'county.xlsx');
      const response = await fetch(`${server.base}/api/import/reports`, { method: 'POST', headers, body: form });
      return { status: response.status, body: (await response.json()) as { stored?: number; error?: { rule: string } } };
    },
  };
}

/** The audit entries of one report, oldest first: action and the version each produced. */
async function reportAudit(handle: DatabaseHandle, reportId: number) {
  const rows = await handle.db
    .selectFrom('auditLog')
    .select(['action', 'after'])
    .where('entity', '=', 'report')
    .where('entityId', '=', String(reportId))
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ action: r.action, version: (r.after as { version: number }).version }));
}

describe.skipIf(!postgres)('two server processes on one PostgreSQL', () => {
  const servers: Running[] = [];
  let drop: (() => Promise<void>) | undefined;
  let handle: DatabaseHandle;
  let setup: Awaited<ReturnType<typeof county>>;
  beforeAll(async () => {
    const database = await createPostgresDatabase();
    drop = database.drop;
    // Started together on an empty database: one migrates and creates the admin under the start-up lock, the other
    // waits and finds both done (without the lock, both would create the admin and one would exit).
    servers.push(...(await Promise.all([startServer({ DATABASE_URL: database.url }, ADMIN), startServer({ DATABASE_URL: database.url }, ADMIN)])));
    handle = await openDatabase({ databaseUrl: database.url, poolSize: 3 });
    setup = await county(handle);
  }, 180_000);
  afterAll(async () => {
    for (const server of servers) await kill(server);
    await handle?.close();
    await drop?.();
  });

  it('start together on an empty database: the schema once, the admin once', async () => {
    const admins = await handle.db.selectFrom('users').select('id').where('username', '=', ADMIN.username).execute();
    expect(admins).toHaveLength(1);
    const migrations = await handle.db
      .selectFrom('kyselyMigration' as never)
      .selectAll()
      .execute();
    expect(new Set(migrations.map((m) => (m as { name: string }).name)).size).toBe(migrations.length);
  });

  it('hold one account to its sign-in limit together, whichever process each attempt reaches', async () => {
    const attempt = (i: number) =>
      fetch(`${servers[i % 2]!.base}/trpc/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: servers[i % 2]!.base },
        body: JSON.stringify({ json: { username: ADMIN.username, password: 'wrong-guess-1' } }),
      }).then((r) => r.status);
    const statuses = await Promise.all(Array.from({ length: 12 }, (_, i) => attempt(i)));
    // Five guesses reach a password check (401); the other seven are refused unchecked. (Guesses only: the right
    // password, once checked, would start the counters again, and the result would hang on the order served.)
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
    expect(statuses.filter((s) => s === 401 || s === 200)).toHaveLength(5);
  }, 60_000);

  const period: Period = '2026Q1';

  it('race saves of one report across the processes: one winner per version, every version audited once', async () => {
    const principals = servers.map((s) => caller(s, setup.sessions.principal));
    let version = 0;
    const rounds = 8;
    for (let round = 0; round < rounds; round++) {
      const answers = await Promise.all(
        principals.map((p, i) =>
          p.call('mutation', 'reports.autosave', {
            schoolId: setup.primary.id,
            period,
            version,
            values: completeValues(setup.primary, period, { ...QUARTER, electricity_kwh: 1000 + round * 10 + i }),
          }),
        ),
      );
      const won = answers.filter((a) => a.status === 200);
      expect(won, JSON.stringify(answers)).toHaveLength(1);
      expect(answers.find((a) => a.status !== 200)!.status).toBe(409);
      version = (won[0]!.data as { version: number }).version;
      expect(version).toBe(round + 1);
    }
    const report = await handle.db
      .selectFrom('reports')
      .selectAll()
      .where('schoolId', '=', setup.primary.id)
      .where('period', '=', period)
      .executeTakeFirstOrThrow();
    expect(report.version).toBe(rounds);
    expect(await reportAudit(handle, report.id)).toEqual(Array.from({ length: rounds }, (_, i) => ({ action: 'report.save', version: i + 1 })));
  }, 120_000);

  it('race an approval and a return of one submitted report: one decision stands, dashboards on both agree', async () => {
    const [principalA] = servers.map((s) => caller(s, setup.sessions.principal));
    const officers = servers.map((s) => caller(s, setup.sessions.officerA));
    const overview = (i: number) => officers[i]!.call('query', 'analytics.overview', { countyId: setup.countyA.id, year: 2026 });
    const before = await overview(1);
    const current = await handle.db
      .selectFrom('reports')
      .selectAll()
      .where('schoolId', '=', setup.primary.id)
      .where('period', '=', period)
      .executeTakeFirstOrThrow();
    const submitted = await principalA!.call('mutation', 'reports.submit', { schoolId: setup.primary.id, period, version: current.version });
    expect(submitted.status).toBe(200);
    const version = current.version + 1;
    const [approve, giveBack] = await Promise.all([
      officers[0]!.call('mutation', 'reports.approve', { schoolId: setup.primary.id, period, version }),
      officers[1]!.call('mutation', 'reports.returnForRevision', { schoolId: setup.primary.id, period, version, reason: '请核对用电量数据。' }),
    ]);
    expect([approve.status, giveBack.status].sort()).toEqual([200, 409]);
    const report = await handle.db.selectFrom('reports').selectAll().where('id', '=', current.id).executeTakeFirstOrThrow();
    expect(report.status).toBe(approve.status === 200 ? 'approved' : 'returned');
    expect(report.version).toBe(version + 1);
    const audit = await reportAudit(handle, report.id);
    expect(audit.slice(-2)).toEqual([
      { action: 'report.submit', version },
      { action: approve.status === 200 ? 'report.approve' : 'report.return', version: version + 1 },
    ]);
    // Kept dashboard figures are checked against the data on every read, whichever process kept them.
    const after = [await overview(0), await overview(1)];
    expect(after[0]!.status).toBe(200);
    expect(JSON.stringify(after[0]!.data)).toBe(JSON.stringify(after[1]!.data));
    if (approve.status === 200) expect(JSON.stringify(after[1]!.data)).not.toBe(JSON.stringify(before.data));
  }, 120_000);

  it('race two imports of the same county sheet: one is stored whole, the other refused whole', async () => {
    const quarter: Period = '2026Q2';
    const [officerA, officerB] = servers.map((s) => caller(s, setup.sessions.officerA));
    const template = await officerA!.download(`/api/templates/county-reports.xlsx?countyId=${setup.countyA.id}&period=${quarter}`);
    const files = await Promise.all(
      [800, 900].map(async (kwh) => {
        const workbook = await workbookOf(template);
        const sheet = workbook.getWorksheet('全县汇总')!;
        const column = countyColumn(sheet, 'electricity_kwh');
        sheet.getCell(countyRow(sheet, setup.vocational), column).value = kwh;
        sheet.getCell(countyRow(sheet, setup.noCanteen), column).value = kwh + 1;
        return bytes(workbook);
      }),
    );
    const answers = await Promise.all([officerA!.upload(files[0]!), officerB!.upload(files[1]!)]);
    // The loser is refused as a conflict: 409 when both were writing at once (its insert met the winner's), 422 when it
    // read the reports after the winner had stored them (its rows' versions are stale).
    const loser = answers.find((a) => a.status !== 200);
    expect(
      answers.filter((a) => a.status === 200),
      JSON.stringify(answers),
    ).toHaveLength(1);
    expect([409, 422]).toContain(loser!.status);
    expect(loser!.body).toMatchObject({ stored: 0, error: { rule: 'conflict' } });
    const winner = answers[0]!.status === 200 ? 800 : 900;
    const stored = await handle.db.selectFrom('reports').selectAll().where('period', '=', quarter).orderBy('schoolId').execute();
    expect(stored.map((r) => [r.schoolId, r.version, (r.values as { electricity_kwh: number }).electricity_kwh])).toEqual(
      [
        [setup.noCanteen.id, 1, winner + 1],
        [setup.vocational.id, 1, winner],
      ].sort((a, b) => a[0]! - b[0]!),
    );
    for (const r of stored) expect(await reportAudit(handle, r.id)).toEqual([{ action: 'report.import', version: 1 }]);
    const imported = await handle.db.selectFrom('auditLog').select('id').where('action', '=', 'import.reports').execute();
    expect(imported).toHaveLength(1);
  }, 120_000);

  it('remind a county from both processes at once: each school once', async () => {
    const quarter: Period = '2026Q3';
    const officers = servers.map((s) => caller(s, setup.sessions.officerA));
    const answers = await Promise.all(officers.map((o) => o.call('mutation', 'reports.remindMissing', { countyId: setup.countyA.id, period: quarter })));
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const schools = await handle.db.selectFrom('schools').select('id').where('countyId', '=', setup.countyA.id).execute();
    const reminded = answers.map((a) => (a.data as { reminded: number }).reminded);
    expect(reminded.reduce((a, b) => a + b, 0)).toBe(schools.length);
    const rows = await handle.db.selectFrom('reminders').select('schoolId').where('period', '=', quarter).execute();
    expect(rows.map((r) => r.schoolId).sort()).toEqual(schools.map((s) => s.id).sort());
  }, 60_000);
});

describe('WORKERS=N on the embedded database', () => {
  it('is refused, naming the setting and the fix', async () => {
    await expect(startServer({ WORKERS: '2', DATA_DIR: 'memory://' }, ADMIN)).rejects.toThrow(/WORKERS.*DATABASE_URL/s);
  }, 60_000);
});

describe.skipIf(!postgres)('WORKERS=N', () => {
  it('runs N processes on one port over one PostgreSQL', async () => {
    const database = await createPostgresDatabase();
    const running = await startServer({ DATABASE_URL: database.url, WORKERS: '2' }, ADMIN);
    try {
      const answers = await Promise.all(Array.from({ length: 6 }, () => fetch(`${running.base}/healthz`).then((r) => r.status)));
      expect(answers).toEqual(Array(6).fill(200));
      const signIn = await fetch(`${running.base}/trpc/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: running.base },
        body: JSON.stringify({ json: { username: ADMIN.username, password: ADMIN.password } }),
      });
      expect(signIn.status).toBe(200);
      // Two workers under the supervisor; one that dies is replaced, and the port keeps answering meanwhile.
      const first = workersOf(running);
      expect(first).toHaveLength(2);
      process.kill(first[0]!, 'SIGKILL');
      // Until the supervisor has reaped it, the killed worker is still listed: wait for two workers without it.
      const replaced = () => {
        const now = workersOf(running);
        return now.length === 2 && !now.includes(first[0]!);
      };
      await expect.poll(replaced, { timeout: 60_000, interval: 500 }).toBe(true);
      expect((await fetch(`${running.base}/healthz`)).status).toBe(200);
    } finally {
      await stop(running);
      await database.drop();
    }
  }, 120_000);
});

/**
 * The worker processes of a WORKERS=N server: its supervisor's node children (tsx, which runs the source here, may
 * keep esbuild helpers as children too).
 */
function workersOf(running: Running): number[] {
  return execFileSync('ps', ['--ppid', String(running.process.pid), '-o', 'pid=,comm='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([pid, command]) => Number(pid) > 0 && command === 'node')
    .map(([pid]) => Number(pid));
}

/** SIGTERM to the supervisor: it stops its workers and exits (no worker left holding the database). */
function stop(running: Running): Promise<number | null> {
  return new Promise((resolve) => {
    running.process.removeAllListeners('exit');
    running.process.once('exit', (code) => resolve(code));
    running.process.kill('SIGTERM');
  });
}
