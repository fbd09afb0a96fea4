import { writeFileSync } from 'node:fs';
import { poller, procStatus } from './watch.js';
import type { ServerChild } from './saves.js';
import { quantile } from './stats.js';

/**
 * Requests built to stall the server (issue 13, "deep JSON, before sign-in"), sent all at once to the real server
 * process while /healthz is polled every 20 ms: bodies and tRPC query inputs nested thousands of levels deep, small
 * (10 KB) and as large as a body may be (1.8 MB). Each must be refused with a 4xx, never a 5xx, and the server keep
 * answering /healthz and its memory stay where it was. Found by the probe: a 10 KB body 5,000 deep took 1.8 s, 6,000
 * deep answered 500, three at once held /healthz for 2 s, a 1.8 MB body 14 s.
 */
export const HOSTILE_TARGETS = { healthMaxMs: 200, growthMb: 50 };

const nested = (depth: number) => `{"json":${'['.repeat(depth)}${']'.repeat(depth)}}`;

export async function hostileRequests(server: ServerChild): Promise<{ line: string; problems: string[] }> {
  const base = `http://127.0.0.1:${server.port}`;
  const post = (body: string) =>
    fetch(`${base}/trpc/auth.login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body }).then(async (r) => {
      await r.arrayBuffer();
      return r.status;
    });
  const get = (input: string) =>
    fetch(`${base}/trpc/auth.me?input=${encodeURIComponent(input)}`).then(async (r) => {
      await r.arrayBuffer();
      return r.status;
    });
  const pid = server.process.pid!;
  // The peak so far (earlier scenarios on this server) is reset, so the peak read afterwards is this scenario's own.
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
  const before = procStatus(pid, 'VmRSS');
  const idle = await (await poller(`${base}/healthz`)).stopAfter(1000);
  const poll = await poller(`${base}/healthz`);
  const huge = nested(900_000); // 1.8 MB
  const requests = [
    ...[5000, 5000, 5000, 6000, 6000, 6000].map((depth) => post(nested(depth))),
    ...[huge, huge, huge].map(post),
    // Kept under Node's 16 KB limit on a request's head, so that the server itself reads the query.
    ...[1500, 1500, 1500].map((depth) => get(nested(depth))),
  ];
  const started = performance.now();
  const statuses = await Promise.all(requests);
  const ms = performance.now() - started;
  const latencies = (await poll.stopAfter(200)).sort((a, b) => a - b);
  const growth = procStatus(pid, 'VmHWM') - before;
  const slowest = latencies.at(-1) ?? Number.NaN;
  const problems = [
    ...(statuses.some((s) => s < 400 || s >= 500) ? [`深层嵌套请求的应答不全是 4xx：${statuses.join('、')}`] : []),
    ...(slowest > HOSTILE_TARGETS.healthMaxMs ? [`其间 /healthz 最慢 ${slowest.toFixed(0)} ms`] : []),
    ...(growth > HOSTILE_TARGETS.growthMb ? [`常驻内存增长 ${growth.toFixed(0)} MB`] : []),
  ];
  const line =
    `深层嵌套 JSON ${requests.length} 个同时发出（10 KB 嵌套 5000–6000 层、1.8 MB 嵌套 90 万层、查询参数嵌套 1500 层）：${(ms / 1000).toFixed(2)} 秒全部应答（${[...new Set(statuses)].join('、')}），` +
    `/healthz ${latencies.length} 次 p99 ${quantile(latencies, 0.99).toFixed(0)} ms、最慢 ${slowest.toFixed(0)} ms（目标 ≤ ${HOSTILE_TARGETS.healthMaxMs}；空闲时最慢 ${Math.max(...idle).toFixed(0)} ms），` +
    `内存峰值增长 ${growth.toFixed(0)} MB（目标 ≤ ${HOSTILE_TARGETS.growthMb}）`;
  return { line, problems };
}
