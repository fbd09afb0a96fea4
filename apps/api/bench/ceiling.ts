import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type { Database, Kysely } from '@oversight/db';
import type { Period } from '@oversight/domain';
import type { Figure } from './report.js';
import { quantile } from './stats.js';

/** Whether pgbench (Debian's postgresql-contrib / postgresql-client) is on the PATH. */
function hasPgbench(): boolean {
  return spawnSync('pgbench', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * The same machine's PostgreSQL doing only what an autosave writes: pgbench with a custom script running the save's
 * one statement (the report's update and its audit entry as a data-modifying CTE, with a report's full values) on the
 * writers' reports, as many clients as the HTTP run. No session, no read of the report, no HTTP: the ceiling the
 * application's save rate is set beside. Skipped with a notice when pgbench is absent.
 */
export async function pgbenchCeiling(
  db: Kysely<Database>,
  url: string,
  schoolIds: readonly number[],
  period: Period,
  seconds: number,
  clients: number,
  appRate: number | null,
  log: (line: string) => void,
): Promise<Figure[]> {
  if (!hasPgbench()) {
    log('  未找到 pgbench（Debian：apt-get install postgresql-contrib），跳过 PostgreSQL 上限一行。');
    return [];
  }
  const reports = await db
    .selectFrom('reports')
    .select(['id', 'values'])
    .where('schoolId', 'in', [...schoolIds])
    .where('period', '=', period)
    .execute();
  if (!reports.length) throw new Error('没有可供 pgbench 写入的报表');
  const actor = await db.selectFrom('users').select('id').orderBy('id').limit(1).executeTakeFirstOrThrow();
  const values = JSON.stringify(reports[0]!.values);
  const before = JSON.stringify({ version: 1, values: { electricity_kwh: 1000 } });
  const after = JSON.stringify({ version: 2, values: { electricity_kwh: 1001 } });
  const script = `\\set k random(1, ${reports.length})
with written as (
  update reports set values = :values::jsonb, explanations = '{}'::jsonb, version = version + 1, updated_at = now()
  where id = (array[${reports.map((r) => r.id).join(',')}])[:k]
  returning *
), audited as (
  insert into audit_log (actor_id, action, entity, entity_id, county_id, school_id, before, after, at)
  select ${actor.id}, 'report.save', 'report', written.id::text, written.county_id, written.school_id, :before::jsonb, :after::jsonb, now()
  from written returning id
)
select * from written;
`;
  const dir = mkdtempSync(path.join(tmpdir(), 'oversight-pgbench-'));
  try {
    const file = path.join(dir, 'save.sql');
    writeFileSync(file, script);
    const out = execFileSync(
      'pgbench',
      // The JSON goes in as bound parameters (-D, extended protocol), as the server sends it.
      [
        ...['-n', '-M', 'extended', '-c', String(clients), '-j', '2', '-T', String(seconds), '-f', file, '-l', '--log-prefix', path.join(dir, 'tx')],
        ...['-D', `values=${values}`, '-D', `before=${before}`, '-D', `after=${after}`, url],
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
    const failed = Number(/number of failed transactions: (\d+)/.exec(out)?.[1] ?? 0);
    // Per-transaction log lines: client, transaction, latency (µs), script, epoch, µs.
    const latencies = readdirSync(dir)
      .filter((f) => f.startsWith('tx'))
      .flatMap((f) =>
        readFileSync(path.join(dir, f), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => Number(line.split(' ')[2]) / 1000),
      )
      .sort((a, b) => a - b);
    const share = appRate === null ? '' : `；应用自动保存为其 ${((appRate / tps) * 100).toFixed(0)}%`;
    return [
      {
        name: 'PostgreSQL 上限：保存语句本身（pgbench）',
        median: tps,
        p95: tps,
        samples: latencies.length,
        unit: 'saves/s',
        target: {},
        baseline: null,
        note: `${clients} 个客户端，${seconds} 秒，同一条更新 + 审计插入（完整数值），p50 / p99 ${quantile(latencies, 0.5).toFixed(1)} / ${quantile(latencies, 0.99).toFixed(1)} ms，${failed} 次失败，负载 ${loadavg()[0]!.toFixed(1)}${share}`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
