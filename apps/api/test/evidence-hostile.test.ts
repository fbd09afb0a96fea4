import type { DatabaseHandle, EvidenceStore } from '@oversight/db';
import { createTestDatabase, describeEachDatabase } from '@oversight/db/testing';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteEvidence, openTestStore, photo, STORAGES, storedHashes, uploadEvidence } from './evidence-support.js';
import { cookie, county, server } from './files-support.js';
import { parse } from 'content-disposition';
import ExcelJS from 'exceljs';
import { makePdf } from './pdf.js';

/**
 * Bad evidence uploads, on both databases and both storages: files whose content is not an accepted type
 * (whatever their name says), damaged and truncated files, random bytes, lying declared sizes, hostile names.
 * Every refusal is a 4xx with a Chinese message, never a 500, and nothing is stored: no row, no file.
 */
const PERIOD = '2026Q2';
const CHINESE = /[\u4e00-\u9fff]/;

const MZ_EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), Buffer.alloc(64), Buffer.from('PE\0\0'), Buffer.alloc(200)]);
const SVG = Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>');
const HTML = Buffer.from('<!doctype html><html><body><script>fetch("/trpc/auth.me")</script></body></html>');
const SCRIPT = Buffer.from('#!/bin/sh\nrm -rf /\n');
const ZIP = Buffer.from('504b0304140000000000000000000000000000000000000000000000000000000504b0506000000000000000000000000000000', 'hex');
const GZIP = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8]);
// An OLE compound document that is neither Word nor Excel (as an .msi installer is).
const OLE_HEADER = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

async function xlsx(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('表').getCell('A1').value = 1;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

await describeEachDatabase('evidence: hostile uploads', (kind) => {
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
        app = await server(handle, undefined, null, { store, limits: { maxFileBytes: 256 * 1024, maxReportBytes: 1024 * 1024 } });
      });
      afterAll(async () => {
        await app?.close();
        await closeStore?.();
        await handle?.close();
      });

      const rows = async () =>
        Number(
          (
            await handle.db
              .selectFrom('evidenceFiles')
              .select((eb) => eb.fn.countAll<string>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );

      /** A refused upload: the status, a Chinese message, and nothing stored (no row, no file, no temporary file). */
      async function refused(response: Awaited<ReturnType<typeof uploadEvidence>>, before: { rows: number; files: string[] }, label: string) {
        expect(response.statusCode, `${label}: ${response.body}`).toBeGreaterThanOrEqual(400);
        expect(response.statusCode, label).toBeLessThan(500);
        expect(response.json().error.message, label).toMatch(CHINESE);
        expect(await rows(), label).toBe(before.rows);
        expect(await storedHashes(store), label).toEqual(before.files);
      }
      const snapshot = async () => ({ rows: await rows(), files: await storedHashes(store) });

      it('refuses by content, whatever the name: an .exe named .pdf, SVG, HTML, scripts, archives, an OLE file that is no document', async () => {
        const cases: [string, Buffer, number, RegExp][] = [
          ['合同.pdf', MZ_EXE, 415, /不接受该类型的文件（识别为 \.exe）/],
          ['logo.png', SVG, 415, /无法识别该文件的类型|不接受该类型/],
          ['通知.pdf', HTML, 415, /无法识别该文件的类型|不接受该类型/],
          ['run.jpg', SCRIPT, 415, /无法识别该文件的类型|不接受该类型/],
          ['照片.zip', ZIP, 415, /不接受该类型的文件/],
          ['a.pdf', GZIP, 415, /不接受该类型的文件（识别为 \.gz）/],
          ['setup.doc', Buffer.concat([OLE_HEADER, Buffer.alloc(600)]), 422, /文件已损坏或不完整/],
        ];
        for (const [name, body, status, message] of cases) {
          const before = await snapshot();
          const response = await uploadEvidence(app, setup.sessions.principal, setup.primary.id, PERIOD, body, { name, type: 'application/pdf' });
          await refused(response, before, name);
          expect(response.statusCode, name).toBe(status);
          expect(response.json().error.message, name).toMatch(message);
        }
        // What is accepted: a real workbook is taken as xlsx even when named .pdf; the stored type is the content's.
        const ok = await uploadEvidence(app, setup.sessions.principal, setup.primary.id, PERIOD, await xlsx(), { name: '台账.pdf' });
        expect(ok.statusCode, ok.body).toBe(200);
        expect(ok.json().type).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      });

      it('refuses truncated PDFs, photos and workbooks as damaged', async () => {
        const cut = (b: Buffer) => b.subarray(0, Math.floor(b.length * 0.6));
        for (const [name, body] of [
          ['保单.pdf', cut(makePdf(['cut']))],
          ['照片.jpg', cut(await photo(200, 200))],
          ['台账.xlsx', cut(await xlsx())],
        ] as const) {
          const before = await snapshot();
          const response = await uploadEvidence(app, setup.sessions.principal, setup.primary.id, PERIOD, body, { name });
          await refused(response, before, name);
          expect(response.statusCode, name).toBe(422);
          expect(response.json().error.rule, name).toBe('damaged');
        }
      });

      it('refuses wrong fields, two files, an unknown indicator or domain, a missing file, and non-multipart bodies', async () => {
        const before = await snapshot();
        const token = setup.sessions.principal;
        const cases = [
          await uploadEvidence(app, token, setup.primary.id, PERIOD, makePdf(['evidence']), { indicator: 'no_such_code' }),
          await uploadEvidence(app, token, setup.primary.id, PERIOD, makePdf(['evidence']), { domain: 'basics' }),
          await uploadEvidence(app, token, setup.primary.id, PERIOD, makePdf(['evidence']), { indicator: 'liability_insured', domain: 'insurance' }),
          await uploadEvidence(app, token, setup.primary.id, PERIOD, makePdf(['evidence']), { indicator: 'liability_rate' }),
          await uploadEvidence(app, token, setup.primary.id, '2026Q9', makePdf(['evidence'])),
          await uploadEvidence(app, token, setup.primary.id, PERIOD, Buffer.alloc(0)),
          await app.inject({
            method: 'POST',
            url: `/api/reports/${setup.primary.id}/${PERIOD}/evidence`,
            headers: { 'content-type': 'application/json', host: 'oversight.test', origin: 'http://oversight.test' },
            cookies: cookie(token),
            payload: '{}',
          }),
        ];
        for (const [i, response] of cases.entries()) await refused(response, before, `case ${i}`);
        expect(cases.map((r) => r.statusCode)).toEqual([400, 400, 400, 400, 400, 400, 415]);
        expect(cases[0]!.json().error.message).toBe('未知的指标代码（indicator）：no_such_code。');
        expect(cases[4]!.json().error.message).toContain('季度格式应为“2026Q1”');
        // A cross-site form post is refused before anything is read.
        const foreign = await uploadEvidence(app, token, setup.primary.id, PERIOD, makePdf(['evidence']), { headers: { origin: 'http://evil.example' } });
        await refused(foreign, before, 'cross-site');
        expect(foreign.statusCode).toBe(403);
        // A removal must prove it comes from our pages too: another site's Origin, or no Origin at all, is refused.
        const id = (await handle.db.selectFrom('evidenceFiles').select('id').where('schoolId', '=', setup.primary.id).executeTakeFirstOrThrow()).id;
        const attempts: Record<string, string>[] = [{ origin: 'http://evil.example' }, { origin: '' }, { 'sec-fetch-site': 'cross-site' }];
        for (const headers of attempts) {
          const response = await deleteEvidence(app, token, id, headers);
          expect(response.statusCode, JSON.stringify(headers)).toBe(403);
          expect(response.json().error.message).toBe('请求来源不被允许：只接受本站页面发出的请求。');
        }
        expect(await rows()).toBe(before.rows);
      });

      it('a hostile file name is kept as text only and served safely', async () => {
        const names = [
          '../../../etc/passwd.pdf',
          'a\u0000b.pdf',
          `${'很'.repeat(300)}.pdf`,
          'invoice\u202Efdp.exe.pdf',
          '"; filename=evil.html.pdf',
          '<script>.pdf',
        ];
        for (const name of names) {
          const response = await uploadEvidence(app, setup.sessions.principal, setup.primary.id, PERIOD, makePdf([name]), { name });
          expect(response.statusCode, `${name}: ${response.body}`).toBe(200);
          const stored = response.json().name as string;
          expect(stored).not.toMatch(/[\\/\u0000\u202e]/);
          expect([...stored].length).toBeLessThanOrEqual(200);
          const got = await app.inject({ method: 'GET', url: `/api/evidence/${response.json().id}`, cookies: cookie(setup.sessions.officerA) });
          expect(got.statusCode).toBe(200);
          const disposition = String(got.headers['content-disposition']);
          // Nothing from the name escapes its quoted, encoded place: the header parses back to exactly the stored name.
          const parsed = parse(disposition);
          expect(parsed.type).toBe('inline');
          expect(parsed.parameters.filename, name).toBe(stored);
          expect(disposition).toMatch(/^inline; filename=("[^"\\]*"|[\w.!#$&+^`|~-]+)(; filename\*=UTF-8''[A-Za-z0-9%._~!'*-]+)?$/);
        }
      });

      it('property: random bytes, random cuts of real files and lying sizes are refused with a Chinese 4xx and leave nothing stored', async () => {
        const good = [makePdf(['prop']), await photo(120, 80), await xlsx()];
        const before = await snapshot();
        await fc.assert(
          fc.asyncProperty(
            fc.oneof(
              fc.uint8Array({ minLength: 1, maxLength: 4096 }).map((a) => Buffer.from(a)),
              fc
                .tuple(fc.constantFrom(...good), fc.double({ min: 0.05, max: 0.95, noNaN: true }))
                .map(([file, share]) => file.subarray(0, Math.max(1, Math.floor(file.length * share)))),
              fc.constantFrom(MZ_EXE, SVG, HTML, SCRIPT, ZIP, GZIP),
            ),
            fc.constantFrom('保单.pdf', 'IMG_0001.JPG', 'a.docx', '无扩展名'),
            fc.option(fc.integer({ min: 0, max: 2 ** 40 })),
            async (body, name, declared) => {
              const headers: Record<string, string> = declared === null ? {} : { 'content-length': String(declared) };
              const response = await uploadEvidence(app, setup.sessions.principal, setup.primary.id, PERIOD, body, { name, headers }).catch((error) => error);
              if (response instanceof Error) return; // a body that does not match its declared length never reaches a route
              expect(response.statusCode, response.body).toBeLessThan(500);
              if (response.statusCode === 200) {
                // Random bytes may happen to be acceptable (a cut that ends exactly after an image is not); then one row and its file.
                await handle.db.deleteFrom('evidenceFiles').where('id', '=', response.json().id).execute();
                return;
              }
              expect(response.statusCode).toBeGreaterThanOrEqual(400);
              expect(response.json().error.message).toMatch(CHINESE);
              expect(await rows()).toBe(before.rows);
            },
          ),
          { numRuns: 60 },
        );
        // No file of a refused upload was kept (accepted ones whose rows were dropped above are orphans for the sweep).
        expect(await rows()).toBe(before.rows);
      });

      it('a file above the limit is refused while streaming, even when it claims to be small', async () => {
        const before = await snapshot();
        const big = Buffer.concat([makePdf(['big']).subarray(0, 9), Buffer.alloc(400 * 1024, 0x41), Buffer.from('\n%%EOF\n')]);
        const response = await uploadEvidence(app, setup.sessions.principal, setup.primary.id, PERIOD, big, { name: 'big.pdf' });
        await refused(response, before, 'too large');
        expect(response.statusCode).toBe(413);
        expect(response.json().error.message).toBe('文件超过256KB的上限，已拒绝。请压缩或拆分后再上传。');
      });
    });
  }
});
