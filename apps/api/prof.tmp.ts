import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createHash } from 'node:crypto';
import { largeCountyWorkbook } from './bench/large-workbook.js';
import { inspectXlsx } from './src/files/zip.js';
import { readGrids } from './src/files/workbook.js';
const { file } = largeCountyWorkbook();
const h = monitorEventLoopDelay({ resolution: 5 });
let maxGap = 0; let last = performance.now();
const timer = setInterval(() => { const now = performance.now(); maxGap = Math.max(maxGap, now - last); last = now; }, 5);
async function phase(name: string, fn: () => Promise<unknown>) {
  maxGap = 0; last = performance.now(); const t = performance.now();
  try { await fn(); } catch (e) { console.log('  threw', (e as Error).message.slice(0, 40)); }
  await new Promise((r) => setTimeout(r, 20));
  console.log(name, (performance.now() - t).toFixed(0), 'ms, max gap', maxGap.toFixed(0), 'ms');
}
let parts: Map<string, Buffer>;
await phase('hash', async () => createHash('sha256').update(file).digest('hex'));
await phase('inspect', async () => { parts = await inspectXlsx(file, 100 * 1048576); });
await phase('read', async () => readGrids(file, parts));
clearInterval(timer);
