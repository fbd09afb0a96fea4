import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPostgresDatabase, databaseKinds } from '@oversight/db/testing';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Kills the real server process (SIGKILL, no chance to clean up) while saves are in flight, restarts it on the
 * same data and checks that every report is entirely before or entirely after each save: its stored values
 * match its version, and the audit log holds exactly one entry per stored change.
 */
const APP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ADMIN = { username: 'crash-admin', password: 'crash-secret-1' };

interface Running {
  process: ChildProcess;
  base: string;
}

function startServer(env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'start'], {
    cwd: APP_DIR,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DEMO: '0', ADMIN_USERNAME: ADMIN.username, ADMIN_PASSWORD: ADMIN.password, WEB_DIR: path.join(APP_DIR, 'no-web'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /http:\/\/localhost:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ process: child, base: `http://127.0.0.1:${match[1]}` });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}):\n${output}`));
    });
  });
}

function kill(running: Running): Promise<void> {
  return new Promise((resolve) => {
    if (running.process.exitCode !== null || running.process.signalCode !== null) return resolve();
    running.process.removeAllListeners('exit');
    running.process.once('exit', () => resolve());
    running.process.kill('SIGKILL');
  });
}

/** A minimal tRPC-over-HTTP client (superjson wire format, same-origin JSON POSTs) with a session cookie. */
function client(base: string) {
  let cookie = '';
  async function call(kind: 'query' | 'mutation', name: string, input: unknown) {
    const response =
      kind === 'query'
        ? await fetch(`${base}/trpc/${name}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, { headers: { cookie } })
        : await fetch(`${base}/trpc/${name}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', origin: base, cookie },
            body: JSON.stringify({ json: input }),
          });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) cookie = setCookie.split(';')[0]!;
    const body = (await response.json()) as { result?: { data: { json: any } }; error?: { json: { message: string } } };
    if (body.error) throw Object.assign(new Error(body.error.json.message), { status: response.status });
    return body.result!.data.json;
  }
  return { query: (name: string, input?: unknown) => call('query', name, input), mutate: (name: string, input: unknown) => call('mutation', name, input) };
}

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
      const school = await api.mutate('schools.create', {
        countyId: county.id, code: `215100000${i}`, name: `崩溃测试小学${i}`, type: 'primary', ownership: 'public',
        location: 'rural', boarding: false, buildingAreaM2: 3000, siteAreaM2: 8000, hasCanteen: true,
      });
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
          const saved = await api.mutate('reports.save', { schoolId, period, version, values: { students_enrolled: 500, staff_count: 40, electricity_kwh: next, water_m3: next * 2 } });
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
