/**
 * Evidence uploads (issue 15): 20 principals each upload one file to their own school's report at the same moment, against the real server
 * in a process of its own. Measured per run: throughput (all bytes ÷ the wall time until the last answer) and the server's peak resident
 * memory (VmHWM from just before the uploads, a fresh process per run). The same is run with 1 MB files and with 10 MB files: a server that streams uploads to
 * storage holds about the same memory for both, one that buffers them holds ~180 MB more for the larger files.
 * `pnpm bench:evidence` runs just this step (on the embedded demo county); `--evidence-runs 5` for more reruns.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Period } from '@oversight/domain';
import { makePdf } from '../test/pdf.js';
import { BENCH_PASSWORD } from './database.js';
import type { Figure } from './report.js';
import { getReport, login, startServer } from './saves.js';
import { procStatus } from './watch.js';

export interface Uploader {
  schoolId: number;
  username: string;
}

/** A principal signed in: the session cookie outlives server restarts (sessions live in the database). */
export interface SignedIn extends Uploader {
  cookie: string;
}

export interface EvidenceRun {
  fileMb: number;
  clients: number;
  seconds: number;
  mbPerSecond: number;
  /** VmRSS just before the uploads, and VmHWM after them, of the server process. */
  rssBeforeMb: number;
  peakMb: number;
  failures: string[];
}

const MB = 1024 * 1024;

/** One run in a fresh server process: every client uploads one file of `fileMb` at once; the files are removed afterwards. */
async function oneRun(env: Record<string, string>, clients: readonly SignedIn[], period: Period, fileMb: number): Promise<EvidenceRun> {
  const storage = mkdtempSync(path.join(tmpdir(), 'oversight-bench-evidence-'));
  const server = await startServer({ ...env, DATA_DIR: storage });
  const base = `http://127.0.0.1:${server.port}`;
  try {
    // Each client's file is made before the clock starts: random bytes (nothing deduplicates) inside a well-formed PDF.
    const files = clients.map(() => makePdf(['Bench evidence'], fileMb * MB - 600));
    for (let i = 0; i < 5; i++) await fetch(`${base}/healthz`);
    await new Promise((r) => setTimeout(r, 300));
    const pid = server.process.pid!;
    // Start the high-water mark afresh (Linux: 5 → clear_refs resets VmHWM to the current RSS), so start-up's own peak cannot hide the uploads'.
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    const rssBeforeMb = procStatus(pid, 'VmRSS');
    const failures: string[] = [];
    const stored: { id: number; cookie: string }[] = [];
    const started = performance.now();
    await Promise.all(
      clients.map(async ({ schoolId, cookie }, i) => {
        const form = new FormData();
        form.append('indicator', 'food_liability_insured');
        form.append('file', new Blob([files[i]!], { type: 'application/pdf' }), `保单-${i + 1}.pdf`);
        const response = await fetch(`${base}/api/reports/${schoolId}/${period}/evidence`, {
          method: 'POST',
          body: form,
          headers: { cookie, origin: base },
          signal: AbortSignal.timeout(300_000),
        });
        const body = await response.text();
        if (response.ok) stored.push({ id: (JSON.parse(body) as { id: number }).id, cookie });
        else failures.push(`${response.status} ${body.slice(0, 200)}`);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const peakMb = procStatus(pid, 'VmHWM');
    const bytes = files.reduce((t, f) => t + f.length, 0);
    // Leave the reports as they were, so reruns meet the same per-report limit.
    for (const { id, cookie } of stored) {
      const response = await fetch(`${base}/api/evidence/${id}`, { method: 'DELETE', headers: { cookie, origin: base } });
      if (!response.ok) throw new Error(`删除佐证材料失败：${response.status} ${await response.text()}`);
    }
    return {
      fileMb,
      clients: clients.length,
      seconds,
      mbPerSecond: (bytes * (stored.length / clients.length)) / MB / seconds,
      rssBeforeMb,
      peakMb,
      failures,
    };
  } finally {
    await server.stop();
    rmSync(storage, { recursive: true, force: true });
  }
}

/**
 * The principals (of `candidates`) whose report of `period` can still take files (a draft or a returned report), signed in. Sessions are
 * kept in `sessionsFile` and reused while valid: the sign-in limits (5 attempts per account and 50 per address in 15 minutes) would
 * otherwise stop a second bench run soon after the first.
 */
export async function openUploaders(
  env: Record<string, string>,
  candidates: readonly Uploader[],
  period: Period,
  count: number,
  sessionsFile: string,
): Promise<SignedIn[]> {
  const kept = new Map<string, string>(
    existsSync(sessionsFile) ? Object.entries(JSON.parse(readFileSync(sessionsFile, 'utf8')) as Record<string, string>) : [],
  );
  const server = await startServer(env);
  const base = `http://127.0.0.1:${server.port}`;
  try {
    const open: SignedIn[] = [];
    for (const p of candidates) {
      if (open.length >= count) break;
      let cookie = kept.get(p.username);
      const me = cookie ? await fetch(`${base}/trpc/auth.me`, { headers: { cookie } }).then((r) => r.text()) : '';
      if (!cookie || !me.includes(`"username":"${p.username}"`)) cookie = await login(server.port, p.username, BENCH_PASSWORD);
      kept.set(p.username, cookie);
      const report = await getReport(server.port, cookie, p.schoolId, period);
      if (report.status === 'draft' || report.status === 'returned') open.push({ ...p, cookie });
    }
    writeFileSync(sessionsFile, JSON.stringify(Object.fromEntries(kept)));
    if (open.length < count) throw new Error(`只有 ${open.length} 份可上传材料的报表，需要 ${count} 份`);
    return open;
  } finally {
    await server.stop();
  }
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const spread = (xs: readonly number[], digits = 0) => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

/**
 * `runs` runs each of 20 × 1 MB and 20 × 10 MB (alternating, each in a fresh server): the medians, the spread in the notes.
 * Targets: throughput at least 20 MB/s on loopback; the peak memory with 10 MB files at most 64 MB above the peak with 1 MB files
 * (buffering the uploads would add ~180 MB).
 */
export async function evidenceUploads(
  env: Record<string, string>,
  uploaders: readonly SignedIn[],
  period: Period,
  runs: number,
  log: (line: string) => void,
): Promise<{ figures: Figure[]; runs: EvidenceRun[] }> {
  const all: EvidenceRun[] = [];
  for (let i = 0; i < runs; i++) {
    for (const fileMb of [1, 10]) {
      const run = await oneRun(env, uploaders, period, fileMb);
      log(
        `  ${run.clients} × ${fileMb} MB：${run.seconds.toFixed(2)} 秒，${run.mbPerSecond.toFixed(1)} MB/s，内存 ${run.rssBeforeMb.toFixed(0)} → 峰值 ${run.peakMb.toFixed(0)} MB${run.failures.length ? `，失败 ${run.failures.length}：${run.failures[0]}` : ''}`,
      );
      all.push(run);
    }
  }
  const of = (mb: number) => all.filter((r) => r.fileMb === mb);
  const small = of(1);
  const large = of(10);
  const failures = all.reduce((t, r) => t + r.failures.length, 0);
  const growth = median(large.map((r) => r.peakMb)) - median(small.map((r) => r.peakMb));
  const clients = uploaders.length;
  return {
    runs: all,
    figures: [
      {
        name: `佐证材料上传吞吐（${clients} × 10 MB 同时）`,
        median: median(large.map((r) => r.mbPerSecond)),
        p95: Math.min(...large.map((r) => r.mbPerSecond)),
        samples: large.length,
        unit: 'MB/s',
        target: { atLeast: 20 },
        baseline: null,
        note: `${runs} 次重跑，范围 ${spread(
          large.map((r) => r.mbPerSecond),
          1,
        )} MB/s；p95 一栏为最慢一次；${failures} 次失败`,
      },
      {
        name: `佐证材料上传吞吐（${clients} × 1 MB 同时）`,
        median: median(small.map((r) => r.mbPerSecond)),
        p95: Math.min(...small.map((r) => r.mbPerSecond)),
        samples: small.length,
        unit: 'MB/s',
        target: {},
        baseline: null,
        note: `范围 ${spread(
          small.map((r) => r.mbPerSecond),
          1,
        )} MB/s`,
      },
      ...[large, small].map(
        (set): Figure => ({
          name: `上传时服务器常驻内存峰值（${clients} × ${set[0]!.fileMb} MB）`,
          median: median(set.map((r) => r.peakMb)),
          p95: Math.max(...set.map((r) => r.peakMb)),
          samples: set.length,
          unit: 'MB',
          target: { p95AtMost: 400 },
          baseline: null,
          note: `VmHWM，每次新进程；范围 ${spread(set.map((r) => r.peakMb))} MB，上传前 ${median(set.map((r) => r.rssBeforeMb)).toFixed(0)} MB；p95 一栏为最高一次`,
        }),
      ),
      {
        name: '内存峰值随文件大小的增长（10 MB 减 1 MB）',
        median: growth,
        p95: growth,
        samples: all.length,
        unit: 'MB',
        target: { p95AtMost: 64 },
        baseline: null,
        note: `峰值减上传前：10 MB ${median(large.map((r) => r.peakMb - r.rssBeforeMb)).toFixed(0)} MB（${spread(large.map((r) => r.peakMb - r.rssBeforeMb))}），1 MB ${median(small.map((r) => r.peakMb - r.rssBeforeMb)).toFixed(0)} MB（${spread(small.map((r) => r.peakMb - r.rssBeforeMb))}）；文件多 ${clients * 9} MB，缓冲整个文件会多约 ${clients * 9} MB`,
      },
    ],
  };
}
