import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createUser, login, SYSTEM_ACTOR, type DatabaseHandle } from '@oversight/db';
import { createTestDatabase, describeEachDatabase } from '@oversight/db/testing';
import { readCell, type CellLike } from '@oversight/domain';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSheets } from '../src/files/ooxml.js';
import { inspectXlsx } from '../src/files/zip.js';
import { bytes, county, countyColumn, countyRow, download, QUARTER, reportOf, schoolValueCell, server, TYPED, upload, workbookOf } from './files-support.js';

/**
 * Templates round-trip through LibreOffice: downloaded, filled, opened and saved again by headless LibreOffice
 * (soffice --convert-to xlsx, its own writer), uploaded, and every value is stored exactly.
 * Without LibreOffice the suite is skipped with a notice; REQUIRE_OFFICE=1 (CI) makes that a failure.
 */
const SOFFICE = process.env.SOFFICE_PATH ?? '/usr/bin/soffice';
const missing = existsSync(SOFFICE) ? null : `LibreOffice not found at ${SOFFICE} (apt-get install -y libreoffice-calc-nogui)`;
if (missing && process.env.REQUIRE_OFFICE === '1') throw new Error(`LibreOffice tests required: ${missing}`);
if (missing) console.warn(`\n[school-oversight] SKIPPED LibreOffice round-trip tests: ${missing}\n`);

const run = promisify(execFile);
const work = mkdtempSync(path.join(tmpdir(), 'oversight-office-'));
// A profile of our own, so parallel runs and a desktop LibreOffice do not lock each other out.
const profile = `file://${path.join(work, 'profile')}`;

/** Saves workbooks through LibreOffice Calc's own .xlsx writer (one LibreOffice start for all) and returns what it wrote. */
async function throughLibreOffice(files: Record<string, Buffer>): Promise<Record<string, Buffer>> {
  const inputs = path.join(work, 'in');
  const output = path.join(work, 'out');
  mkdirSync(inputs, { recursive: true });
  for (const [name, file] of Object.entries(files)) {
    writeFileSync(path.join(inputs, name), file);
    rmSync(path.join(output, name), { force: true });
  }
  const args = [`-env:UserInstallation=${profile}`, '--headless', '--norestore', '--convert-to', 'xlsx:Calc MS Excel 2007 XML', '--outdir', output];
  await run(SOFFICE, [...args, ...Object.keys(files).map((name) => path.join(inputs, name))], { timeout: 240_000 });
  return Object.fromEntries(Object.keys(files).map((name) => [name, readFileSync(path.join(output, name))]));
}

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);
function seen(value: CellLike) {
  const reading = readCell(value);
  if (reading.ok && reading.raw instanceof Date) return { ok: true, raw: (reading.raw.getTime() - EXCEL_EPOCH) / 86_400_000 };
  return reading.ok ? reading : { ok: false, rule: reading.rule };
}

if (missing) {
  describe.skip(`LibreOffice round trip [SKIPPED: ${missing}]`, () => {
    it('round-trips the templates', () => {});
  });
} else {
  await describeEachDatabase('templates through LibreOffice', (kind) => {
    let handle: DatabaseHandle;
    let app: FastifyInstance;
    let setup: Awaited<ReturnType<typeof county>>;

    beforeAll(async () => {
      handle = await createTestDatabase(kind);
      setup = await county(handle);
      app = await server(handle);
    });
    afterAll(async () => {
      await app.close();
      await handle.close();
    });

    it('imports a school report saved by LibreOffice, storing every value exactly', async () => {
      const template = await download(app, `/api/templates/school-report.xlsx?schoolId=${setup.primary.id}&period=2026Q1`, setup.sessions.principal);
      const workbook = await workbookOf(template.rawPayload);
      const sheet = workbook.getWorksheet('季度报表')!;
      for (const [code, value] of Object.entries(TYPED)) schoolValueCell(sheet, code).value = value;
      const converted = (await throughLibreOffice({ [`school-${kind}.xlsx`]: await bytes(workbook) }))[`school-${kind}.xlsx`]!;

      // The lean reader sees exactly what exceljs sees in LibreOffice's file.
      const lean = readSheets(await inspectXlsx(converted, 50 * 1024 * 1024));
      const reference = await workbookOf(converted);
      for (const grid of lean) {
        const other = reference.getWorksheet(grid.name)!;
        for (let row = 1; row <= grid.rowCount; row++) {
          for (let column = 1; column <= grid.columnCount; column++) {
            const cell = other.findRow(row)?.findCell(column);
            const expected = !cell || cell.type === ExcelJS.ValueType.Merge ? null : (cell.value as CellLike);
            expect(seen(grid.cell(row, column)), `${grid.name}!${row}/${column}`).toEqual(seen(expected));
          }
        }
      }

      const response = await upload(app, setup.sessions.principal, converted, { fileName: 'LibreOffice.xlsx' });
      expect(response.json().errors).toEqual([]);
      expect(response.json()).toMatchObject({ ok: true, stored: 1 });
      expect((await reportOf(handle, setup.primary.id, '2026Q1'))!.values).toEqual(QUARTER);
    });

    it('imports a county sheet saved by LibreOffice as approved reports, and refuses its bad cells by name', async () => {
      const template = await download(app, `/api/templates/county-reports.xlsx?countyId=${setup.countyA.id}&period=2026Q1`, setup.sessions.officerA);
      const workbook = await workbookOf(template.rawPayload);
      const sheet = workbook.getWorksheet('全县汇总')!;
      const row = countyRow(sheet, setup.vocational);
      const values = { ...TYPED, interns: 40, internship_insured: '３８' };
      for (const [code, value] of Object.entries(values)) sheet.getCell(row, countyColumn(sheet, code)).value = value;
      const bad = sheet.getCell(row, countyColumn(sheet, 'internship_insured'));

      bad.value = 45; // more insured interns than interns
      const wrong = await bytes(workbook);
      bad.value = '３８';
      const converted = await throughLibreOffice({ [`county-bad-${kind}.xlsx`]: wrong, [`county-${kind}.xlsx`]: await bytes(workbook) });

      const refused = await upload(app, setup.sessions.officerA, converted[`county-bad-${kind}.xlsx`]!, { mode: 'approved' });
      expect(refused.statusCode).toBe(422);
      expect(refused.json().errors).toEqual([
        expect.objectContaining({
          sheet: '全县汇总',
          row: Number(bad.row),
          column: bad.address.replace(/\d+/, ''),
          code: 'internship_insured',
          rule: 'at_most',
        }),
      ]);
      expect(await reportOf(handle, setup.vocational.id, '2026Q1')).toBeUndefined();

      const stored = await upload(app, setup.sessions.officerA, converted[`county-${kind}.xlsx`]!, { mode: 'approved' });
      expect(stored.json().errors).toEqual([]);
      // The primary school's own draft was filled into the sheet unchanged: the import leaves it for review.
      expect(stored.json()).toMatchObject({ ok: true, stored: 1, unchanged: 1 });
      expect(stored.json().warnings).toContainEqual(
        expect.objectContaining({ code: 'school_code', rule: 'not_reviewed', row: countyRow(sheet, setup.primary) }),
      );
      expect((await reportOf(handle, setup.primary.id, '2026Q1'))!.status).toBe('draft');
      const report = await reportOf(handle, setup.vocational.id, '2026Q1');
      expect(report).toMatchObject({ status: 'approved', values: { ...QUARTER, interns: 40, internship_insured: 38 } });
    });

    it('imports a school roster saved by LibreOffice: its drop-downs kept, unchanged schools unchanged, a new school created', async () => {
      await createUser(handle.db, SYSTEM_ACTOR, {
        role: 'bureau_admin',
        username: `office-admin-${kind}`,
        displayName: '管理员',
        password: 'secret123',
        orgUnitId: setup.countyA.id,
      });
      const admin = (await login(handle.db, { username: `office-admin-${kind}`, password: 'secret123', address: '127.0.0.1' })).token;
      const template = await download(app, `/api/templates/school-roster.xlsx?countyId=${setup.countyA.id}`, admin);
      expect(template.statusCode, template.body).toBe(200);
      const workbook = await workbookOf(template.rawPayload);
      const sheet = workbook.getWorksheet('学校名单')!;
      const values = ['2151006001', '办公室小学', '小学', '民办', '乡村', '否', 1800, 5000, '否', null, '钱伟', '13600001111'];
      sheet.getRow(7).values = values;
      const name = `roster-${kind}.xlsx`;
      const converted = (await throughLibreOffice({ [name]: await bytes(workbook) }))[name]!;

      // LibreOffice keeps the identifiers as text and the drop-downs' lists.
      const saved = await workbookOf(converted);
      const savedSheet = saved.getWorksheet('学校名单')!;
      expect(savedSheet.getCell(7, 1).value).toBe('2151006001');
      expect(savedSheet.getCell(20, 3).dataValidation).toMatchObject({ type: 'list' });

      const response = await upload(app, admin, converted, { url: `/api/import/schools?countyId=${setup.countyA.id}`, fileName: 'LibreOffice.xlsx' });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({ ok: true, created: 1, updated: 0, unchanged: 3, errors: [] });
      const created = await handle.db.selectFrom('schools').selectAll().where('code', '=', '2151006001').executeTakeFirstOrThrow();
      expect(created).toMatchObject({ name: '办公室小学', ownership: 'private', hasCanteen: false, contactPhone: '13600001111', townshipId: null });
      expect((await handle.db.selectFrom('schools').select('name').where('id', '=', setup.primary.id).executeTakeFirstOrThrow()).name).toBe('=实验小学');
    });
  });
}
