#!/usr/bin/env -S npx tsx
import cluster, { type Worker } from 'node:cluster';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  backupDatabase,
  createUser,
  DEFAULT_AUTH_POLICY,
  DEMO_ACCOUNTS,
  migrateToLatest,
  restoreDatabase,
  openDatabase,
  seedDemoCounty,
  sweepOrphanEvidence,
  SYSTEM_ACTOR,
  withStartupLock,
  type DatabaseHandle,
  type EvidenceStore,
} from '@oversight/db';
import { periodLabel, REPORT_STATUS_LABELS, REPORT_STATUSES } from '@oversight/domain';
import { readEnv, type Env } from './env.js';
import { buildServer, evidenceStoreFromEnv } from './server.js';

/** Evidence files no row refers to are removed once this old (an upload whose row never committed, a removed file). */
const ORPHAN_GRACE_MINUTES = 60;

async function sweep(handle: DatabaseHandle, store: EvidenceStore): Promise<number> {
  return sweepOrphanEvidence(handle.db, store, { olderThan: new Date(Date.now() - ORPHAN_GRACE_MINUTES * 60_000) });
}

type Settings = ReturnType<typeof readEnv>;

/** How often the embedded database's upkeep runs (`DatabaseHandle.maintain`), after once at start-up. */
const MAINTAIN_HOURS = 6;

function maintain(handle: DatabaseHandle, unlessDone = false): void {
  handle
    .maintain({ unlessDone })
    .catch((error: unknown) => console.warn(`数据库维护（VACUUM ANALYZE）失败：${error instanceof Error ? error.message : String(error)}`));
}

async function open(env: Settings): Promise<DatabaseHandle> {
  if (!env.DATABASE_URL) mkdirSync(env.dataDir, { recursive: true });
  const handle = await openDatabase({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.dataDir,
    readUrl: env.DATABASE_READ_URL,
    readWaitMs: env.DATABASE_READ_WAIT_MS,
  });
  // Several processes starting together on one PostgreSQL migrate one at a time (the others then find it done).
  await withStartupLock(handle, () => migrateToLatest(handle.db));
  return handle;
}

/**
 * On an empty database: the demo county, or (DEMO=0) just the system admin named in the environment. Under the
 * start-up lock, so of several processes starting together on one PostgreSQL exactly one seeds.
 */
function firstRun(handle: DatabaseHandle, env: Env): Promise<string[]> {
  return withStartupLock(handle, () => seedEmpty(handle, env));
}

async function seedEmpty(handle: DatabaseHandle, env: Env): Promise<string[]> {
  const { count } = await handle.db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  if (Number(count) > 0) return [];
  if (env.DEMO) {
    const demo = await seedDemoCounty(handle.db, { password: env.DEMO_PASSWORD });
    const sample = demo.principals.slice(0, 3).map((p) => `${p.username}（${p.school}）`);
    const reports = Object.values(demo.reports).reduce((a, b) => a + b, 0);
    const span = `${periodLabel(demo.periods[0]!)}至${periodLabel(demo.periods.at(-1)!)}`;
    return [
      `已生成演示数据：${demo.countyName}，${demo.schools}所学校，${span}共${reports}份季度报表（${REPORT_STATUSES.map((s) => `${REPORT_STATUS_LABELS[s].zh}${demo.reports[s]}份`).join('、')}），当前填报季度为${periodLabel(demo.currentPeriod)}。`,
      `演示账号（密码均为 ${env.DEMO_PASSWORD}）：`,
      `  ${DEMO_ACCOUNTS.admin.username.padEnd(12)} 系统管理员`,
      `  ${DEMO_ACCOUNTS.bureau.username.padEnd(12)} 县教育局管理员`,
      `  ${DEMO_ACCOUNTS.officer.username.padEnd(12)} 县教育局业务人员`,
      `  每所学校一个校长账号，用户名为学校标识码，例如 ${sample.join('、')}`,
    ];
  }
  if (!env.ADMIN_USERNAME || !env.ADMIN_PASSWORD) {
    throw new Error('数据库为空且 DEMO=0：请设置 ADMIN_USERNAME 和 ADMIN_PASSWORD 以创建系统管理员。');
  }
  await createUser(handle.db, SYSTEM_ACTOR, {
    role: 'system_admin',
    username: env.ADMIN_USERNAME,
    displayName: '系统管理员',
    password: env.ADMIN_PASSWORD,
  });
  return [`已创建系统管理员账号：${env.ADMIN_USERNAME}`];
}

async function start(env: Settings) {
  if (env.WORKERS > 1 && cluster.isPrimary) return supervise(env);
  const handle = await open(env);
  // In a cluster the supervisor has seeded and swept before starting the workers.
  const notes = cluster.isWorker ? [] : await firstRun(handle, env);
  const store = evidenceStoreFromEnv();
  // Files left by uploads cut off before their row committed, or removed from their report: cleaned at start-up.
  if (!cluster.isWorker)
    sweep(handle, store).then(
      (n) => n && console.log(`已清理${n}个不再使用的佐证材料文件。`),
      (error: unknown) => console.warn(`清理佐证材料文件失败：${error instanceof Error ? error.message : String(error)}`),
    );
  const app = await buildServer({
    db: handle.db,
    sessions: handle.sessions,
    replica: handle.replica ?? null,
    evidenceStore: store,
    webDir: env.webDir,
    cookieSecure: env.COOKIE_SECURE,
    trustProxy: env.TRUST_PROXY,
    authPolicy: { ...DEFAULT_AUTH_POLICY, sessionHours: env.SESSION_HOURS },
    logger: false,
  });
  await app.listen({ port: env.PORT, host: env.HOST });
  // The embedded database's statistics and visibility map: gathered now if it never had them (seconds on a busy
  // machine; requests wait meanwhile) and kept up to date every few hours.
  maintain(handle, true);
  const upkeep = setInterval(() => maintain(handle), MAINTAIN_HOURS * 3600_000);
  upkeep.unref();
  const stop = async () => {
    clearInterval(upkeep);
    await app.close();
    await handle.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (cluster.isWorker) return;
  const port = (app.server.address() as { port: number }).port;
  console.log(['', `县域学校后勤督导平台已启动：http://localhost:${port}`, `数据库：${where(env)}`, ...notes, ''].join('\n'));
}

function where(env: Settings): string {
  if (!env.DATABASE_URL) return `内置数据库 PGlite（${env.dataDir}）`;
  return env.DATABASE_READ_URL ? 'PostgreSQL（DATABASE_URL），看板读只读副本（DATABASE_READ_URL）' : 'PostgreSQL（DATABASE_URL）';
}

/**
 * WORKERS=N: this process migrates, seeds and sweeps once, then runs N server processes sharing the port (node:cluster
 * hands connections out in turn). Everything they share lives in PostgreSQL: sessions, sign-in and cost counters, kept
 * dashboard figures, reminders, imports. A worker that dies is replaced; SIGINT/SIGTERM stop them all.
 */
async function supervise(env: Settings) {
  const handle = await open(env);
  let notes: string[];
  try {
    notes = await firstRun(handle, env);
    const store = evidenceStoreFromEnv();
    try {
      const n = await sweep(handle, store);
      if (n) notes.push(`已清理${n}个不再使用的佐证材料文件。`);
    } catch (error) {
      console.warn(`清理佐证材料文件失败：${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await store.close();
    }
  } finally {
    await handle.close();
  }
  let stopping = false;
  let announced = false;
  const listening = new Set<number>();
  const fork = () => cluster.fork();
  cluster.on('listening', (worker: Worker, address) => {
    listening.add(worker.id);
    if (announced || listening.size < env.WORKERS) return;
    announced = true;
    console.log(
      ['', `县域学校后勤督导平台已启动：http://localhost:${address.port}（${env.WORKERS}个服务进程）`, `数据库：${where(env)}`, ...notes, ''].join('\n'),
    );
  });
  cluster.on('exit', (worker, code, signal) => {
    listening.delete(worker.id);
    if (stopping) {
      if (!Object.keys(cluster.workers ?? {}).length) process.exit(0);
      return;
    }
    console.warn(`服务进程 ${worker.process.pid} 已退出（${signal ?? code}），正在重新启动。`);
    setTimeout(fork, 1000);
  });
  const stop = () => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {});
    if (!workers.length) process.exit(0);
    for (const worker of workers) worker?.process.kill('SIGTERM');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  for (let i = 0; i < env.WORKERS; i++) fork();
}

async function main() {
  const command = process.argv[2] ?? 'start';
  const env = readEnv();
  switch (command) {
    case 'start':
      return start(env);
    case 'migrate': {
      const handle = await open(env);
      console.log('数据库已迁移到最新版本。');
      return handle.close();
    }
    case 'seed': {
      const handle = await open(env);
      const notes = await firstRun(handle, env);
      console.log(notes.length ? notes.join('\n') : '数据库已有数据，未生成演示数据。');
      return handle.close();
    }
    case 'backup':
    case 'restore': {
      const file = process.argv[3];
      if (!file) {
        console.error(`用法：pnpm ${command} <备份文件路径>，例如 pnpm ${command} ./oversight-backup.jsonl.gz`);
        process.exit(2);
      }
      const target = path.resolve(env.baseDir, file);
      const handle = await open(env);
      // Evidence files travel with the database: from (and into) the store the settings name.
      const store = evidenceStoreFromEnv();
      try {
        if (command === 'backup') await sweep(handle, store);
        const { evidence_store: files = 0, ...counts } =
          command === 'backup' ? await backupDatabase(handle.db, target, { store }) : await restoreDatabase(handle.db, target, { store });
        const rows = Object.values(counts).reduce((a, b) => a + b, 0);
        console.log(
          `${command === 'backup' ? '已备份到' : '已从以下文件恢复'} ${target}：${Object.keys(counts).length}张表，共${rows}行；佐证材料文件${files}个（${store.kind === 's3' ? '对象存储' : '数据目录'}）。`,
        );
      } finally {
        await store.close();
        await handle.close();
      }
      return;
    }
    default:
      console.error(`未知命令：${command}。可用命令：start | migrate | seed | backup <文件> | restore <文件>`);
      process.exit(2);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
