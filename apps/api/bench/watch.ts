import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/**
 * The server watched from outside while a benchmark loads it: its resident memory from /proc, and /healthz asked
 * every 20 ms from a thread of its own.
 */

export const procStatus = (pid: number, field: string) =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN) / 1024;

/**
 * Polls `url` every 20 ms from a worker thread of its own: what this thread sends meanwhile (a 10 MB upload,
 * downloads) must not delay the polls and be counted against the server.
 */
export async function poller(url: string): Promise<{ stopAfter(ms: number): Promise<number[]> }> {
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     let running = true;
     const latencies = [];
     parentPort.on('message', () => { running = false; });
     (async () => {
       // One unmeasured request first: loading fetch in a new thread takes a few hundred milliseconds.
       await fetch(workerData).then((r) => r.arrayBuffer()).catch(() => undefined);
       parentPort.postMessage('ready');
       while (running) {
         const started = performance.now();
         await fetch(workerData, { signal: AbortSignal.timeout(180000) }).then((r) => r.arrayBuffer()).catch(() => undefined);
         latencies.push(performance.now() - started);
         await new Promise((r) => setTimeout(r, 20));
       }
       parentPort.postMessage(latencies);
     })();`,
    { eval: true, workerData: url },
  );
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  await ready;
  const done = new Promise<number[]>((resolve, reject) => {
    worker.once('message', (latencies: number[]) => void worker.terminate().then(() => resolve(latencies)));
    worker.once('error', reject);
  });
  return {
    async stopAfter(ms) {
      await new Promise((r) => setTimeout(r, ms));
      worker.postMessage('stop');
      return done;
    },
  };
}
