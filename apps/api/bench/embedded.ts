import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { migrateToLatest, openDatabase, seedDemoCounty, type Database, type Kysely } from '@oversight/db';
import { previousPeriod, type Period } from '@oversight/domain';
import { BENCH_PASSWORD } from './database.js';
import type { Figure } from './report.js';
import { draftWriters, login, refreshVersions, saveThroughput, startServer } from './saves.js';
import { summarise } from './stats.js';

export const DEMO_DIR = path.join(tmpdir(), 'oversight-bench-pglite');
const DIR = DEMO_DIR;
const MANIFEST = path.join(DIR, 'bench-principals.json');
/** The copy of the demo county the embedded step runs on: fresh each run, so saves of earlier runs do not pile up. */
const RUN_DIR = path.join(tmpdir(), 'oversight-bench-pglite-run');

export interface Manifest {
  principals: { schoolId: number; username: string }[];
  currentPeriod: Period;
  countyId: number;
}

/** The demo county seeded through the services into an empty, migrated database: its principals and current quarter. */
export async function seedDemo(db: Kysely<Database>): Promise<Manifest> {
  await migrateToLatest(db);
  const demo = await seedDemoCounty(db, { password: BENCH_PASSWORD });
  const ids = new Map((await db.selectFrom('schools').select(['id', 'code']).execute()).map((s) => [s.code, s.id]));
  const county = await db.selectFrom('orgUnits').select('id').where('level', '=', 'county').executeTakeFirstOrThrow();
  return {
    principals: demo.principals.map((p) => ({ schoolId: ids.get(p.username)!, username: p.username })),
    currentPeriod: demo.currentPeriod,
    countyId: county.id,
  };
}

/** The demo county in an embedded data directory, seeded once and kept for later runs. */
export async function demoDirectory(log: (line: string) => void): Promise<Manifest> {
  if (existsSync(MANIFEST)) {
    const kept = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Partial<Manifest>;
    if (kept.countyId !== undefined) return kept as Manifest;
  }
  rmSync(DIR, { recursive: true, force: true });
  log('在嵌入式数据库中生成演示县（仅首次）……');
  const handle = await openDatabase({ dataDir: DIR });
  const manifest = await seedDemo(handle.db).finally(() => handle.close());
  writeFileSync(MANIFEST, JSON.stringify(manifest));
  return manifest;
}

/** Sequential GETs of one tRPC query over HTTP: each answer's time (ms) and the answer's size (KB). */
async function sequentialReads(port: number, cookie: string, procedure: string, input: unknown, runs: number, cpuMs: () => number) {
  const url = `http://127.0.0.1:${port}/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const read = async () => {
    const response = await fetch(url, { headers: { cookie } });
    const body = await response.arrayBuffer();
    if (!response.ok) throw new Error(`${procedure} 失败：${response.status} ${Buffer.from(body).toString().slice(0, 300)}`);
    return body.byteLength;
  };
  // The first answers compute and keep the county's figures and warm the server up; they are not counted.
  for (let i = 0; i < 5; i++) await read();
  const samples: number[] = [];
  let bytes = 0;
  const cpuBefore = cpuMs();
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    bytes = await read();
    samples.push(performance.now() - started);
  }
  return { ...summarise(samples), kb: bytes / 1024, cpuMs: (cpuMs() - cpuBefore) / runs };
}

export const EMBEDDED_READS = 200;
export const EMBEDDED_WRITERS = 20;

/**
 * The embedded database as a county runs it, from outside over HTTP against the built server on a fresh copy of the
 * demo county: reopen time; the county overview and league table (sequential requests, p95 and answer size); full
 * saves and autosaves with 20 principals at once (throughput, p99, failures); the server's peak resident memory.
 */
export async function embedded(log: (line: string) => void, seconds: number): Promise<Figure[]> {
  const manifest = await demoDirectory(log);
  rmSync(RUN_DIR, { recursive: true, force: true });
  cpSync(DIR, RUN_DIR, { recursive: true, filter: (source) => !source.endsWith('.json') });
  const reopen: number[] = [];
  const upkeep: number[] = [];
  const figures: Figure[] = [];
  let rss = Number.NaN;
  for (let i = 0; i < 3; i++) {
    const server = await startServer({ BENCH_PGLITE_DIR: RUN_DIR });
    reopen.push(server.reopenMs);
    upkeep.push(server.maintainMs);
    if (i === 2) {
      const year = Number(manifest.currentPeriod.slice(0, 4));
      const bureau = await login(server.port, 'bureau', BENCH_PASSWORD);
      const reads = [
        { name: '县总览', procedure: 'analytics.overview', input: { countyId: manifest.countyId, year } },
        { name: '学校排行榜', procedure: 'analytics.ranking', input: { countyId: manifest.countyId, year, indicator: 'accident_rate' } },
      ];
      for (const r of reads) {
        const s = await sequentialReads(server.port, bureau, r.procedure, r.input, EMBEDDED_READS, server.cpuMs);
        figures.push({
          name: `${r.name}（PGlite 演示县，HTTP）`,
          median: s.median,
          p95: s.p95,
          samples: s.samples,
          unit: 'ms',
          target: { p95AtMost: 20 },
          baseline: null,
          note: `${EMBEDDED_READS} 次顺序请求，应答 ${s.kb.toFixed(1)} KB，服务器 CPU ${s.cpuMs.toFixed(2)} ms/次（负载 ${loadavg()[0]!.toFixed(1)}）`,
        });
      }
      const period = manifest.currentPeriod;
      const writers = await draftWriters(server.port, manifest.principals.slice(0, EMBEDDED_WRITERS), BENCH_PASSWORD, period, previousPeriod(period));
      if (writers.length < EMBEDDED_WRITERS) log(`  演示县只有 ${writers.length} 份可保存的草稿（应为 ${EMBEDDED_WRITERS}）`);
      for (const [procedure, label, rate] of [
        ['save', 'PGlite 演示县，完整保存', 300],
        ['autosave', 'PGlite 演示县，自动保存', 400],
      ] as const) {
        await refreshVersions(server.port, writers, period);
        figures.push(
          ...(await saveThroughput(
            server.port,
            [],
            BENCH_PASSWORD,
            period,
            previousPeriod(period),
            seconds,
            label,
            { rate, p99: 100, procedure, failures: true },
            writers,
            server.cpuMs,
          )),
        );
      }
      rss = server.peakRssMb();
    }
    await server.stop();
  }
  const sorted = [...reopen].sort((a, b) => a - b);
  return [
    {
      name: '嵌入式数据库重新打开',
      median: sorted[1]!,
      p95: sorted[2]!,
      samples: 3,
      unit: 'ms',
      target: { p95AtMost: 1000 },
      baseline: null,
      note: `打开、迁移检查、首个查询；演示县 71 所学校；另有启动后维护（VACUUM ANALYZE）${upkeep.map((ms) => ms.toFixed(0)).join(' / ')} ms`,
    },
    ...figures,
    {
      name: '嵌入式服务器常驻内存峰值',
      median: rss,
      p95: rss,
      samples: 1,
      unit: 'MB',
      target: { p95AtMost: 400 },
      baseline: null,
      note: 'VmHWM，含读取与保存压测',
    },
  ];
}
