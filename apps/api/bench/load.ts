/**
 * `pnpm load-test`: a bounded load test on loopback (issue 8). For each database — PostgreSQL (a fresh
 * `oversight_load` holding the demo county) and PGlite (a copy of the bench's embedded demo county) — the real
 * server runs in a process of its own while principals autosave their drafts and the bureau reads its dashboards
 * (overview, league table, review queue, a school's report) at fixed rates for a few minutes. It passes when every
 * request answered 2xx and the server's resident memory stayed flat (the last third of the run within 10 % of the
 * first third, after a warm-up). Then the document stall (bench/documents.ts): /healthz latency while the county's
 * summary is downloaded as Word, two at a time; it passes when no /healthz answer took longer than STALL_LIMIT_MS
 * (generation runs in a worker thread: the server's own thread stays free). Then (issue 13) a large but legal
 * workbook, 9.6 MB that unpacks to 93 MB, is uploaded three times with and three times without ?annotate=1, each to a
 * fresh server, while /healthz is polled (bench/import-memory.ts): it passes with the server's memory growth at most
 * 300 MB and /healthz at most 200 ms (medians of the runs). Prints a table and exits non-zero on failure. Never part
 * of `pnpm test`. With the documents, requests nested thousands of levels deep (bench/hostile-requests.ts) are sent
 * at once while /healthz is polled: all refused with 4xx, /healthz never slower than 200 ms, memory flat.
 *
 *   pnpm load-test                      # 3 minutes per database, then the large-workbook import
 *   pnpm load-test --imports only --only postgres --import-runs 3
 *   pnpm load-test --imports only --import-rows 4997 --import-columns 40   # a county sheet at the row cap
 *   pnpm load-test --minutes 1 --only pglite --save-rate 100 --read-rate 10
 *   pnpm load-test --documents-only     # only the document stall (half a minute per database)
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { openDatabase } from '@oversight/db';
import { previousPeriod } from '@oversight/domain';
import { BENCH_PASSWORD, freshDatabase } from './database.js';
import { DEMO_DIR, demoDirectory, seedDemo, type Manifest } from './embedded.js';
import { documentStall } from './documents.js';
import { hostileRequests } from './hostile-requests.js';
import { importMemory } from './import-memory.js';
import { autosaves, draftWriters, failureCode, login, startServer, type ServerChild } from './saves.js';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '3' },
    only: { type: 'string' },
    'save-rate': { type: 'string' },
    'read-rate': { type: 'string' },
    'documents-only': { type: 'boolean', default: false },
    /** only: just the large-workbook import (issue 13); skip: leave it out. */
    imports: { type: 'string', default: 'run' },
    'import-runs': { type: 'string', default: '3' },
    /** Rows of the generated county sheet (default 262,000: 93 MB unzipped); 5000 is a sheet at the row cap. */
    'import-rows': { type: 'string' },
    /** Numeric indicator columns of the generated sheet (default 6; up to all of the catalogue's). */
    'import-columns': { type: 'string' },
  },
});
/**
 * The longest /healthz may wait while documents are generated. Generated on the server's own thread, one demo-county
 * .docx held it 2.4–2.7 s; in the worker the wait is the server's own short work per download (session, limit,
 * loading the summary: PGlite runs those queries on the same thread) plus the machine's scheduling.
 */
const STALL_LIMIT_MS = 500;
const seconds = Math.round(Number(args.minutes) * 60);
const log = (line: string) => process.stdout.write(`${line}\n`);
const SERVER = process.env.DATABASE_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432';
const LOAD_DB = process.env.LOAD_DATABASE ?? 'oversight_load';

interface Target {
  label: string;
  /**
   * Autosaves and dashboard reads offered per second: by default the rates `pnpm bench` measured each database to
   * sustain on 2 cores (PostgreSQL ≈ 430 saves/s, PGlite ≈ 200/s), a little under them. Offered more than it sustains,
   * PGlite (one thread for the database and the server) lets dashboard reads queue past the 10 s client timeout.
   */
  saveRate: number;
  readRate: number;
  env: Record<string, string>;
  manifest: Manifest;
  cleanup: () => void;
}

/** A fresh PostgreSQL database with the demo county, seeded through the services. */
async function postgresTarget(): Promise<Target> {
  const url = await freshDatabase(LOAD_DB, SERVER);
  const handle = await openDatabase({ databaseUrl: url, poolSize: 4 });
  try {
    log('在 PostgreSQL 中生成演示县……');
    const manifest = await seedDemo(handle.db);
    return {
      label: 'PostgreSQL',
      saveRate: Number(args['save-rate'] ?? 400),
      readRate: Number(args['read-rate'] ?? 20),
      env: { BENCH_DATABASE_URL: url },
      manifest,
      cleanup: () => {},
    };
  } finally {
    await handle.close();
  }
}

/** A throw-away copy of the bench's embedded demo county (seeded once, like `pnpm bench`). */
async function pgliteTarget(): Promise<Target> {
  const manifest = await demoDirectory(log);
  const dir = mkdtempSync(path.join(tmpdir(), 'oversight-load-'));
  cpSync(DEMO_DIR, dir, { recursive: true });
  return {
    label: 'PGlite',
    saveRate: Number(args['save-rate'] ?? 150),
    readRate: Number(args['read-rate'] ?? 5),
    env: { BENCH_PGLITE_DIR: dir },
    manifest,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const trpcGet = (procedure: string, input: unknown) => `/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;

interface Outcome {
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  p99: number;
  causes: Map<string, number>;
}

async function drive(server: ServerChild, target: Target): Promise<{ saves: Outcome; reads: Outcome; rss: number[] }> {
  const base = `http://127.0.0.1:${server.port}`;
  const { manifest } = target;
  const writers = await draftWriters(server.port, manifest.principals, BENCH_PASSWORD, manifest.currentPeriod, previousPeriod(manifest.currentPeriod));
  const officer = await login(server.port, 'officer', BENCH_PASSWORD);
  const me = (await (await fetch(`${base}/trpc/auth.me`, { headers: { cookie: officer } })).json()) as { result: { data: { json: { countyId: number } } } };
  const countyId = me.result.data.json.countyId;
  const year = Number(manifest.currentPeriod.slice(0, 4));
  const reads = [
    trpcGet('analytics.overview', { countyId, year }),
    trpcGet('analytics.ranking', { countyId, year, indicator: 'energy_kgce_per_person' }),
    trpcGet('reports.reviewQueue', { countyId }),
    trpcGet('reports.completeness', { countyId, period: manifest.currentPeriod }),
    ...writers.slice(0, 5).map((w) => trpcGet('reports.get', { schoolId: w.schoolId, period: previousPeriod(manifest.currentPeriod) })),
  ];

  const outcome = (): Outcome => ({ requests: 0, non2xx: 0, errors: 0, timeouts: 0, p99: 0, causes: new Map() });
  const saves = outcome();
  const readOutcome = outcome();
  const count = (o: Outcome, status: number, body: string) => {
    o.requests += 1;
    if (status >= 200 && status < 300) return;
    o.non2xx += 1;
    const code = failureCode(status, body);
    o.causes.set(code, (o.causes.get(code) ?? 0) + 1);
  };
  const saveLoad = autocannon({
    url: base,
    overallRate: target.saveRate,
    duration: seconds,
    ...autosaves(writers, manifest.currentPeriod, (status, body) => count(saves, status, body)),
  });
  const readLoad = autocannon({
    url: base,
    connections: 4,
    overallRate: target.readRate,
    duration: seconds,
    headers: { cookie: officer },
    requests: reads.map((p) => ({ method: 'GET' as const, path: p, onResponse: (status: number, body: string) => count(readOutcome, status, body) })),
  });

  const rss: number[] = [];
  const sampler = setInterval(() => {
    const status = readFileSync(`/proc/${server.process.pid}/status`, 'utf8');
    rss.push(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024);
  }, 5000);
  const [s, r] = await Promise.all([saveLoad, readLoad]);
  clearInterval(sampler);
  Object.assign(saves, { errors: s.errors, timeouts: s.timeouts, p99: s.latency.p99 });
  Object.assign(readOutcome, { errors: r.errors, timeouts: r.timeouts, p99: r.latency.p99 });
  return { saves, reads: readOutcome, rss };
}

/** Autosaves and dashboard reads at fixed rates: zero non-2xx answers and flat memory. */
async function steadyLoad(server: ServerChild, target: Target): Promise<void> {
  const { saves, reads, rss } = await drive(server, target);
  // Memory is judged after a warm-up: the first sample (caches filling) is left out.
  const settled = rss.slice(1);
  const third = Math.max(1, Math.floor(settled.length / 3));
  const first = mean(settled.slice(0, third));
  const last = mean(settled.slice(-third));
  const growth = (last - first) / first;
  const problems = [
    ...[saves, reads].flatMap((o, i) => {
      const what = i === 0 ? '保存' : '读取';
      const causes = [...o.causes].map(([c, n]) => `${c} ${n}`).join('、');
      return [
        ...(o.non2xx ? [`${what}非2xx ${o.non2xx} 次（${causes}）`] : []),
        ...(o.errors || o.timeouts ? [`${what}连接错误 ${o.errors} 次、超时 ${o.timeouts} 次`] : []),
      ];
    }),
    ...(settled.length >= 3 && growth > 0.1 ? [`常驻内存增长 ${(growth * 100).toFixed(0)}%（${first.toFixed(0)} → ${last.toFixed(0)} MB）`] : []),
  ];
  log(
    `  ${target.label}：保存 ${saves.requests} 次（${(saves.requests / seconds).toFixed(0)}/秒，p99 ${saves.p99} ms），读取 ${reads.requests} 次（${(reads.requests / seconds).toFixed(1)}/秒，p99 ${reads.p99} ms），` +
      `常驻内存 ${first.toFixed(0)} → ${last.toFixed(0)} MB（峰值 ${Math.max(...rss).toFixed(0)} MB）：${problems.length ? `未通过：${problems.join('；')}` : '通过（零错误，内存平稳）'}`,
  );
  if (problems.length) failed = true;
}

/** The document stall: /healthz while county .docx files are generated. */
async function documents(server: ServerChild, target: Target): Promise<void> {
  const officer = await login(server.port, 'officer', BENCH_PASSWORD);
  const me = (await (await fetch(`http://127.0.0.1:${server.port}/trpc/auth.me`, { headers: { cookie: officer } })).json()) as {
    result: { data: { json: { countyId: number } } };
  };
  const stall = await documentStall(server.port, officer, me.result.data.json.countyId, Number(target.manifest.currentPeriod.slice(0, 4)));
  const ok = stall.busy.max <= STALL_LIMIT_MS;
  log(
    `  ${target.label}：生成县级总结 Word 文档 ${stall.documents} 份（每份 ${(stall.bytes / 1024).toFixed(0)} KB，下载中位 ${stall.documentMs.toFixed(0)} ms），` +
      `期间 /healthz p99 ${stall.busy.p99.toFixed(1)} ms、最长 ${stall.busy.max.toFixed(1)} ms（${stall.busy.samples} 次；空闲时 p99 ${stall.idle.p99.toFixed(1)} ms、最长 ${stall.idle.max.toFixed(1)} ms）：` +
      (ok ? '通过（文档生成不阻塞其他请求）' : `未通过：/healthz 最长等待超过 ${STALL_LIMIT_MS} ms`),
  );
  if (!ok) failed = true;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

let failed = false;
const targets: Array<() => Promise<Target>> = [];
if (!args.only || args.only === 'postgres') targets.push(postgresTarget);
if (!args.only || args.only === 'pglite') targets.push(pgliteTarget);
for (const make of targets) {
  const target = await make();
  try {
    if (args.imports !== 'only') await loadRun(target);
    if (args.imports !== 'skip') {
      log(`大文件导入：${target.label}`);
      const { problems } = await importMemory(
        target.env,
        log,
        Number(args['import-runs']),
        args['import-rows'] ? Number(args['import-rows']) : undefined,
        args['import-columns'] ? Number(args['import-columns']) : undefined,
      );
      log(`  ${target.label} 大文件导入：${problems.length ? `未通过：${problems.join('；')}` : '通过（内存有界，/healthz 照常应答）'}`);
      if (problems.length) failed = true;
    }
  } finally {
    target.cleanup();
  }
}
process.exitCode = failed ? 1 : 0;

async function loadRun(target: Target): Promise<void> {
  log(`负载测试：${target.label}，${seconds} 秒，保存 ${target.saveRate}/秒，看板读取 ${target.readRate}/秒……`);
  const server = await startServer(target.env);
  try {
    if (!args['documents-only']) await steadyLoad(server, target);
    await documents(server, target);
    const hostile = await hostileRequests(server);
    log(`  ${target.label}：${hostile.line}：${hostile.problems.length ? `未通过：${hostile.problems.join('；')}` : '通过'}`);
    if (hostile.problems.length) failed = true;
  } finally {
    await server.stop();
  }
}
