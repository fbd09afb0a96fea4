import type { DatabaseHandle } from '@oversight/db';
import { createTestDatabase, describeEachDatabase } from '@oversight/db/testing';
import { coerceValue, readCell, sheetValue, templateIndicators, type CellLike, type Indicator } from '@oversight/domain';
import type ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fc, hostileNumber, hostileText } from '../../../packages/api/test/hostile.js';
import { inspectXlsx } from '../src/files/zip.js';
import { bytes, county, download, schoolValueCell, server, storedState, upload, workbookOf, zip } from './files-support.js';

/**
 * Property tests (issue 8): hostile spreadsheets sent to POST /api/import/reports. Hostile values in a real
 * template's cells are either stored as the catalogue's rules read them (well-typed, finite, within range) or
 * refused with 422 and an error per cell naming sheet, row and column; broken files (random bytes, truncated
 * workbooks, damaged XML, zip bombs of every size and ratio) are refused with a 4xx and a Chinese reason. Never a
 * 500; a refusal leaves the reports and the audit log byte-for-byte as they were.
 */
const SHEET = '季度报表';
const PERIOD = '2026Q1';
const CHINESE = /[\u4e00-\u9fff]/;
const LIMITS = { maxUploadBytes: 64 * 1024, maxUnzippedBytes: 2 * 1024 * 1024 };

const WORKBOOK_PARTS = [
  { name: '[Content_Types].xml', data: Buffer.from('<?xml version="1.0"?><Types/>') },
  { name: 'xl/workbook.xml', data: Buffer.from('<?xml version="1.0"?><workbook/>') },
];

const row = (xml: string) => (x: string) => x.replace('</sheetData>', `${xml}</sheetData>`);
/** Damage inside a sound archive: a real template's XML, edited as no spreadsheet program writes it. */
const DAMAGE: [part: string, how: string, edit: (xml: string) => string][] = [
  ['sheet', 'a row numbered 99,999,999,999', row('<row r="99999999999"><c r="A99999999999"><v>1</v></c></row>')],
  ['sheet', 'a cell in column ZZZZZZZZZZZZ', row('<row r="60"><c r="ZZZZZZZZZZZZ60"><v>1</v></c></row>')],
  ['sheet', 'a row past Excel’s last (1,048,577)', row('<row r="1048577"><c r="A1048577"><v>1</v></c></row>')],
  ['sheet', 'a negative row number', (x) => x.replace(/<row r="\d+"/, '<row r="-5"')],
  ['sheet', 'a character reference past U+10FFFF', row('<row><c t="inlineStr"><is><t>&#x110000;</t></is></c></row>')],
  ['sheet', 'a decimal character reference past U+10FFFF', row('<row><c t="str"><v>&#99999999;</v></c></row>')],
  ['sheet', 'a date cell that is no date', row('<row><c t="d"><v>not a date</v></c></row>')],
  ['sheet', 'a shared string index out of range', row('<row><c r="D70" t="s"><v>999999</v></c></row>')],
  ['sheet', 'every cell typed as a date', (x) => x.replace(/<c /g, '<c t="d" ')],
  ['sheet', 'cut in half', (x) => x.slice(0, Math.floor(x.length / 2))],
  ['xl/sharedStrings.xml', 'a character reference past U+10FFFF', (x) => x.replace('<t>', '<t>&#x110000;')],
  ['xl/sharedStrings.xml', 'cut in half', (x) => x.slice(0, Math.floor(x.length / 2))],
  ['xl/workbook.xml', 'cut in half', (x) => x.slice(0, Math.floor(x.length / 2))],
  ['xl/workbook.xml', 'a sheet named with a control character', (x) => x.replace(/ name="[^"]*"/, ' name="&#1;"')],
  ['xl/_rels/workbook.xml.rels', 'sheets pointing outside the package', (x) => x.replace(/Target="[^"]*worksheets[^"]*"/g, 'Target="../../../../etc/passwd"')],
  ['xl/_rels/workbook.xml.rels', 'cut in half', (x) => x.slice(0, Math.floor(x.length / 2))],
];

/** What a person or a generator could leave in one value cell. */
function cellValue(ind: Indicator): fc.Arbitrary<ExcelJS.CellValue> {
  const options = ind.valueType === 'boolean' ? ['是', '否', true, false] : (ind.options ?? []).map((o) => o.label.zh);
  const plausible: fc.Arbitrary<ExcelJS.CellValue> =
    ind.valueType === 'date'
      ? fc.constantFrom('2026-02-10', '2026/3/5', '2026年1月2日', '2026-02-30', 46100)
      : options.length
        ? fc.constantFrom(...options)
        : fc.oneof(fc.integer({ min: -5, max: Math.min(ind.max ?? 5000, 5000) + 5 }), fc.double({ min: 0, max: ind.max ?? 5000, noNaN: true }));
  const hostile: fc.Arbitrary<ExcelJS.CellValue> = fc.oneof(
    hostileNumber,
    hostileText(40),
    fc.boolean(),
    fc.date({ min: new Date('1900-03-01'), max: new Date('2200-01-01'), noInvalidDate: true }),
    fc.constantFrom<ExcelJS.CellValue>(
      { formula: 'HYPERLINK("http://x","y")', result: 'y' },
      { formula: 'HYPERLINK("http://x","1")', result: 1 },
      { formula: '1/0', result: { error: '#DIV/0!' } },
      { formula: 'SUM(A1:A3)' } as ExcelJS.CellFormulaValue,
      { error: '#N/A' },
      { text: '是', hyperlink: 'javascript:alert(1)' },
      { richText: [{ text: '１２' }, { text: '<b>3</b>' }] },
      null,
    ),
  );
  return fc.oneof({ weight: 3, arbitrary: plausible }, { weight: 2, arbitrary: hostile });
}

/** What the catalogue makes of a cell the import reads as `value`: the stored value, or null for blank or refused. */
function expectedValue(ind: Indicator, value: ExcelJS.CellValue): string | number | boolean | null {
  const reading = readCell(value as CellLike);
  if (!reading.ok) return null;
  const coerced = coerceValue(ind, sheetValue(ind, reading.raw));
  return coerced.ok ? coerced.value : null;
}

await describeEachDatabase('hostile spreadsheets sent to the import', (kind) => {
  let handle: DatabaseHandle;
  let app: FastifyInstance;
  let small: FastifyInstance;
  let setup: Awaited<ReturnType<typeof county>>;
  let template: Buffer;

  /** The school's template for a quarter as the principal downloads it now (with what is stored, and its version). */
  async function freshTemplate(period: string): Promise<Buffer> {
    const response = await download(app, `/api/templates/school-report.xlsx?schoolId=${setup.primary.id}&period=${period}`, setup.sessions.principal);
    expect(response.statusCode, response.body).toBe(200);
    return response.rawPayload;
  }

  const storedValues = async (period: string) =>
    (await handle.db.selectFrom('reports').select('values').where('schoolId', '=', setup.primary.id).where('period', '=', period).executeTakeFirst())?.values ??
    {};

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    setup = await county(handle);
    app = await server(handle);
    small = await server(handle, LIMITS);
    template = await freshTemplate('2025Q4');
  });
  afterAll(async () => {
    await app?.close();
    await small?.close();
    await handle?.close();
  });

  const dump = () => storedState(handle);

  it('stores hostile cell values only as the catalogue reads them, or refuses them cell by cell, changing nothing', async () => {
    const indicators = templateIndicators(setup.primary);
    const codes = new Set(indicators.map((i) => i.code));
    const cells = fc.uniqueArray(
      fc.constantFrom(...indicators).chain((ind) => cellValue(ind).map((value) => ({ ind, value }))),
      { minLength: 1, maxLength: 5, selector: (c) => c.ind.code },
    );
    let accepted = 0;
    let refused = 0;

    await fc.assert(
      fc.asyncProperty(cells, async (written) => {
        const previous = await storedValues(PERIOD);
        const workbook = await workbookOf(await freshTemplate(PERIOD));
        const sheet = workbook.getWorksheet(SHEET)!;
        for (const { ind, value } of written) {
          schoolValueCell(sheet, ind.code).value = value;
        }
        const before = await dump();
        const response = await upload(app, setup.sessions.principal, await bytes(workbook), { mode: 'draft' });
        const body = response.json();
        expect([200, 422], JSON.stringify(body).slice(0, 400)).toContain(response.statusCode);

        if (response.statusCode === 422) {
          refused += 1;
          expect(body).toMatchObject({ ok: false, stored: 0 });
          expect(body.error.message).toMatch(CHINESE);
          expect(body.errors.length).toBeGreaterThan(0);
          for (const error of body.errors as { sheet: string; row: number; column: string; code: string; message: string }[]) {
            // Every error names its cell; an indicator's error, that indicator's value cell (written, or checked against one written).
            expect(error, JSON.stringify(error)).toMatchObject({ sheet: SHEET, row: expect.any(Number), column: expect.stringMatching(/^[A-Z]+$/) });
            if (codes.has(error.code)) expect(error, JSON.stringify(error)).toMatchObject({ column: 'D', row: Number(schoolValueCell(sheet, error.code).row) });
            expect(error.message).toMatch(CHINESE);
          }
          expect(await dump()).toBe(before);
          return;
        }

        accepted += 1;
        expect(body.ok).toBe(true);
        const stored = await storedValues(PERIOD);
        // The template came filled with what was stored: written cells now hold what the catalogue reads in them
        // (a blank one clears its value), the others are unchanged.
        const expected: Record<string, unknown> = { ...previous };
        for (const { ind, value } of written) {
          const read = expectedValue(ind, value);
          if (read === null) delete expected[ind.code];
          else expected[ind.code] = read;
        }
        expect(stored).toEqual(expected);
        for (const [code, value] of Object.entries(stored)) {
          const ind = indicators.find((i) => i.code === code)!;
          if (typeof value === 'number') {
            expect(Number.isFinite(value)).toBe(true);
            if (ind.min !== undefined) expect(value).toBeGreaterThanOrEqual(ind.min);
            if (ind.max !== undefined) expect(value).toBeLessThanOrEqual(ind.max);
          }
        }
      }),
      { numRuns: 30, seed: 20261124 },
    );
    // Both outcomes occurred: the property is not vacuous either way.
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  }, 180_000);

  /** A refusal of a whole file: a 4xx with a Chinese reason, and nothing stored. */
  async function expectRefused(response: { statusCode: number; json: () => { ok: boolean; error: { message: string } } }, what: string, before: string) {
    expect(response.statusCode, what).toBeGreaterThanOrEqual(400);
    expect(response.statusCode, what).toBeLessThan(500);
    expect(response.json().ok, what).toBe(false);
    expect(response.json().error.message, what).toMatch(CHINESE);
    expect(await dump(), what).toBe(before);
  }

  type Case = { what: string; file: Buffer; [fc.toStringMethod]?: () => string };
  /** A case as a counterexample prints: what it is, not its bytes. */
  const named = (c: Case): Case => ({ ...c, [fc.toStringMethod]: () => `${c.what} (${c.file.length} bytes)` });

  it('refuses random bytes, truncated workbooks and zip bombs of any size and ratio with a 4xx and a reason, storing nothing', async () => {
    const end = template.length - 22; // where the archive's end record starts: cut before it, the directory is gone
    const files = fc
      .oneof<fc.Arbitrary<Case>[]>(
        fc.uint8Array({ maxLength: 4096 }).map((b) => ({ what: 'random bytes', file: Buffer.from(b) })),
        fc
          .uint8Array({ minLength: 18, maxLength: 4096 })
          .map((b) => ({ what: 'zip signature, then noise', file: Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), b]) })),
        fc.nat({ max: end }).map((n) => ({ what: `real workbook truncated to ${n} bytes`, file: template.subarray(0, n) })),
        fc.record({ at: fc.nat({ max: end }), noise: fc.uint8Array({ minLength: 1, maxLength: 64 }) }).map(({ at, noise }) => ({
          what: `real workbook cut at ${at}, then noise`,
          file: Buffer.concat([template.subarray(0, at), noise]),
        })),
        fc
          .record({
            megabytes: fc.double({ min: 2.2, max: 30, noNaN: true }),
            fill: fc.constantFrom(0, 0x20, 0x3c),
            pieces: fc.integer({ min: 1, max: 4 }),
            lie: fc.option(fc.nat({ max: 100_000 }), { nil: undefined }),
          })
          .map(({ megabytes, fill, pieces, lie }) => {
            const piece = Buffer.alloc(Math.ceil((megabytes * 1024 * 1024) / pieces), fill);
            const bomb = Array.from({ length: pieces }, (_, i) => ({
              name: `xl/worksheets/sheet${i + 1}.xml`,
              data: piece,
              ...(lie === undefined ? {} : { declaredSize: lie }),
            }));
            return {
              what: `zip bomb: ${megabytes.toFixed(1)}MB of byte ${fill} in ${pieces} part(s)${lie === undefined ? '' : `, each declaring ${lie} bytes`}`,
              file: zip([...WORKBOOK_PARTS, ...bomb]),
            };
          }),
      )
      .map(named);

    await fc.assert(
      fc.asyncProperty(files, async ({ what, file }) => {
        const before = await dump();
        const response = await upload(small, setup.sessions.officerA, file, { mode: 'draft' });
        await expectRefused(response, what, before);
        // A bomb small enough to upload is caught for what it unpacks to, whatever sizes it declares.
        if (what.startsWith('zip bomb')) expect(response.json().error.rule, what).toBe('zip_bomb');
      }),
      { numRuns: 30, seed: 20261124 },
    );
  }, 180_000);

  it('never fails on XML no spreadsheet program writes: refused with a reason, or read within the rules', async () => {
    const period = '2026Q3';
    for (const [part, how, edit] of DAMAGE) {
      const workbook = await workbookOf(await freshTemplate(period));
      schoolValueCell(workbook.getWorksheet(SHEET)!, 'students_enrolled').value = 600;
      const filled = await inspectXlsx(await bytes(workbook), LIMITS.maxUnzippedBytes);
      const name = part === 'sheet' ? [...filled.keys()].find((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n))! : part;
      const original = filled.get(name)!.toString('utf8');
      const changed = edit(original);
      expect(changed, `${part}: ${how}`).not.toBe(original);
      const file = zip([...filled].map(([n, data]) => ({ name: n, data: n === name ? Buffer.from(changed) : data })));
      const before = await dump();
      const response = await upload(app, setup.sessions.principal, file, { mode: 'draft' });
      if (response.statusCode === 200) {
        // The damage missed what the import reads: what it stored is what the sheet says.
        expect(await storedValues(period), `${part}: ${how}`).toEqual({ students_enrolled: 600 });
      } else {
        await expectRefused(response, `${part}: ${how}`, before);
      }
    }
  }, 120_000);
});
