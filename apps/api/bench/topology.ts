/**
 * `pnpm bench --topology replica`: two server processes (as behind the `scaled` profile's proxy), both with a
 * streaming replica behind DATABASE_READ_URL. Principals autosave through one as fast as it answers (load on the
 * primary) while an officer, through the other, reads the county overview and league table (served from the replica)
 * and approves reports, each timed until the replica's overview shows it.
 */
import { openDatabase } from '@oversight/db';
import type { Period } from '@oversight/domain';
import autocannon from 'autocannon';
import { BENCH_PASSWORD, type Seeded } from './database.js';
import type { BenchOptions } from './options.js';
import { actorOf, approvableReports, LEAGUE_INDICATOR, signedIn, submitDraft, YEAR } from './reads.js';
import { startReplica, type Replica } from './replica.js';
import type { Figure } from './report.js';
import { autosaves, draftWriters, failureCode, login, savingPrincipals, startServer } from './saves.js';
import { summarise } from './stats.js';

/** Approvals timed from the request until the replica's overview shows them. */
const APPROVALS = 10;

/** A county near the average size other than the one the single-server steps use (they approve its drafts too). */
function replicaCounty(seeded: Seeded) {
  const counties = seeded.province.counties;
  const mean = counties.reduce((t, c) => t + c.schools, 0) / counties.length;
  const sorted = [...counties].sort((a, b) => Math.abs(a.schools - mean) - Math.abs(b.schools - mean));
  return sorted[1] ?? sorted[0]!;
}

async function trpc(port: number, cookie: string, name: string, input: unknown, method: 'GET' | 'POST' = 'GET') {
  const base = `http://127.0.0.1:${port}/trpc/${name}`;
  const response =
    method === 'GET'
      ? await fetch(`${base}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, { headers: { cookie } })
      : await fetch(base, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ json: input }) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${name} 失败：${response.status} ${text.slice(0, 300)}`);
  // biome-ignore lint/suspicious/noExplicitAny: the answers read here are known by their procedure.
  return (JSON.parse(text) as { result: { data: { json: any } } }).result.data.json;
}

export async function replicaTopology(seeded: Seeded, options: BenchOptions, log: (line: string) => void): Promise<Figure[]> {
  const { handle, province, url } = seeded;
  const name = new URL(url).pathname.slice(1);
  let replica: Replica | null = null;
  if (!options.readUrl) {
    log('  用 pg_basebackup 建立本机流复制只读副本……');
    const admin = new URL(url);
    admin.pathname = '/postgres';
    replica = await startReplica(admin.toString());
  }
  const readUrl = options.readUrl ?? replica!.url(name);
  try {
    // The replica has the bench database once it has replayed the primary's WAL up to now.
    const probe = await openDatabase({ databaseUrl: url, readUrl, readWaitMs: 120_000, poolSize: 1 });
    try {
      for (let tries = 0; ; tries++) {
        try {
          const { caughtUp, waitedMs } = await probe.replica!.catchUp();
          if (!caughtUp) throw new Error(`只读副本${Math.round(waitedMs / 1000)}秒内未追上主库，无法测量`);
          break;
        } catch (error) {
          if (error instanceof Error && error.message.startsWith('只读副本')) throw error;
          if (tries > 600) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    } finally {
      await probe.close();
    }
    const county = replicaCounty(seeded);
    const principals = await savingPrincipals(handle.db, county.id, BENCH_PASSWORD, 32);
    const env = { BENCH_DATABASE_URL: url, BENCH_READ_URL: readUrl };
    const [server, saver] = await Promise.all([startServer(env), startServer(env)]);
    try {
      const officerUser = await signedIn(handle.db, county.officer.id);
      const officer = await login(server.port, county.officer.username, BENCH_PASSWORD);
      const last = province.periods.at(-1)!;
      const writers = await draftWriters(saver.port, principals, BENCH_PASSWORD, province.nextPeriod, last);
      const overviewInput = { countyId: county.id, year: YEAR };
      const leagueInput = { ...overviewInput, indicator: LEAGUE_INDICATOR };
      // Approved during the load (reopened first if an earlier run approved them), so set up before the warm-up.
      const schoolIds = await approvableReports(handle.db, actorOf(officerUser), county.id, last, APPROVALS);
      // Warm the kept figures once, as a dashboard in use would have.
      await trpc(server.port, officer, 'analytics.overview', overviewInput);
      await trpc(server.port, officer, 'analytics.ranking', leagueInput);

      let failures = 0;
      const failedBy = new Map<string, number>();
      const load = autocannon({
        url: `http://127.0.0.1:${saver.port}`,
        pipelining: 1,
        duration: options.saveSeconds,
        ...autosaves(writers, province.nextPeriod, (status, body) => {
          if (status === 200) return;
          failures += 1;
          const code = failureCode(status, body);
          failedBy.set(code, (failedBy.get(code) ?? 0) + 1);
        }),
      });
      let loading = true;
      void load.then(() => {
        loading = false;
      });
      const timed = async (samples: number[], name: string, input: unknown) => {
        while (loading) {
          const started = performance.now();
          await trpc(server.port, officer, name, input);
          samples.push(performance.now() - started);
        }
      };
      const overviewTimes: number[] = [];
      const leagueTimes: number[] = [];
      // Approvals during the load: submitted on the primary first, then approved over HTTP and read back on the replica.
      const visible: number[] = [];
      const approvals = (async () => {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        for (const schoolId of schoolIds) {
          if (!loading) break;
          const version = await submitDraft(handle.db, actorOf(officerUser), schoolId, last);
          const approvedOf = (ov: { completeness: { period: Period; approved: number }[] }) => ov.completeness.find((c) => c.period === last)!.approved;
          const before = approvedOf(await trpc(server.port, officer, 'analytics.overview', overviewInput));
          const started = performance.now();
          await trpc(server.port, officer, 'reports.approve', { schoolId, period: last, version }, 'POST');
          for (;;) {
            if (approvedOf(await trpc(server.port, officer, 'analytics.overview', overviewInput)) === before + 1) break;
            if (performance.now() - started > 10_000) throw new Error('审核通过10秒后副本上的总览仍未反映');
          }
          visible.push(performance.now() - started);
        }
      })();
      const [result] = await Promise.all([
        load,
        timed(overviewTimes, 'analytics.overview', overviewInput),
        timed(leagueTimes, 'analytics.ranking', leagueInput),
        approvals,
      ]);
      const rate = result['2xx'] / (result.duration || options.saveSeconds);
      const causes = [...failedBy].map(([code, n]) => `${code} ${n}`).join('、');
      const where = `副本（${options.readUrl ? 'DATABASE_READ_URL' : 'pg_basebackup 本机流复制'}），另一服务进程上 ${writers.length} 个客户端同时保存`;
      return [
        { name: '县总览（只读副本，保存负载下）', ...summarise(overviewTimes), unit: 'ms', target: { p95AtMost: 50 }, baseline: null, note: where },
        { name: '县排行榜（只读副本，保存负载下）', ...summarise(leagueTimes), unit: 'ms', target: { p95AtMost: 50 }, baseline: null, note: where },
        {
          name: '报表保存吞吐（主库，看板读副本）',
          median: rate,
          p95: rate,
          samples: result['2xx'],
          unit: 'saves/s',
          target: { atLeast: 1000 },
          baseline: null,
          note: `${writers.length} 个并发客户端，${options.saveSeconds} 秒，${failures + result.errors} 次失败${causes ? `（${causes}）` : ''}`,
        },
        {
          name: '时效：审核通过→副本上的总览',
          ...summarise(visible),
          unit: 'ms',
          target: { p95AtMost: 1000 },
          baseline: null,
          note: `${visible.length} 份报表，审核在副本重放其提交后才应答（等待主库 WAL 位置，至多 DATABASE_READ_WAIT_MS）`,
        },
      ];
    } finally {
      await Promise.all([server.stop(), saver.stop()]);
    }
  } finally {
    await replica?.stop();
  }
}
