import { describeEachDatabase } from '@oversight/db/testing';
import { describe, expect, it } from 'vitest';
import { largeCountyWorkbook } from '../bench/large-workbook.js';
import { readSheets } from '../src/files/ooxml.js';
import { FileRefusal } from '../src/files/refusal.js';
import { MARKED_FINDINGS } from '../src/files/workbook.js';
import { bytes, countyColumn, countyRow, countyServer, download, storedState, upload, workbookOf } from './files-support.js';

/**
 * Issue 13, "import memory": an import's memory is bounded whatever the workbook holds. A sheet past the caps
 * (5,000 rows, 250,000 cells with a value) is refused with a Chinese reason naming the sheet and the cap, storing
 * nothing; annotating marks at most the first hundred findings and says how many more; a workbook too large for
 * exceljs is not annotated. How much memory and time an import takes is measured by `pnpm load-test`, not here.
 */
const CHINESE = /[\u4e00-\u9fff]/;

await describeEachDatabase('imports within a memory bound', (kind) => {
  const fixture = countyServer(kind);
  const dump = () => storedState(fixture.handle);

  it('refuses a county sheet of more than 5,000 rows, naming the sheet and the cap, and stores nothing', async () => {
    const { file } = largeCountyWorkbook({ rows: 5_001 });
    const before = await dump();
    for (const query of [undefined, 'annotate=1']) {
      const response = await upload(fixture.app, fixture.setup.sessions.officerA, file, { mode: 'draft', query });
      expect(response.statusCode, query).toBe(413);
      const body = response.json();
      expect(body).toMatchObject({ ok: false, stored: 0, error: { rule: 'too_many_rows' } });
      expect(body.error.message).toContain('工作表“全县汇总”');
      expect(body.error.message).toContain('5,000行');
      expect(body.error.message).toMatch(CHINESE);
    }
    expect(await dump()).toBe(before);
  });

  it('does not annotate a workbook too large for exceljs, pointing to the check without annotation', async () => {
    const { file } = largeCountyWorkbook({ rows: 30_000 });
    const before = await dump();
    const response = await upload(fixture.app, fixture.setup.sessions.officerA, file, { mode: 'draft', query: 'annotate=1' });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.rule).toBe('annotate_too_large');
    expect(response.json().error.message).toContain('未生成标注版');
    expect(await dump()).toBe(before);
  });

  it('marks at most the first hundred findings in cells and says how many more there are', async () => {
    const template = await download(
      fixture.app,
      `/api/templates/county-reports.xlsx?countyId=${fixture.setup.countyA.id}&period=2026Q2`,
      fixture.setup.sessions.officerA,
    );
    const workbook = await workbookOf(template.rawPayload);
    const sheet = workbook.worksheets[0]!;
    const codesRow = 4;
    const columns: number[] = [];
    for (let column = 1; column <= sheet.columnCount; column++) {
      const code = sheet.getCell(codesRow, column).value;
      if (typeof code === 'string' && !['school_code', 'school_name', 'period', 'version'].includes(code)) columns.push(column);
    }
    for (const school of [fixture.setup.primary, fixture.setup.noCanteen, fixture.setup.vocational]) {
      const row = countyRow(sheet, school);
      for (const column of columns) sheet.getCell(row, column).value = '不是数值';
    }
    expect(countyColumn(sheet, 'electricity_kwh')).toBeGreaterThan(0);
    const before = await dump();
    const response = await upload(fixture.app, fixture.setup.sessions.officerA, await bytes(workbook), { mode: 'draft', query: 'annotate=1' });
    expect(response.statusCode).toBe(200);
    const errors = Number(response.headers['x-import-errors']);
    expect(errors).toBeGreaterThan(MARKED_FINDINGS);

    const annotated = await workbookOf(response.rawPayload);
    let marked = 0;
    annotated.worksheets[0]!.eachRow((row) =>
      row.eachCell((cell) => {
        if (cell.note) marked += 1;
      }),
    );
    expect(marked).toBe(MARKED_FINDINGS);
    const list = annotated.getWorksheet('导入检查结果')!;
    const findings = Number(response.headers['x-import-errors']) + Number(response.headers['x-import-warnings']);
    // Every finding is listed (fewer than the list's cap), then the line about the unmarked ones.
    expect(list.rowCount).toBe(1 + findings + 1);
    const last = String(list.getRow(list.rowCount).getCell(4).value);
    expect(last).toContain(`表格中只标出了前${MARKED_FINDINGS}处`);
    expect(last).toContain(`共${findings}处问题`);
    expect(await dump()).toBe(before);
  });
});

describe('the caps of the lean reader', () => {
  const sheetXml = (rows: number, columns: number) => {
    const cells = (r: number) => Array.from({ length: columns }, (_, c) => `<c r="${String.fromCharCode(65 + c)}${r}"><v>${r}</v></c>`).join('');
    return `<worksheet><sheetData>${Array.from({ length: rows }, (_, i) => `<row r="${i + 1}">${cells(i + 1)}</row>`).join('')}</sheetData></worksheet>`;
  };
  const parts = (sheets: string[]) =>
    new Map<string, Buffer>([
      [
        'xl/workbook.xml',
        Buffer.from(
          `<workbook xmlns:r="urn:r"><sheets>${sheets.map((_, i) => `<sheet name="表${i + 1}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('')}</sheets></workbook>`,
        ),
      ],
      [
        'xl/_rels/workbook.xml.rels',
        Buffer.from(
          `<Relationships>${sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('')}</Relationships>`,
        ),
      ],
      ...sheets.map((xml, i) => [`xl/worksheets/sheet${i + 1}.xml`, Buffer.from(xml)] as [string, Buffer]),
    ]);
  const refusal = (run: () => unknown): FileRefusal => {
    try {
      run();
    } catch (error) {
      if (error instanceof FileRefusal) return error;
      throw error;
    }
    throw new Error('not refused');
  };

  it('reads a sheet up to the caps and refuses one past them, naming the sheet and the cap', () => {
    const caps = { rows: 10, cells: 30, workbookCells: 50 };
    expect(readSheets(parts([sheetXml(10, 3)]), undefined, caps)[0]!.cell(10, 3)).toBe(10);
    const rows = refusal(() => readSheets(parts([sheetXml(11, 1)]), undefined, caps));
    expect([rows.status, rows.rule]).toEqual([413, 'too_many_rows']);
    expect(rows.message).toContain('工作表“表1”超过10行数据');
    const cells = refusal(() => readSheets(parts([sheetXml(8, 4)]), undefined, caps));
    expect([cells.status, cells.rule]).toEqual([413, 'too_many_cells']);
    expect(cells.message).toContain('工作表“表1”超过30个填写了内容的单元格');
    const workbook = refusal(() => readSheets(parts([sheetXml(10, 3), sheetXml(10, 3)]), undefined, caps));
    expect(workbook.message).toContain('工作簿中填写了内容的单元格超过50个');
  });

  it('reads rows split across the windows it scans, and keeps only the shared strings cells use', () => {
    // More than a window (1 MB) of rows: every row is read whole, wherever the windows fall.
    const rows = 30_000;
    const xml = `<worksheet><sheetData>${Array.from({ length: rows }, (_, i) => `<row r="${i + 1}"><c r="A${i + 1}" t="s"><v>${i % 7}</v></c><c r="B${i + 1}" t="inlineStr"><is><t>第${i + 1}行的说明文字</t></is></c></row>`).join('')}</sheetData></worksheet>`;
    expect(xml.length).toBeGreaterThan(1 << 20);
    const withStrings = parts([xml]);
    withStrings.set('xl/sharedStrings.xml', Buffer.from(`<sst>${Array.from({ length: 7 }, (_, i) => `<si><t>串${i}</t></si>`).join('')}</sst>`));
    const [grid] = readSheets(withStrings, undefined, { rows, cells: 2 * rows, workbookCells: 2 * rows });
    expect(grid!.rowCount).toBe(rows);
    for (const row of [1, 7, 12_345, rows]) {
      expect(grid!.cell(row, 1)).toBe(`串${(row - 1) % 7}`);
      expect(grid!.cell(row, 2)).toBe(`第${row}行的说明文字`);
    }
  });

  it('treats a sheet whose data is cut off as damaged, not as read', () => {
    const cut = parts([sheetXml(5, 2).replace('</sheetData></worksheet>', '')]);
    expect(() => readSheets(cut)).toThrow('not closed');
  });
});
