/**
 * `pnpm bench`: generates a synthetic province in PostgreSQL (default 150 counties, 20,000 schools, three years; `--size
 * small` for a quick run; `--years 10`), then measures every figure of issue 7 in one run, prints a table and writes
 * bench/results/latest.json. Never part of `pnpm test`. See README “Benchmarks”.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_PASSWORD, seedBench } from './database.js';
import { pgbenchCeiling } from './ceiling.js';
import { DEMO_DIR, demoDirectory, embedded } from './embedded.js';
import { evidenceUploads, openUploaders } from './evidence.js';
import { fairComparison } from './fair.js';
import { countyImport } from './imports.js';
import { parseOptions } from './options.js';
import { countyReads, freshness, provinceReads, summaries, typicalCounty } from './reads.js';
import { printTable, verdict, writeResults, type Figure } from './report.js';
import { rosterImport } from './roster.js';
import { saveThroughput, savingPrincipals, startServer } from './saves.js';
import { spaInitialJs } from './spa.js';
import { replicaTopology } from './topology.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const log = (line: string) => process.stdout.write(`${line}\n`);

const options = parseOptions(process.argv.slice(2), process.env);
const started = performance.now();
const seeded = await seedBench(options, log);
const { handle, province } = seeded;
const figures: Figure[] = [];
const step = async (name: string, run: () => Promise<Figure | Figure[]>) => {
  if (options.skip.has(name) || (options.only && !options.only.has(name))) return;
  log(`测量：${name}……`);
  try {
    const out = await run();
    figures.push(...(Array.isArray(out) ? out : [out]));
  } catch (error) {
    log(`  ${name} 失败：${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  }
};

try {
  await step('county', () => countyReads(handle.db, province, 30));
  await step('province', () => provinceReads(handle.db, province, 5));
  await step('fair', () => fairComparison(handle.db, province, 5));
  await step('freshness', () => freshness(handle.db, province, 10));
  await step('summary', () => summaries(handle.db, province, 5));
  await step('import', () => countyImport(handle.db, province));
  await step('roster', () => rosterImport(handle.db, province));
  await step('save', async () => {
    const county = typicalCounty(province);
    const principals = await savingPrincipals(handle.db, county.id, BENCH_PASSWORD, 32);
    const server = await startServer({ BENCH_DATABASE_URL: seeded.url });
    let saves: Figure[];
    try {
      saves = await saveThroughput(
        server.port,
        principals,
        BENCH_PASSWORD,
        province.nextPeriod,
        province.periods.at(-1)!,
        options.saveSeconds,
        'PostgreSQL',
        { rate: 1000, p99: 100, failures: true },
        undefined,
        server.cpuMs,
      );
    } finally {
      await server.stop();
    }
    // Beside it, what PostgreSQL does with the save's statement alone, on the same reports (pgbench, same clients).
    const ceiling = await pgbenchCeiling(
      handle.db,
      seeded.url,
      principals.map((p) => p.schoolId),
      province.nextPeriod,
      options.saveSeconds,
      principals.length,
      saves[0]?.median ?? null,
      log,
    ).catch((error: unknown) => {
      log(`  pgbench 上限失败：${error instanceof Error ? error.message.slice(0, 500) : String(error)}`);
      process.exitCode = 1;
      return [];
    });
    return [...saves, ...ceiling];
  });
  if (options.topology === 'replica') await step('replica', () => replicaTopology(seeded, options, log));
  await step('embedded', () => embedded(log, options.saveSeconds));
  await step('spa', async () => spaInitialJs());
  await step('evidence', async () => {
    const manifest = await demoDirectory(log);
    const env = { BENCH_PGLITE_DIR: DEMO_DIR };
    const uploaders = await openUploaders(
      env,
      manifest.principals,
      manifest.currentPeriod,
      options.evidenceClients,
      path.join(DEMO_DIR, 'bench-sessions.json'),
    );
    return (await evidenceUploads(env, uploaders, manifest.currentPeriod, options.evidenceRuns, log)).figures;
  });
} finally {
  await handle.close();
}

log('');
printTable(figures, log);
const met = figures.filter(verdict).length;
log(
  `\n${met}/${figures.length} 项达标。规模：${province.counties.length} 个县，${province.counties.reduce((t, c) => t + c.schools, 0)} 所学校，${province.periods.length} 个季度，${province.reports} 份报表；生成 ${seeded.seconds.toFixed(0)} 秒，总计 ${((performance.now() - started) / 1000).toFixed(0)} 秒。`,
);
const file = path.join(root, 'bench/results/latest.json');
writeResults(
  file,
  {
    at: new Date().toISOString(),
    size: {
      option: options.size,
      counties: province.counties.length,
      schools: province.counties.reduce((t, c) => t + c.schools, 0),
      years: options.years,
      reports: province.reports,
      values: province.values,
    },
    generationSeconds: seeded.seconds,
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  },
  figures,
);
log(`结果已写入 ${path.relative(root, file)}`);
