import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrateToLatest, openDatabase, seedDemoCounty, type Database, type Kysely } from '@oversight/db';
import { previousPeriod, type Period } from '@oversight/domain';
import { BENCH_PASSWORD } from './database.js';
import type { Figure } from './report.js';
import { saveThroughput, startServer } from './saves.js';

export const DEMO_DIR = path.join(tmpdir(), 'oversight-bench-pglite');
const DIR = DEMO_DIR;
const MANIFEST = path.join(DIR, 'bench-principals.json');

export interface Manifest {
  principals: { schoolId: number; username: string }[];
  currentPeriod: Period;
}

/** The demo county seeded through the services into an empty, migrated database: its principals and current quarter. */
export async function seedDemo(db: Kysely<Database>): Promise<Manifest> {
  await migrateToLatest(db);
  const demo = await seedDemoCounty(db, { password: BENCH_PASSWORD });
  const ids = new Map((await db.selectFrom('schools').select(['id', 'code']).execute()).map((s) => [s.code, s.id]));
  return { principals: demo.principals.map((p) => ({ schoolId: ids.get(p.username)!, username: p.username })), currentPeriod: demo.currentPeriod };
}

/** The demo county in an embedded data directory, seeded once and kept for later runs. */
export async function demoDirectory(log: (line: string) => void): Promise<Manifest> {
  if (existsSync(MANIFEST)) return JSON.parse(readFileSync(MANIFEST, 'utf8')) as Manifest;
  rmSync(DIR, { recursive: true, force: true });
  log('在嵌入式数据库中生成演示县（仅首次）……');
  const handle = await openDatabase({ dataDir: DIR });
  const manifest = await seedDemo(handle.db).finally(() => handle.close());
  writeFileSync(MANIFEST, JSON.stringify(manifest));
  return manifest;
}

/** Embedded database: reopen time, save throughput over HTTP and the server's peak resident memory. */
export async function embedded(log: (line: string) => void, seconds: number): Promise<Figure[]> {
  const manifest = await demoDirectory(log);
  const reopen: number[] = [];
  let figures: Figure[] = [];
  let rss = Number.NaN;
  for (let i = 0; i < 3; i++) {
    const server = await startServer({ BENCH_PGLITE_DIR: DIR });
    reopen.push(server.reopenMs);
    if (i === 2) {
      figures = await saveThroughput(
        server.port,
        manifest.principals.slice(0, 8),
        BENCH_PASSWORD,
        manifest.currentPeriod,
        previousPeriod(manifest.currentPeriod),
        seconds,
        'PGlite 演示县',
        { rate: 300 },
      );
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
      note: '打开、迁移检查、首个查询；演示县 71 所学校',
    },
    ...figures,
    { name: '嵌入式服务器常驻内存峰值', median: rss, p95: rss, samples: 1, unit: 'MB', target: { p95AtMost: 400 }, baseline: null, note: 'VmHWM，含保存压测' },
  ];
}
