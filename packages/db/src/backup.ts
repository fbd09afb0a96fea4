import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { PassThrough, Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { EvidenceStore, StoredObject } from './evidence-store/index.js';
import type { Database } from './schema.js';

/**
 * A logical backup: every application table, row by row as JSON, in an order that satisfies foreign keys, gzipped.
 * The same file restores into PGlite or PostgreSQL (so it also moves an embedded installation onto a server).
 * Rows travel through `row_to_json` / `json_populate_recordset`, which keeps every column type exact.
 * With an evidence store, the files the rows refer to travel too (before the rows, each as its hash and size then
 * base64 lines), so an embedded installation moves to PostgreSQL + object storage with its files; a restore puts
 * every file into the target store, checking its SHA-256, before the rows that refer to it commit.
 */
export const BACKUP_FORMAT = 'school-oversight-backup';
const FORMAT_VERSION = 1;
const PAGE = 2000;
// Kysely's own bookkeeping: the migration list is compared, not copied; the lock table is transient.
const MIGRATION_TABLE = 'kysely_migration';
const SKIPPED = new Set([MIGRATION_TABLE, 'kysely_migration_lock']);

interface TableInfo {
  name: string;
  primaryKey: string[];
  identity: string[];
}

interface Header {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  migrations: string[];
  createdAt: string;
  /** How many evidence files follow the header (absent in backups taken without a store). */
  evidenceFiles?: number;
}

type Line = { header: Header } | { table: string; rows: number } | { row: unknown } | { file: { sha256: string } } | { chunk: string } | { fileEnd: true };

/** Raw bytes per base64 line of a file. */
const CHUNK = 48 * 1024;

export interface BackupOptions {
  /** Where the evidence files are; without it only the database is backed up. */
  store?: EvidenceStore | undefined;
}

const ident = (name: string) => sql.id(name);

/** The schema's tables with their keys, parents before children. */
async function tables(db: Kysely<Database>): Promise<TableInfo[]> {
  const { rows } = await sql<{ name: string; primaryKey: string[] | null; identity: string[] | null; parents: string[] | null }>`
    select c.relname as name,
      (select array_agg(a.attname::text order by array_position(i.indkey, a.attnum))
         from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
        where i.indrelid = c.oid and i.indisprimary) as primary_key,
      (select array_agg(a.attname::text) from pg_attribute a
        where a.attrelid = c.oid and a.attidentity <> '' and not a.attisdropped) as identity,
      (select array_agg(distinct p.relname::text) from pg_constraint f join pg_class p on p.oid = f.confrelid
        where f.conrelid = c.oid and f.contype = 'f' and f.confrelid <> c.oid) as parents
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind = 'r'
    order by c.relname`.execute(db);
  const byName = new Map(rows.filter((r) => !SKIPPED.has(r.name)).map((r) => [r.name, r]));
  const ordered: TableInfo[] = [];
  const placed = new Set<string>();
  const visit = (name: string, path: Set<string>) => {
    if (placed.has(name) || !byName.has(name)) return;
    if (path.has(name)) throw new Error(`外键关系成环，无法确定备份顺序：${[...path, name].join(' → ')}`);
    const table = byName.get(name)!;
    for (const parent of table.parents ?? []) visit(parent, new Set([...path, name]));
    placed.add(name);
    if (!table.primaryKey?.length) throw new Error(`数据表 ${name} 没有主键，无法备份。`);
    ordered.push({ name, primaryKey: table.primaryKey, identity: table.identity ?? [] });
  };
  for (const name of byName.keys()) visit(name, new Set());
  return ordered;
}

async function appliedMigrations(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from ${ident(MIGRATION_TABLE)} order by name`.execute(db);
  return rows.map((r) => r.name);
}

/** Every row of a table as JSON text, in primary-key order, a page at a time (keyset, so large tables stay cheap). */
async function* tableRows(db: Kysely<Database>, table: TableInfo): AsyncGenerator<string> {
  const key = sql.join(table.primaryKey.map(ident));
  let after: unknown[] | null = null;
  for (;;) {
    const cursor: unknown[] | null = after;
    const where: RawBuilder<unknown> = cursor ? sql`where (${key}) > (${sql.join(cursor.map((v) => sql`${v}`))})` : sql``;
    const { rows }: { rows: { json: string; key: unknown[] }[] } = await sql<{ json: string; key: unknown[] }>`
      select row_to_json(t)::text as json, array[${sql.join(table.primaryKey.map((k) => sql`t.${ident(k)}::text`))}] as key
      from ${ident(table.name)} t ${where} order by ${key} limit ${PAGE}`.execute(db);
    for (const row of rows) yield row.json;
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1]!.key;
  }
}

/** Writes the whole database to `file` (gzipped JSON lines). Returns the row count per table. */
export async function backupDatabase(db: Kysely<Database>, file: string, options: BackupOptions = {}): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const { store } = options;
  // One repeatable-read snapshot, so the backup is consistent even while the server keeps writing.
  await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const list = await tables(trx);
      // The files the snapshot's rows refer to (each once), written before the rows.
      const hashes = store
        ? (await sql<{ sha256: string }>`select distinct sha256 from evidence_files order by sha256`.execute(trx)).rows.map((r) => r.sha256)
        : [];
      const header: Header = {
        format: BACKUP_FORMAT,
        formatVersion: FORMAT_VERSION,
        migrations: await appliedMigrations(trx),
        createdAt: new Date().toISOString(),
        ...(store ? { evidenceFiles: hashes.length } : {}),
      };
      async function* lines(): AsyncGenerator<string> {
        yield `${JSON.stringify({ header })}\n`;
        for (const sha256 of hashes) {
          const body = await store!.get(sha256);
          if (!body) throw new Error(`佐证材料文件 ${sha256} 在存储中找不到，无法完整备份：请先检查存储（${store!.kind}）。`);
          let pending = Buffer.alloc(0);
          yield `${JSON.stringify({ file: { sha256 } })}\n`;
          for await (const piece of body as AsyncIterable<Buffer>) {
            pending = Buffer.concat([pending, piece]);
            while (pending.length >= CHUNK) {
              yield `{"chunk":"${pending.subarray(0, CHUNK).toString('base64')}"}\n`;
              pending = pending.subarray(CHUNK);
            }
          }
          if (pending.length) yield `{"chunk":"${pending.toString('base64')}"}\n`;
          yield `{"fileEnd":true}\n`;
          counts.evidence_store = (counts.evidence_store ?? 0) + 1;
        }
        for (const table of list) {
          const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${ident(table.name)}`.execute(trx);
          counts[table.name] = rows[0]!.n;
          yield `${JSON.stringify({ table: table.name, rows: rows[0]!.n })}\n`;
          for await (const json of tableRows(trx, table)) yield `{"row":${json}}\n`;
        }
      }
      await pipeline(Readable.from(lines()), createGzip(), createWriteStream(file));
    });
  return counts;
}

async function* readLines(file: string): AsyncGenerator<Line> {
  const input = createReadStream(file).pipe(createGunzip());
  const reader = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const text of reader) if (text) yield JSON.parse(text) as Line;
  } catch (error) {
    throw new Error(`备份文件无法读取（不是有效的备份文件或已损坏）：${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Loads a backup into an empty, migrated database of the same schema version, in one transaction:
 * either everything is restored or nothing is. Identity counters continue after the restored rows.
 */
export async function restoreDatabase(db: Kysely<Database>, file: string, options: BackupOptions = {}): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const { store } = options;
  // The file being restored into the store: its declared hash, and the stream the store is receiving.
  let receiving: { sha256: string; input: PassThrough; done: Promise<StoredObject> } | null = null;
  const restored = new Set<string>();
  await db.transaction().execute(async (trx) => {
    const list = await tables(trx);
    const known = new Map(list.map((t) => [t.name, t]));
    for (const table of list) {
      const { rows } = await sql<{ any: boolean }>`select exists (select 1 from ${ident(table.name)}) as any`.execute(trx);
      if (rows[0]!.any) throw new Error(`目标数据库不是空的（数据表 ${table.name} 已有数据）：请恢复到一个新建的空数据库。`);
    }
    let current: TableInfo | null = null;
    let batch: string[] = [];
    const flush = async () => {
      if (!current || batch.length === 0) return;
      const overriding = current.identity.length ? sql`overriding system value` : sql``;
      await sql`insert into ${ident(current.name)} ${overriding}
        select * from json_populate_recordset(null::${ident(current.name)}, ${`[${batch.join(',')}]`}::json)`.execute(trx);
      counts[current.name] = (counts[current.name] ?? 0) + batch.length;
      batch = [];
    };
    let sawHeader = false;
    for await (const line of readLines(file)) {
      if ('header' in line) {
        if (line.header.format !== BACKUP_FORMAT) throw new Error('这不是本平台的备份文件。');
        const mine = await appliedMigrations(trx);
        if (JSON.stringify(mine) !== JSON.stringify(line.header.migrations)) {
          throw new Error(`备份的数据库版本（${line.header.migrations.at(-1) ?? '无'}）与当前版本（${mine.at(-1) ?? '无'}）不同：请使用相同版本的程序恢复。`);
        }
        sawHeader = true;
      } else if (!sawHeader) {
        throw new Error('这不是本平台的备份文件（缺少文件头）。');
      } else if ('file' in line) {
        if (!store) throw new Error('备份中含有佐证材料文件，恢复时需要指定佐证材料存储。');
        const input = new PassThrough();
        const sha256 = line.file.sha256;
        const done = store.receive(input, Number.MAX_SAFE_INTEGER).then(async (got) => {
          if (got.sha256 !== sha256) {
            await got.discard();
            throw new Error(`备份中的佐证材料文件 ${sha256} 校验失败（内容的SHA-256为 ${got.sha256}）：备份文件已损坏，未恢复。`);
          }
          return store.keep(got);
        });
        // A failure is reported where the file ends (an unhandled rejection must not end the process before that).
        done.catch(() => undefined);
        receiving = { sha256, input, done };
      } else if ('chunk' in line) {
        if (!receiving) throw new Error('备份文件格式有误（文件内容不在文件开始之后）。');
        const r: { input: PassThrough } = receiving;
        if (!r.input.write(Buffer.from(line.chunk, 'base64'))) await once(r.input, 'drain');
      } else if ('fileEnd' in line) {
        if (!receiving) throw new Error('备份文件格式有误（文件结束标记多余）。');
        const r: { sha256: string; input: PassThrough; done: Promise<StoredObject> } = receiving;
        r.input.end();
        await r.done;
        restored.add(r.sha256);
        counts.evidence_store = (counts.evidence_store ?? 0) + 1;
        receiving = null;
      } else if ('table' in line) {
        await flush();
        current = known.get(line.table) ?? null;
        if (!current) throw new Error(`备份中的数据表 ${line.table} 在当前数据库中不存在。`);
        counts[current.name] = 0;
      } else {
        batch.push(JSON.stringify(line.row));
        if (batch.length >= PAGE) await flush();
      }
    }
    await flush();
    if (!sawHeader) throw new Error('备份文件是空的。');
    // Every file a restored row refers to is in the target store, checked by its hash above (or already there).
    if (store) {
      const { rows } = await sql<{ sha256: string }>`select distinct sha256 from evidence_files`.execute(trx);
      for (const { sha256 } of rows) {
        if (!restored.has(sha256) && !(await store.has(sha256))) {
          throw new Error(`佐证材料文件 ${sha256} 不在备份中，也不在目标存储中：未恢复任何数据。`);
        }
      }
    }
    for (const table of list) {
      for (const column of table.identity) {
        await sql`select setval(pg_get_serial_sequence(${table.name}, ${column}),
          coalesce((select max(${ident(column)}) from ${ident(table.name)}), 0) + 1, false)`.execute(trx);
      }
    }
  });
  return counts;
}
