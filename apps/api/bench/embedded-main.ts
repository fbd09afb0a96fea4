/**
 * `pnpm bench:embedded`: only the embedded figures (bench/embedded.ts) on a fresh copy of the embedded demo county,
 * without generating the province: reopen, county overview and league table over HTTP, full saves and autosaves with
 * 20 principals, peak memory (`--save-seconds 10`). Writes bench/results/embedded.json.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { embedded } from './embedded.js';
import { parseOptions } from './options.js';
import { printTable, verdict, writeResults } from './report.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const log = (line: string) => process.stdout.write(`${line}\n`);
const options = parseOptions(process.argv.slice(2), process.env);

log('测量：嵌入式数据库（演示县）……');
const figures = await embedded(log, options.saveSeconds);
log('');
printTable(figures, log);
const load = os.loadavg().map((n) => n.toFixed(2));
log(`\n${figures.filter(verdict).length}/${figures.length} 项达标。结束时负载 ${load.join(' / ')}（1/5/15 分钟）。`);
const file = path.join(root, 'bench/results/embedded.json');
writeResults(
  file,
  {
    at: new Date().toISOString(),
    database: 'PGlite（演示县）',
    loadAverage: os.loadavg(),
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  },
  figures,
);
log(`结果已写入 ${path.relative(root, file)}`);
