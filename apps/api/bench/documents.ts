/**
 * The event-loop stall of document generation (issue 13), measured from outside the server: /healthz is asked every
 * 20 ms from a thread of its own (watch.ts), first with the server otherwise idle, then while the county officer downloads the
 * county's annual summary as Word (two downloads at a time, back to back). A server that generates the .docx on its
 * own thread cannot answer /healthz until the document is done; one that generates it in a worker answers at once.
 * The downloads stay within the officer's document limit (60 per 10 minutes), as real use would.
 */
import { quantile, summarise } from './stats.js';
import { poller } from './watch.js';

export interface DocumentStall {
  idle: { p99: number; max: number; samples: number };
  busy: { p99: number; max: number; samples: number };
  documents: number;
  /** Median time to download one county .docx, in ms. */
  documentMs: number;
  bytes: number;
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

  const idle = await (await poller(`${base}/healthz`)).stopAfter((options.idleSeconds ?? 5) * 1000);

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
  const poll = await poller(`${base}/healthz`);
  const downloads = Promise.all([downloader(), downloader()]);
  // The polls stop when the downloads end, whether they succeed or not.
  const busy = await downloads.then(
    () => poll.stopAfter(0),
    async (error: unknown) => {
      await poll.stopAfter(0);
      throw error;
    },
  );
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
