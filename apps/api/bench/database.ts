import { migrateToLatest, openDatabase, type DatabaseHandle } from '@oversight/db';
import { seedProvince, type ProvinceSummary } from '@oversight/db/province';
import { raw } from './raw.js';
import type { BenchOptions } from './options.js';

export const BENCH_PASSWORD = 'bench-password-2026';
const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432';
const BENCH_DB = 'oversight_bench';

/** A new, empty database `name` on a local PostgreSQL server (dropped first if it exists); its URL. */
export async function freshDatabase(name: string, server = DEFAULT_SERVER): Promise<string> {
  const admin = await openDatabase({ databaseUrl: `${server}/postgres`, poolSize: 1 });
  try {
    await raw(admin.db, `drop database if exists ${name} with (force)`);
    await raw(admin.db, `create database ${name}`);
  } finally {
    await admin.close();
  }
  return `${server}/${name}`;
}

/** The bench database: DATABASE_URL as given, or a fresh `oversight_bench` on the local server (dropped and recreated). */
export async function benchDatabaseUrl(options: BenchOptions): Promise<string> {
  if (options.databaseUrl) return options.databaseUrl;
  if (options.reuse) return `${DEFAULT_SERVER}/${BENCH_DB}`;
  return freshDatabase(BENCH_DB);
}

export interface Seeded {
  handle: DatabaseHandle;
  url: string;
  province: ProvinceSummary;
  seconds: number;
}

/** What a reused database holds, rebuilt from its rows (same shape as a fresh seed's summary). */
async function describeExisting(handle: DatabaseHandle, years: number): Promise<ProvinceSummary | null> {
  const db = handle.db;
  const province = await db.selectFrom('orgUnits').select('id').where('level', '=', 'province').executeTakeFirst();
  if (!province) return null;
  const counties = await db
    .selectFrom('orgUnits as c')
    .innerJoin('users as u', (j) => j.onRef('u.orgUnitId', '=', 'c.id').on('u.role', '=', 'bureau_officer'))
    .select([
      'c.id',
      'c.code',
      'c.name',
      'c.parentId',
      'u.id as officerId',
      'u.username',
      (eb) => eb.selectFrom('schools').select(eb.fn.countAll<number>().as('n')).whereRef('schools.countyId', '=', 'c.id').as('schools'),
    ])
    .where('c.level', '=', 'county')
    .orderBy('c.id')
    .execute();
  const officer = await db.selectFrom('users').select(['id', 'username']).where('orgUnitId', '=', province.id).executeTakeFirstOrThrow();
  // Quarters the generator filed (approved ones); drafts of the next quarter come from an earlier run's save step.
  const periods = (await db.selectFrom('reports').select('period').distinct().where('status', '=', 'approved').orderBy('period').execute()).map(
    (r) => r.period,
  ) as ProvinceSummary['periods'];
  const totals = await db
    .selectFrom('reports')
    .select([(eb) => eb.fn.countAll<number>().as('reports')])
    .executeTakeFirstOrThrow();
  const last = periods.at(-1)!;
  const [y, q] = [Number(last.slice(0, 4)), Number(last.slice(5))];
  return {
    provinceId: province.id,
    cityIds: [...new Set(counties.map((c) => c.parentId!))],
    counties: counties.map((c) => ({
      id: c.id,
      code: c.code,
      name: c.name,
      cityId: c.parentId!,
      schools: Number(c.schools),
      officer: { id: c.officerId, username: c.username },
    })),
    provinceOfficer: officer,
    periods: periods.slice(-years * 4),
    nextPeriod: (q === 4 ? `${y + 1}Q1` : `${y}Q${q + 1}`) as ProvinceSummary['nextPeriod'],
    values: 0,
    reports: Number(totals.reports),
  };
}

export async function seedBench(options: BenchOptions, log: (line: string) => void): Promise<Seeded> {
  const url = await benchDatabaseUrl(options);
  const handle = await openDatabase({ databaseUrl: url, poolSize: 8 });
  await migrateToLatest(handle.db);
  const started = performance.now();
  if (options.reuse) {
    const existing = await describeExisting(handle, options.years);
    if (existing) {
      log(`复用已有基准数据库：${existing.counties.length} 个县，${existing.reports} 份报表`);
      return { handle, url, province: existing, seconds: 0 };
    }
  }
  log(`生成模拟省份：${options.counties} 个县，${options.schools} 所学校，${options.years} 年季度报表……`);
  let lastLog = 0;
  const province = await seedProvince(handle.db, {
    counties: options.counties,
    schools: options.schools,
    years: options.years,
    password: BENCH_PASSWORD,
    concurrency: 3,
    onProgress: (done, total) => {
      if (performance.now() - lastLog > 10_000 || done === total) {
        lastLog = performance.now();
        log(`  已生成 ${done}/${total} 个县（${((performance.now() - started) / 1000).toFixed(0)} 秒）`);
      }
    },
  });
  // What autovacuum does to a live database after a bulk load: statistics, and the visibility map that lets
  // the counting and fingerprint queries read indexes alone.
  await raw(handle.db, 'vacuum analyze');
  const seconds = (performance.now() - started) / 1000;
  log(`生成完成：${province.reports} 份报表，${province.values} 个数值，用时 ${seconds.toFixed(0)} 秒`);
  return { handle, url, province, seconds };
}
