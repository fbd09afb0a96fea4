import { readCell, type CellLike } from '@oversight/domain';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { readSheets } from '../src/files/ooxml.js';
import { readGrids } from '../src/files/workbook.js';
import { inspectXlsx } from '../src/files/zip.js';
import { bytes, zip } from './files-support.js';

const LIMIT = 50 * 1024 * 1024;
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

/** A cell as the import sees it; a Date (exceljs, for date-formatted cells) as its Excel serial, like the lean reader. */
function seen(value: CellLike) {
  const reading = readCell(value);
  if (reading.ok && reading.raw instanceof Date) return { ok: true, raw: (reading.raw.getTime() - EXCEL_EPOCH) / 86_400_000 };
  return reading.ok ? reading : { ok: false, rule: reading.rule };
}

describe('lean xlsx reader', () => {
  it('reads what exceljs reads, cell for cell', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('数据 & <说明>');
    sheet.mergeCells('A1:D1');
    sheet.getCell('A1').value = '标题 "引号" & <尖括号>';
    sheet.getRow(3).values = [1234.5, '１，２００', true, false, null, '  前后空格  '];
    sheet.getCell('A4').value = { richText: [{ text: '富', font: { bold: true } }, { text: '文本' }] };
    sheet.getCell('B4').value = { formula: 'A3*2', result: 2469 };
    sheet.getCell('C4').value = { formula: 'A3*3' } as ExcelJS.CellFormulaValue;
    sheet.getCell('D4').value = { formula: 'A3/0', result: { error: '#DIV/0!' } };
    sheet.getCell('E4').value = { error: '#N/A' };
    sheet.getCell('F4').value = { text: '链接', hyperlink: 'https://example.org' };
    sheet.getCell('G4').value = new Date(Date.UTC(2026, 2, 15));
    sheet.getCell('H4').value = { formula: 'CONCAT("a","b")', result: 'ab' };
    sheet.getCell('AB40').value = -0.25;
    workbook.addWorksheet('第二页').getCell('C2').value = '第二页的值';
    const file = await bytes(workbook);

    const parts = await inspectXlsx(file, LIMIT);
    const lean = readSheets(parts);
    const loaded = new ExcelJS.Workbook();
    await loaded.xlsx.load(file as unknown as ExcelJS.Buffer);
    expect(lean.map((g) => g.name)).toEqual(['数据 & <说明>', '第二页']);
    for (const grid of lean) {
      const reference = loaded.getWorksheet(grid.name)!;
      expect(grid.rowCount).toBe(reference.rowCount);
      for (let row = 1; row <= Math.max(grid.rowCount, reference.rowCount); row++) {
        for (let column = 1; column <= Math.max(grid.columnCount, reference.columnCount); column++) {
          const cell = reference.findRow(row)?.findCell(column);
          const expected = !cell || cell.type === ExcelJS.ValueType.Merge ? null : (cell.value as CellLike);
          expect(seen(grid.cell(row, column)), `${grid.name}!${cell?.address ?? `${row}/${column}`}`).toEqual(seen(expected));
        }
      }
    }
    expect(readCell(lean[0]!.cell(4, 3))).toMatchObject({ ok: false, rule: 'formula_without_result' });
  });

  it('copes with namespace prefixes, inline strings, phonetic runs, escapes and cells without references', () => {
    const parts = new Map<string, Buffer>([
      [
        'xl/workbook.xml',
        Buffer.from('<x:workbook xmlns:x="urn:main" xmlns:rel="urn:rel"><x:sheets><x:sheet name="S&amp;1" sheetId="1" rel:id="rId7"/></x:sheets></x:workbook>'),
      ],
      [
        'xl/_rels/workbook.xml.rels',
        Buffer.from(
          '<Relationships><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/></Relationships>',
        ),
      ],
      [
        'xl/sharedStrings.xml',
        Buffer.from(
          '<x:sst><x:si><x:t>漢字</x:t><x:rPh sb="0" eb="1"><x:t>かんじ</x:t></x:rPh></x:si><x:si><x:r><x:t xml:space="preserve">a_x000D_b </x:t></x:r><x:r><x:t>&#x4E2D;&#25991;</x:t></x:r></x:si></x:sst>',
        ),
      ],
      [
        'xl/worksheets/data.xml',
        Buffer.from(
          '<x:worksheet><x:sheetData>' +
            '<x:row><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c><x:c t="inlineStr"><x:is><x:t>内联</x:t></x:is></x:c></x:row>' +
            '<x:row r="5"><x:c r="B5" t="b"><x:v>1</x:v></x:c><x:c r="C5" t="e"><x:v>#REF!</x:v></x:c><x:c r="D5"><x:f t="shared" si="0"/><x:v>7</x:v></x:c><x:c r="E5" s="2"/><x:c r="F5" t="d"><x:v>2026-03-15T00:00:00Z</x:v></x:c></x:row>' +
            '</x:sheetData></x:worksheet>',
        ),
      ],
    ]);
    const [grid] = readSheets(parts);
    expect(grid!.name).toBe('S&1');
    expect([grid!.cell(1, 1), grid!.cell(1, 2), grid!.cell(1, 3)]).toEqual(['漢字', 'a\rb 中文', '内联']);
    expect(grid!.cell(5, 2)).toBe(true);
    expect(grid!.cell(5, 3)).toEqual({ error: '#REF!' });
    expect(grid!.cell(5, 4)).toEqual({ formula: '', result: 7 });
    expect(grid!.cell(5, 5)).toBeNull();
    expect(grid!.cell(5, 6)).toEqual(new Date('2026-03-15T00:00:00Z'));
    expect([grid!.rowCount, grid!.columnCount]).toEqual([5, 6]);
  });

  it('falls back to exceljs when the parts are laid out in a way it does not know', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('表').getCell('A1').value = 42;
    const file = await bytes(workbook);
    const parts = await inspectXlsx(file, LIMIT);
    const sheetPart = [...parts.keys()].find((name) => name.startsWith('xl/worksheets/'))!;
    parts.delete(sheetPart);
    const fallbacks: Error[] = [];
    const grids = await readGrids(file, parts, (error) => fallbacks.push(error));
    expect(fallbacks).toHaveLength(1);
    expect(grids[0]!.cell(1, 1)).toBe(42);
  });

  it('returns the XML parts of an archive and refuses what is not a workbook', async () => {
    const archive = zip([
      { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
      { name: 'word/document.xml', data: Buffer.from('<document/>') },
    ]);
    await expect(inspectXlsx(archive, LIMIT)).rejects.toThrow('不是 Excel 工作簿');
  });
});
