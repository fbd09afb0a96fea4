/**
 * `pnpm bench:evidence`: only the evidence upload figures (bench/evidence.ts) on the embedded demo county, without generating the
 * province: `--evidence-runs 3` reruns of 20 × 1 MB and 20 × 10 MB, each in a fresh server process. Writes bench/results/evidence.json.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_DIR, demoDirectory } from './embedded.js';
import { evidenceUploads, openUploaders } from './evidence.js';
import { parseOptions } from './options.js';
import { printTable, verdict, writeResults } from './report.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const log = (line: string) => process.stdout.write(`${line}\n`);
const options = parseOptions(process.argv.slice(2), process.env);

const manifest = await demoDirectory(log);
const env = { BENCH_PGLITE_DIR: DEMO_DIR };
const uploaders = await openUploaders(env, manifest.principals, manifest.currentPeriod, options.evidenceClients, path.join(DEMO_DIR, 'bench-sessions.json'));
log(`测量：佐证材料上传（${uploaders.length} 个客户端，${options.evidenceRuns} 次重跑）……`);
const { figures, runs } = await evidenceUploads(env, uploaders, manifest.currentPeriod, options.evidenceRuns, log);
log('');
printTable(figures, log);
log(`\n${figures.filter(verdict).length}/${figures.length} 项达标。`);
const file = path.join(root, 'bench/results/evidence.json');
writeResults(
  file,
  {
    at: new Date().toISOString(),
    database: 'PGlite（演示县）',
    runs,
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  },
  figures,
);
log(`结果已写入 ${path.relative(root, file)}`);
