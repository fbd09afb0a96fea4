/**
 * The event-loop stall of document generation (issue 13), measured from outside the server: /healthz is asked every
 * 20 ms, one request at a time, first with the server otherwise idle, then while the county officer downloads the
 * county's annual summary as Word (two downloads at a time, back to back). A server that generates the .docx on its
 * own thread cannot answer /healthz until the document is done; one that generates it in a worker answers at once.
 * The downloads stay within the officer's document limit (60 per 10 minutes), as real use would.
 */
import { quantile, summarise } from './stats.js';

export interface DocumentStall {
  idle: { p99: number; max: number; samples: number };
  busy: { p99: number; max: number; samples: number };
  documents: number;
  /** Median time to download one county .docx, in ms. */
  documentMs: number;
  bytes: number;
}

/** /healthz latencies, asked one after another every `gap` ms until `until()` says stop. */
async function probe(base: string, until: () => boolean, gap = 20): Promise<number[]> {
  const latencies: number[] = [];
  while (!until()) {
    const started = performance.now();
    const response = await fetch(`${base}/healthz`);
    await response.arrayBuffer();
    latencies.push(performance.now() - started);
    await new Promise((done) => setTimeout(done, gap));
  }
  return latencies;
}

/** The county's summary, drafted and finalised by the officer (a final summary's figures are frozen, as the document shows them). */
async function countySummary(base: string, cookie: string, countyId: number, year: number): Promise<number> {
  const call = async (name: string, input: unknown) => {
    const response = await fetch(`${base}/trpc/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base, cookie },
      body: JSON.stringify({ json: input }),
    });
    if (!response.ok) throw new Error(`${name} 失败：${response.status} ${await response.text()}`);
    return ((await response.json()) as { result: { data: { json: { id: number; version: number } } } }).result.data.json;
  };
  const draft = await call('summaries.draft', { countyId, year });
  return (await call('summaries.finalize', { id: draft.id, version: draft.version })).id;
}

export async function documentStall(
  port: number,
  cookie: string,
  countyId: number,
  year: number,
  options: { documents?: number; idleSeconds?: number } = {},
): Promise<DocumentStall> {
  const base = `http://127.0.0.1:${port}`;
  const total = options.documents ?? 20;
  const id = await countySummary(base, cookie, countyId, year);
  // Warm up: the first document starts the worker (and fills caches).
  await (await fetch(`${base}/api/summaries/${id}.docx`, { headers: { cookie } })).arrayBuffer();

  const idleUntil = performance.now() + (options.idleSeconds ?? 5) * 1000;
  const idle = await probe(base, () => performance.now() > idleUntil);

  let done = false;
  let remaining = total - 1;
  const times: number[] = [];
  let bytes = 0;
  const downloader = async () => {
    while (remaining-- > 0) {
      const started = performance.now();
      const response = await fetch(`${base}/api/summaries/${id}.docx`, { headers: { cookie } });
      const body = await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`下载总结文档失败：${response.status} ${Buffer.from(body).toString().slice(0, 200)}`);
      times.push(performance.now() - started);
      bytes = body.byteLength;
    }
  };
  const [busy] = await Promise.all([probe(base, () => done), Promise.all([downloader(), downloader()]).finally(() => (done = true))]);
  const stats = (xs: number[]) => ({
    p99: quantile(
      [...xs].sort((a, b) => a - b),
      0.99,
    ),
    max: Math.max(...xs),
    samples: xs.length,
  });
  return { idle: stats(idle), busy: stats(busy), documents: times.length, documentMs: summarise(times).median, bytes };
}
