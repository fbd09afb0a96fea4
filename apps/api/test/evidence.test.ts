import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { type DatabaseHandle, type EvidenceStore, sweepOrphanEvidence } from '@oversight/db';
import { createTestDatabase, describeEachDatabase } from '@oversight/db/testing';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteEvidence, openTestStore, photo, png, STORAGES, storedHashes, uploadEvidence } from './evidence-support.js';
import { cookie, county, server } from './files-support.js';
import { makePdf } from './pdf.js';

/**
 * Evidence (issue 15) through HTTP, on both databases and both storages (a folder, and a local S3-compatible server):
 * upload, list, serve, thumbnails, removal, freezing with the report, audit, the county zip, the orphan sweep.
 * Bad input (types, sizes, names) is in evidence-hostile.test.ts.
 */
const PERIOD = '2026Q3';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const MB = 1024 * 1024;

function unzip(buffer: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      const entries = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, async (err, stream) => {
          if (err || !stream) return reject(err);
          const chunks: Buffer[] = [];
          for await (const c of stream) chunks.push(c as Buffer);
          entries.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
      zip.on('end', () => resolve(entries));
      zip.readEntry();
    });
  });
}

await describeEachDatabase('evidence', (kind) => {
  for (const storage of STORAGES) {
    describe(`storage: ${storage}`, () => {
      let handle: DatabaseHandle;
      let app: FastifyInstance;
      let store: EvidenceStore;
      let closeStore: () => Promise<void>;
      let setup: Awaited<ReturnType<typeof county>>;

      beforeAll(async () => {
        handle = await createTestDatabase(kind);
        setup = await county(handle);
        ({ store, close: closeStore } = await openTestStore(storage));
        app = await server(handle, undefined, null, { store, limits: { maxFileBytes: 2 * MB, maxReportBytes: 5 * MB } });
      });
      afterAll(async () => {
        await app?.close();
        await closeStore?.();
        await handle?.close();
      });

      const list = async (schoolId: number, period = PERIOD) =>
        handle.db.selectFrom('evidenceFiles').selectAll().where('schoolId', '=', schoolId).where('period', '=', period).orderBy('id').execute();

      it('a principal attaches a policy PDF to an indicator and a photo to a domain; both are listed, served and audited', async () => {
        const { principal, officerA } = setup.sessions;
        const policy = makePdf(['policy']);
        const up = await uploadEvidence(app, principal, setup.primary.id, PERIOD, policy, {
          name: '食品安全责任险保单（2026）.pdf',
          indicator: 'food_liability_insured',
        });
        expect(up.statusCode, up.body).toBe(200);
        const file = up.json();
        expect(file).toEqual({
          id: expect.any(Number),
          name: '食品安全责任险保单（2026）.pdf',
          size: policy.length,
          type: 'application/pdf',
          sha256: sha(policy),
          indicator: 'food_liability_insured',
          domain: null,
        });
        expect(await store.has(sha(policy))).toBe(true);

        // Fields may come after the file, as some clients send them.
        const picture = await photo();
        const up2 = await uploadEvidence(app, principal, setup.primary.id, PERIOD, picture, { name: 'IMG_0001.JPG', domain: 'green', fieldsAfter: true });
        expect(up2.statusCode, up2.body).toBe(200);
        expect(up2.json()).toMatchObject({ type: 'image/jpeg', domain: 'green', indicator: null });

        // The officer of the county sees both, in upload order, with who uploaded them.
        const listed = await app.inject({
          method: 'GET',
          url: `/trpc/evidence.list?input=${encodeURIComponent(JSON.stringify({ json: { schoolId: setup.primary.id, period: PERIOD } }))}`,
          cookies: cookie(officerA),
        });
        expect(listed.statusCode, listed.body).toBe(200);
        const entries = listed.json().result.data.json;
        expect(entries.map((e: { name: string }) => e.name)).toEqual(['食品安全责任险保单（2026）.pdf', 'IMG_0001.JPG']);
        expect(entries[0]).toMatchObject({ ...file, uploadedBy: expect.stringMatching(/^principal-/) });
        expect(new Date(entries[0].uploadedAt).toISOString()).toBe(entries[0].uploadedAt);

        // Served inline for the browser's viewer, the Chinese name per RFC 5987, not sniffed, sandboxed or script-free.
        const got = await app.inject({ method: 'GET', url: `/api/evidence/${file.id}`, cookies: cookie(officerA) });
        expect(got.statusCode).toBe(200);
        expect(got.rawPayload.equals(policy)).toBe(true);
        expect(got.headers['content-type']).toBe('application/pdf');
        expect(got.headers['x-content-type-options']).toBe('nosniff');
        expect(got.headers['content-security-policy']).toContain("default-src 'none'");
        expect(got.headers['content-disposition']).toBe(
          `inline; filename="??????????2026?.pdf"; filename*=UTF-8''${encodeURIComponent('食品安全责任险保单（2026）.pdf').replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`,
        );
        const download = await app.inject({ method: 'GET', url: `/api/evidence/${file.id}?download=1`, cookies: cookie(officerA) });
        expect(download.headers['content-disposition']).toMatch(/^attachment; /);

        // Both uploads are in the audit log: who, which file, its hash.
        const audit = await handle.db
          .selectFrom('auditLog')
          .selectAll()
          .where('action', '=', 'evidence.upload')
          .where('schoolId', '=', setup.primary.id)
          .execute();
        expect(audit.map((a) => (a.after as { sha256: string }).sha256)).toContain(sha(policy));
        expect(audit.every((a) => a.actorId !== null)).toBe(true);
      });

      it('a photo is stored upright and without its EXIF metadata; its thumbnail is a small JPEG', async () => {
        const picture = await photo(64, 32);
        expect((await sharp(picture).metadata()).exif).toBeDefined();
        const up = await uploadEvidence(app, setup.sessions.principal, setup.primary.id, PERIOD, picture, { name: '绿化.jpg' });
        expect(up.statusCode, up.body).toBe(200);
        const got = await app.inject({ method: 'GET', url: `/api/evidence/${up.json().id}`, cookies: cookie(setup.sessions.principal) });
        const meta = await sharp(got.rawPayload).metadata();
        // Orientation 6 (rotate 90°) applied: 64×32 becomes 32×64; no EXIF left at all (no camera, no GPS).
        expect([meta.width, meta.height]).toEqual([32, 64]);
        expect(meta.exif).toBeUndefined();
        expect(meta.orientation).toBeUndefined();
        expect(up.json().sha256).toBe(sha(got.rawPayload));
        expect(got.headers['content-security-policy']).toMatch(/^sandbox/);

        const big = await png(1200, 800);
        const upBig = await uploadEvidence(app, setup.sessions.principal, setup.primary.id, PERIOD, big, { name: 'big.png' });
        const thumb = await app.inject({ method: 'GET', url: `/api/evidence/${upBig.json().id}?thumb=1`, cookies: cookie(setup.sessions.officerA) });
        expect(thumb.statusCode).toBe(200);
        expect(thumb.headers['content-type']).toBe('image/jpeg');
        const t = await sharp(thumb.rawPayload).metadata();
        expect([t.format, t.width, t.height]).toEqual(['jpeg', 320, 213]);

        const pdfThumb = await app.inject({
          method: 'GET',
          url: `/api/evidence/${(await list(setup.primary.id))[0]!.id}?thumb=1`,
          cookies: cookie(setup.sessions.officerA),
        });
        expect(pdfThumb.statusCode).toBe(404);
        expect(pdfThumb.json().error.message).toBe('该文件不是图片，没有缩略图。');
      });

      it('files are frozen with the report: no upload or removal while submitted or approved, allowed again once returned', async () => {
        const school = setup.noCanteen;
        const token = setup.sessions.otherPrincipal;
        const up = await uploadEvidence(app, token, school.id, PERIOD, makePdf(['frozen']), { name: '验收文件.pdf', indicator: 'assured_canteen_status' });
        // An indicator that does not apply to this school (no canteen) is still an indicator; the form decides where to offer it.
        expect(up.statusCode, up.body).toBe(200);
        const id = up.json().id;
        await handle.db
          .insertInto('reports')
          .values({ countyId: school.countyId, schoolId: school.id, period: PERIOD, status: 'approved', version: 3, values: '{}', explanations: '{}' })
          .execute();
        const before = await storedHashes(store);
        const refusedUpload = await uploadEvidence(app, token, school.id, PERIOD, makePdf(['late']), { name: '补充.pdf' });
        expect(refusedUpload.statusCode).toBe(409);
        expect(refusedUpload.json().error.message).toBe('该报表已审核通过，佐证材料随报表锁定，不能上传或删除；如需更正，请联系教育局重新打开报表。');
        const refusedRemoval = await deleteEvidence(app, setup.sessions.officerA, id);
        expect(refusedRemoval.statusCode).toBe(409);
        expect(await storedHashes(store)).toEqual(before);
        expect((await list(school.id)).map((r) => r.id)).toEqual([id]);

        await handle.db.updateTable('reports').set({ status: 'submitted' }).where('schoolId', '=', school.id).execute();
        const whileSubmitted = await deleteEvidence(app, token, id);
        expect(whileSubmitted.statusCode).toBe(409);
        expect(whileSubmitted.json().error.message).toBe('该报表已报送，佐证材料暂不能上传或删除；报表被退回后可以修改。');

        await handle.db.updateTable('reports').set({ status: 'returned' }).where('schoolId', '=', school.id).execute();
        const removed = await deleteEvidence(app, token, id);
        expect(removed.statusCode, removed.body).toBe(200);
        expect(await list(school.id)).toEqual([]);
        const audit = await handle.db.selectFrom('auditLog').selectAll().where('action', '=', 'evidence.remove').where('entityId', '=', String(id)).execute();
        expect(audit).toHaveLength(1);
        expect(audit[0]!.before).toMatchObject({ name: '验收文件.pdf', sha256: up.json().sha256, period: PERIOD });
        const gone = await app.inject({ method: 'GET', url: `/api/evidence/${id}`, cookies: cookie(token) });
        expect(gone.statusCode).toBe(404);
      });

      it('refuses files beyond the per-file and per-report limits while streaming, keeping nothing', async () => {
        const school = setup.vocational;
        const token = setup.sessions.officerA;
        const before = await storedHashes(store);
        const tooBig = Buffer.concat([makePdf(['big']).subarray(0, 9), Buffer.alloc(2 * MB + 10, 0x20), Buffer.from('%%EOF\n')]);
        const refused = await uploadEvidence(app, token, school.id, PERIOD, tooBig, { name: 'big.pdf' });
        expect(refused.statusCode).toBe(413);
        expect(refused.json().error).toMatchObject({ message: '文件超过2MB的上限，已拒绝。请压缩或拆分后再上传。', rule: 'too_large' });
        expect(await storedHashes(store)).toEqual(before);
        expect(await list(school.id)).toEqual([]);

        // 5 MB per report: two files of 1.9 MB fit, a third does not.
        const chunk = (n: number) => Buffer.concat([Buffer.from(`%PDF-1.4\n% ${n}\n`), Buffer.alloc(Math.round(1.9 * MB), 0x20), Buffer.from('\n%%EOF\n')]);
        for (const n of [1, 2]) expect((await uploadEvidence(app, token, school.id, PERIOD, chunk(n), { name: `${n}.pdf` })).statusCode).toBe(200);
        const third = await uploadEvidence(app, token, school.id, PERIOD, chunk(3), { name: '3.pdf' });
        expect(third.statusCode).toBe(413);
        expect(third.json().error.rule).toBe('report_too_large');
        expect(third.json().error.message).toMatch(/^本季度报表的佐证材料合计不能超过5MB/);
        expect(await list(school.id)).toHaveLength(2);

        // At once, four files of 1.9 MB on a report without a row yet: exactly two fit under the 5 MB, whatever the order.
        const together = await Promise.all([4, 5, 6, 7].map((n) => uploadEvidence(app, token, school.id, '2026Q4', chunk(n), { name: `${n}.pdf` })));
        expect(together.map((r) => r.statusCode).sort()).toEqual([200, 200, 413, 413]);
        expect(await list(school.id, '2026Q4')).toHaveLength(2);
      });

      it('the county zip has a folder per school and quarter with the original names, collisions numbered', async () => {
        const { officerA, principal } = setup.sessions;
        const same = makePdf(['twice-a']);
        const other = makePdf(['twice-b']);
        for (const file of [same, other]) {
          const up = await uploadEvidence(app, principal, setup.primary.id, '2026Q1', file, { name: '合同.pdf' });
          expect(up.statusCode, up.body).toBe(200);
        }
        const response = await app.inject({ method: 'GET', url: `/api/evidence/county/${setup.countyA.id}/2026.zip`, cookies: cookie(officerA) });
        expect(response.statusCode).toBe(200);
        expect(response.headers['content-type']).toBe('application/zip');
        expect(decodeURIComponent(String(response.headers['content-disposition']))).toContain('佐证材料-甲县-2026年.zip');
        const entries = await unzip(response.rawPayload);
        const folder = `${setup.primary.code} ${setup.primary.name}`;
        expect(entries.get(`${folder}/2026年第一季度/合同.pdf`)?.equals(same)).toBe(true);
        expect(entries.get(`${folder}/2026年第一季度/合同 (2).pdf`)?.equals(other)).toBe(true);
        expect([...entries.keys()].some((k) => k.startsWith(`${folder}/2026年第三季度/`))).toBe(true);
        // Only 甲县: 乙县's officer gets nothing of it, and a school's own zip is just that school.
        expect(
          (await app.inject({ method: 'GET', url: `/api/evidence/county/${setup.countyA.id}/2026.zip`, cookies: cookie(setup.sessions.officerB) })).statusCode,
        ).toBe(404);
        const one = await app.inject({
          method: 'GET',
          url: `/api/evidence/county/${setup.countyA.id}/2026.zip?schoolId=${setup.vocational.id}`,
          cookies: cookie(officerA),
        });
        expect([...(await unzip(one.rawPayload)).keys()].every((k) => k.startsWith(`${setup.vocational.code} `))).toBe(true);
      });

      it('the orphan sweep removes stored files no row refers to, once older than the grace period, and keeps the rest', async () => {
        const orphan = await store.keep(await store.receive(Readable.from([Buffer.from('nobody refers to me')]), 1024));
        const used = (await list(setup.primary.id))[0]!.sha256;
        expect(await sweepOrphanEvidence(handle.db, store, { olderThan: new Date(Date.now() - 60_000) })).toBe(0);
        expect(await store.has(orphan.sha256)).toBe(true);
        await sweepOrphanEvidence(handle.db, store, { olderThan: new Date(Date.now() + 60_000) });
        expect(await store.has(orphan.sha256)).toBe(false);
        expect(await store.has(used)).toBe(true);
        const rows = await handle.db.selectFrom('evidenceFiles').select('sha256').execute();
        for (const row of rows) expect(await store.has(row.sha256), row.sha256).toBe(true);
      });
    });
  }
});
