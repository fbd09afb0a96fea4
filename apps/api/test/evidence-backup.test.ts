import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { backupDatabase, restoreDatabase, type DatabaseHandle, type EvidenceStore } from '@oversight/db';
import { createTestDatabase, databaseKinds } from '@oversight/db/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, photo, uploadEvidence } from './evidence-support.js';
import { cookie, county, server } from './files-support.js';
import { makePdf } from './pdf.js';

/**
 * Backup and restore carry the evidence files: an embedded installation (PGlite, files under DATA_DIR) is backed up
 * and restored into PostgreSQL with S3-compatible storage, and every file is there, readable, with its hash.
 */
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const dir = mkdtempSync(path.join(tmpdir(), 'oversight-evidence-backup-'));
const postgres = (await databaseKinds()).includes('postgres');

describe.skipIf(!postgres)('evidence in backup and restore: PGlite + folder → PostgreSQL + S3', () => {
  let source: DatabaseHandle;
  let sourceStore: { store: EvidenceStore; close: () => Promise<void> };
  let sourceApp: FastifyInstance;
  let setup: Awaited<ReturnType<typeof county>>;
  const uploaded: { id: number; sha256: string; bytes: Buffer }[] = [];
  const backup = path.join(dir, 'with-evidence.jsonl.gz');

  beforeAll(async () => {
    source = await createTestDatabase('pglite');
    setup = await county(source);
    sourceStore = await openTestStore('fs');
    sourceApp = await server(source, undefined, null, { store: sourceStore.store });
    // A large file spans many backup lines; the same bytes on two reports are kept (and backed up) once.
    const large = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(300 * 1024, 0x42), Buffer.from('\n%%EOF\n')]);
    const files: [number, Buffer][] = [
      [setup.primary.id, makePdf(['one'])],
      [setup.primary.id, await photo(80, 60)],
      [setup.noCanteen.id, large],
      [setup.vocational.id, makePdf(['one'])],
    ];
    for (const [schoolId, bytes] of files) {
      const response = await uploadEvidence(sourceApp, setup.sessions.officerA, schoolId, '2026Q1', bytes, { name: `文件${uploaded.length}.pdf` });
      expect(response.statusCode, response.body).toBe(200);
      const got = await sourceApp.inject({ method: 'GET', url: `/api/evidence/${response.json().id}`, cookies: cookie(setup.sessions.officerA) });
      uploaded.push({ id: response.json().id, sha256: response.json().sha256, bytes: got.rawPayload });
    }
    const counts = await backupDatabase(source.db, backup, { store: sourceStore.store });
    expect(counts.evidence_store).toBe(3);
    expect(counts.evidence_files).toBe(4);
  });
  afterAll(async () => {
    await sourceApp?.close();
    await sourceStore?.close();
    await source?.close();
  });

  it('restores every row and every file into PostgreSQL and object storage, readable with matching hashes', async () => {
    const target = await createTestDatabase('postgres');
    const s3 = await openTestStore('s3');
    try {
      const counts = await restoreDatabase(target.db, backup, { store: s3.store });
      expect(counts.evidence_store).toBe(3);
      expect(counts.evidence_files).toBe(4);
      const app = await server(target, undefined, null, { store: s3.store });
      try {
        for (const file of uploaded) {
          const response = await app.inject({ method: 'GET', url: `/api/evidence/${file.id}`, cookies: cookie(setup.sessions.officerA) });
          expect(response.statusCode).toBe(200);
          expect(sha(response.rawPayload)).toBe(file.sha256);
          expect(response.rawPayload.equals(file.bytes)).toBe(true);
        }
      } finally {
        await app.close();
      }
    } finally {
      await s3.close();
      await target.close();
    }
  });

  it('refuses a backup whose file does not match its hash, restoring nothing', async () => {
    const lines = gunzipSync(readFileSync(backup)).toString('utf8').split('\n');
    const i = lines.findIndex((l) => l.startsWith('{"chunk"'));
    const chunk = JSON.parse(lines[i]!).chunk as string;
    lines[i] = JSON.stringify({ chunk: Buffer.from(`X${Buffer.from(chunk, 'base64').toString('latin1').slice(1)}`, 'latin1').toString('base64') });
    const damaged = path.join(dir, 'damaged.jsonl.gz');
    writeFileSync(damaged, gzipSync(lines.join('\n')));
    const target = await createTestDatabase('postgres');
    const store = await openTestStore('fs');
    try {
      await expect(restoreDatabase(target.db, damaged, { store: store.store })).rejects.toThrow(/校验失败/);
      const rows = await target.db.selectFrom('evidenceFiles').selectAll().execute();
      expect(rows).toEqual([]);
      // Without a store, a backup with files is refused rather than restored without them.
      await expect(restoreDatabase(target.db, backup)).rejects.toThrow('备份中含有佐证材料文件，恢复时需要指定佐证材料存储。');
    } finally {
      await store.close();
      await target.close();
    }
  });
});
