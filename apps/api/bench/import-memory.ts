import { BENCH_PASSWORD } from './database.js';
import { largeCountyWorkbook } from './large-workbook.js';
import { login, startServer } from './saves.js';
import { quantile } from './stats.js';
import { poller, procStatus } from './watch.js';

/**
 * The large-but-legal workbook of issue 13 ("import memory") uploaded to the real server process, with and without
 * ?annotate=1, while /healthz is polled every 20 ms: how far the server's resident memory rises above what it held
 * just before the upload (VmHWM minus VmRSS), how long /healthz took meanwhile, and how long the import took. Each
 * run starts a fresh server so one upload's heap does not colour the next. Targets: memory growth at most 3× the
 * unzipped limit (IMPORT_MAX_UNZIPPED_MB, 100 MB by default) and /healthz never slower than 200 ms.
 */
export interface ImportMemoryRun {
  annotate: boolean;
  status: number;
  ms: number;
  growthMb: number;
  healthP99: number;
  healthMax: number;
  healthChecks: number;
  /** The slowest /healthz in 2 s of the same polling just before the upload. */
  idleMax: number;
}

const UNZIPPED_LIMIT_MB = 100;
export const IMPORT_MEMORY_TARGETS = { growthMb: 3 * UNZIPPED_LIMIT_MB, healthMaxMs: 200 };

async function oneRun(env: Record<string, string>, file: Buffer, annotate: boolean): Promise<ImportMemoryRun> {
  const server = await startServer(env);
  try {
    const base = `http://127.0.0.1:${server.port}`;
    const cookie = await login(server.port, 'officer', BENCH_PASSWORD);
    // Let start-up settle, then take the resident memory the upload starts from.
    for (let i = 0; i < 5; i++) await fetch(`${base}/healthz`);
    await new Promise((r) => setTimeout(r, 500));
    const pid = server.process.pid!;
    const before = procStatus(pid, 'VmRSS');
    const hwmBefore = procStatus(pid, 'VmHWM');

    // The same polling for 2 s with no import: what the machine itself adds (2 shared cores).
    const idle = await (await poller(`${base}/healthz`)).stopAfter(2000);
    const poll = await poller(`${base}/healthz`);
    const form = new FormData();
    form.append('mode', 'draft');
    form.append('file', new Blob([file], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }), 'large.xlsx');
    const started = performance.now();
    // No answer at all (fetch gives up after 300 s without headers) counts as status 0.
    const status = await fetch(`${base}/api/import/reports${annotate ? '?annotate=1' : ''}`, {
      method: 'POST',
      body: form,
      headers: { cookie, origin: base },
      signal: AbortSignal.timeout(600_000),
    })
      .then(async (response) => {
        await response.arrayBuffer();
        return response.status;
      })
      .catch(() => 0);
    const ms = performance.now() - started;
    const latencies = await poll.stopAfter(0);
    const peak = Math.max(procStatus(pid, 'VmHWM'), hwmBefore);
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      annotate,
      status,
      ms,
      idleMax: Math.max(...idle),
      growthMb: peak - before,
      healthP99: quantile(sorted, 0.99),
      healthMax: sorted.at(-1) ?? Number.NaN,
      healthChecks: sorted.length,
    };
  } finally {
    await server.stop();
  }
}

/** `runs` uploads of the large workbook (or one of `rows` rows) without annotate and `runs` with, each on a fresh server with `env`. */
export async function importMemory(
  env: Record<string, string>,
  log: (line: string) => void,
  runs = 3,
  rows?: number,
  indicators?: number,
): Promise<{ runs: ImportMemoryRun[]; problems: string[] }> {
  const workbook = largeCountyWorkbook({ rows, indicators });
  log(
    `  大文件导入：${(workbook.file.length / 1048576).toFixed(1)} MB 压缩、${(workbook.unzippedBytes / 1048576).toFixed(0)} MB 解压，${workbook.rows} 行；每次新起服务器，同时每 20 ms 请求 /healthz……`,
  );
  const results: ImportMemoryRun[] = [];
  for (const annotate of [false, true]) {
    for (let i = 0; i < runs; i++) {
      const run = await oneRun(env, workbook.file, annotate);
      results.push(run);
      log(
        `    ${annotate ? '标注（annotate=1）' : '检查导入'} #${i + 1}：HTTP ${run.status}，${(run.ms / 1000).toFixed(2)} 秒，内存增长 ${run.growthMb.toFixed(0)} MB，` +
          `/healthz ${run.healthChecks} 次 p99 ${run.healthP99.toFixed(0)} ms、最慢 ${run.healthMax.toFixed(0)} ms（导入前空闲时最慢 ${run.idleMax.toFixed(0)} ms）`,
      );
    }
  }
  const problems: string[] = [];
  for (const annotate of [false, true]) {
    const mine = results.filter((r) => r.annotate === annotate);
    const what = annotate ? '标注' : '导入';
    const median = (pick: (r: ImportMemoryRun) => number) =>
      quantile(
        mine.map(pick).sort((a, b) => a - b),
        0.5,
      );
    const growth = median((r) => r.growthMb);
    const slowest = median((r) => r.healthMax);
    log(
      `  大文件${what}（${mine.length} 次中位数）：${(median((r) => r.ms) / 1000).toFixed(2)} 秒，内存增长 ${growth.toFixed(0)} MB（目标 ≤ ${IMPORT_MEMORY_TARGETS.growthMb}），` +
        `/healthz p99 ${median((r) => r.healthP99).toFixed(0)} ms、最慢 ${slowest.toFixed(0)} ms（目标 ≤ ${IMPORT_MEMORY_TARGETS.healthMaxMs}）`,
    );
    if (mine.some((r) => r.status >= 500 || r.status === 0)) problems.push(`大文件${what}得到 5xx 或没有应答`);
    if (growth > IMPORT_MEMORY_TARGETS.growthMb) problems.push(`大文件${what}内存增长 ${growth.toFixed(0)} MB`);
    if (slowest > IMPORT_MEMORY_TARGETS.healthMaxMs) problems.push(`大文件${what}期间 /healthz 最慢 ${slowest.toFixed(0)} ms`);
  }
  return { runs: results, problems };
}
