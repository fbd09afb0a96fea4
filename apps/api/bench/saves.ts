import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { Database, Kysely } from '@oversight/db';
import { addPrincipals } from '@oversight/db/province';
import type { Period } from '@oversight/domain';
import type { Figure } from './report.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface ServerChild {
  port: number;
  reopenMs: number;
  /** The start-up upkeep of the database (VACUUM ANALYZE on PGlite), after reopening. */
  maintainMs: number;
  process: ChildProcess;
  /** Peak resident memory of the server process so far (VmHWM), in MB. */
  peakRssMb(): number;
  /** CPU time the server process has used so far (user + system, every thread), in ms: per request, a figure a busy machine does not move. */
  cpuMs(): number;
  stop(): Promise<void>;
}

/**
 * Starts bench/server-process.ts, compiled like the production server, with the given environment and waits until it listens. With BENCH_PROFILE=<dir>
 * the server writes a V8 CPU profile there when it stops (open it in Chrome DevTools).
 */
let built: string | null = null;

/** bench/server-process.ts compiled the way `pnpm start` runs the server (scripts/build.mjs), once per run. */
function serverBundle(): string {
  if (!built) {
    const out = path.join(here, '../dist/bench-server.mjs');
    execFileSync(process.execPath, [path.join(here, '../scripts/build.mjs'), 'bench/server-process.ts', out], { stdio: 'inherit' });
    built = out;
  }
  return built;
}

export function startServer(env: Record<string, string>): Promise<ServerChild> {
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, serverBundle()], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.once('exit', (code) => reject(new Error(`基准服务器进程退出（${code}）`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((l) => l.startsWith('READY '));
      if (!line) return;
      const { port, reopenMs, maintainMs } = JSON.parse(line.slice(6)) as { port: number; reopenMs: number; maintainMs: number };
      resolve({
        port,
        reopenMs,
        maintainMs,
        process: child,
        peakRssMb: () => {
          const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
          return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
        },
        cpuMs: () => {
          // Fields 14 and 15 of /proc/<pid>/stat (after the command name in parentheses), in clock ticks of 10 ms.
          const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
          return (Number(fields[11]) + Number(fields[12])) * 10;
        },
        stop: () =>
          new Promise((done) => {
            child.removeAllListeners('exit');
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

const base = (port: number) => `http://127.0.0.1:${port}`;

/**
 * A county's principals for the save runs (added once, kept), ready to sign in: each run signs them all in from
 * 127.0.0.1, so the sign-in counters of earlier runs (kept in the database) are cleared or `--reuse` would be throttled.
 */
export async function savingPrincipals(db: Kysely<Database>, countyId: number, password: string, count: number) {
  const principals = await addPrincipals(db, countyId, password, count);
  await db.deleteFrom('attemptCounters').execute();
  return principals;
}

export async function login(port: number, username: string, password: string): Promise<string> {
  const response = await fetch(`${base(port)}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ json: { username, password } }),
  });
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('oversight_session='));
  if (!response.ok || !cookie) throw new Error(`登录失败（${username}）：${response.status} ${await response.text()}`);
  return cookie.split(';')[0]!;
}

export async function getReport(port: number, cookie: string, schoolId: number, period: Period) {
  const input = encodeURIComponent(JSON.stringify({ json: { schoolId, period } }));
  const response = await fetch(`${base(port)}/trpc/reports.get?input=${input}`, { headers: { cookie } });
  if (!response.ok) throw new Error(`读取报表失败：${response.status} ${await response.text()}`);
  return ((await response.json()) as { result: { data: { json: { version: number; status: string; values: Record<string, unknown> } } } }).result.data.json;
}

export interface Writer {
  schoolId: number;
  cookie: string;
  version: number;
  values: Record<string, unknown>;
}

/** The principals whose report of `period` is still editable, signed in, each with last quarter's values to save. */
export async function draftWriters(
  port: number,
  principals: readonly { schoolId: number; username: string }[],
  password: string,
  period: Period,
  previous: Period,
): Promise<Writer[]> {
  const writers: Writer[] = [];
  for (const p of principals) {
    const cookie = await login(port, p.username, password);
    const now = await getReport(port, cookie, p.schoolId, period);
    if (now.status !== 'draft' && now.status !== 'returned') continue;
    const before = await getReport(port, cookie, p.schoolId, previous);
    writers.push({ schoolId: p.schoolId, cookie, version: now.version, values: before.values });
  }
  if (!writers.length) throw new Error('没有可保存的草稿报表');
  return writers;
}

/** The error code of a refused tRPC call (CONFLICT, BAD_REQUEST…), else the HTTP status. */
export const failureCode = (status: number, body: string) => /"code":"([A-Z_]+)"/.exec(body)?.[1] ?? String(status);

/**
 * Each writer's version read again: a run's last requests are cut off when it ends, so the versions they wrote never
 * reached their writers (a later run would otherwise start with stale versions and be refused).
 */
export async function refreshVersions(port: number, writers: readonly Writer[], period: Period): Promise<void> {
  for (const w of writers) w.version = (await getReport(port, w.cookie, w.schoolId, period)).version;
}

/** Which save the writers make: the form's full save (answered with the whole report view) or its autosave (the version). */
export type SaveProcedure = 'save' | 'autosave';

/**
 * Autocannon options for saves: one writer per connection for the whole run, each saving its school's report of
 * `period` again and again (about 45 values, one figure changed each time) with the version the last answer returned.
 * autocannon resets a request's context after every request, so the writer is bound in setupClient (each client gets
 * its own request closure) rather than kept in the context.
 */
export function autosaves(
  writers: readonly Writer[],
  period: Period,
  onAnswer: (status: number, body: string) => void,
  procedure: SaveProcedure = 'autosave',
): Pick<autocannon.Options, 'connections' | 'setupClient' | 'requests'> {
  let next = 0;
  let bump = 0;
  const saveRequest = (w: Writer): autocannon.Request => ({
    method: 'POST',
    path: `/trpc/reports.${procedure}`,
    setupRequest: (request) => {
      const values = { ...w.values, electricity_kwh: Number(w.values.electricity_kwh ?? 1000) + (++bump % 50) };
      return {
        ...request,
        headers: { ...request.headers, 'content-type': 'application/json', cookie: w.cookie },
        body: JSON.stringify({ json: { schoolId: w.schoolId, period, version: w.version, values } }),
      };
    },
    onResponse: (status, body) => {
      onAnswer(status, body);
      const match = status === 200 ? /"version":(\d+)/.exec(body) : null;
      if (match) w.version = Number(match[1]);
    },
  });
  return {
    connections: writers.length,
    setupClient: (client) => client.setRequests([saveRequest(writers[next++ % writers.length]!)]),
    requests: [saveRequest(writers[0]!)],
  };
}

export interface SaveTargets {
  rate: number;
  p99?: number;
  /** Which save (default the autosave). */
  procedure?: SaveProcedure;
  /** Add a row of failed saves (target 0). */
  failures?: boolean;
}

/** Report saves over HTTP, as fast as the server answers: throughput, latency and failures (a refused save is one). */
export async function saveThroughput(
  port: number,
  principals: readonly { schoolId: number; username: string }[],
  password: string,
  period: Period,
  previous: Period,
  seconds: number,
  label: string,
  targets: SaveTargets,
  signedIn?: Writer[],
  cpuMs?: () => number,
): Promise<Figure[]> {
  const writers = signedIn ?? (await draftWriters(port, principals, password, period, previous));
  let failures = 0;
  const failedBy = new Map<string, number>();
  let failureSample = '';
  const save = autosaves(
    writers,
    period,
    (status, body) => {
      if (status === 200) return;
      failures += 1;
      const code = failureCode(status, body);
      failedBy.set(code, (failedBy.get(code) ?? 0) + 1);
      failureSample ||= body.slice(0, 300);
    },
    targets.procedure,
  );
  const cpuBefore = cpuMs?.() ?? Number.NaN;
  const result = await autocannon({ url: base(port), pipelining: 1, duration: seconds, ...save });
  const cpuPerSave = ((cpuMs?.() ?? Number.NaN) - cpuBefore) / Math.max(1, result['2xx']);
  const saves = result['2xx'];
  const rate = saves / (result.duration || seconds);
  const causes = [...failedBy].map(([code, n]) => `${code} ${n}`).join('、');
  if (failureSample) process.stdout.write(`  保存失败示例：${failureSample}\n`);
  const failed = failures + result.errors + result.timeouts;
  const cpu = Number.isNaN(cpuPerSave) ? '' : `，服务器 CPU ${cpuPerSave.toFixed(2)} ms/次（负载 ${loadavg()[0]!.toFixed(1)}）`;
  const note = `${writers.length} 个并发客户端，${seconds} 秒，${saves} 次保存，${failed} 次失败${causes ? `（${causes}）` : ''}${cpu}`;
  return [
    { name: `报表保存吞吐（${label}）`, median: rate, p95: rate, samples: saves, unit: 'saves/s', target: { atLeast: targets.rate }, baseline: null, note },
    ...(targets.p99 !== undefined
      ? [
          {
            name: `报表保存延迟 p50 / p99（${label}）`,
            median: result.latency.p50,
            p95: result.latency.p99,
            samples: saves,
            unit: 'ms' as const,
            target: { p95AtMost: targets.p99 },
            baseline: null,
            note: 'p95 一栏为 p99',
          },
        ]
      : []),
    ...(targets.failures
      ? [
          {
            name: `报表保存失败（${label}）`,
            median: failed,
            p95: failed,
            samples: saves + failed,
            unit: 'count' as const,
            target: { p95AtMost: 0 },
            baseline: null,
            note: causes || '无',
          },
        ]
      : []),
  ];
}
