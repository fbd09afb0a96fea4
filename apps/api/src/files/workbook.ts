import type { ImportFinding, SheetGrid } from '@oversight/domain';
import ExcelJS from 'exceljs';
import { readSheets, WorkbookStructureError, type Parts } from './ooxml.js';
import { FileRefusal } from './refusal.js';
import { cellContent } from './xlsx.js';

/** The sheet an annotated error report adds; never read back as data. */
export const FINDINGS_SHEET = '导入检查结果';

/** The last row and column of an Excel (and WPS, LibreOffice) worksheet. */
const MAX_ROWS = 1_048_576;
const MAX_COLUMNS = 16_384;

// exceljs's ValueType.Merge: a cell covered by a merge (the value lives in the range's top-left cell).
const MERGED = 1;

function gridOf(sheet: ExcelJS.Worksheet): SheetGrid {
  return {
    name: sheet.name,
    rowCount: sheet.rowCount,
    columnCount: sheet.columnCount,
    cell(row, column) {
      const cell = sheet.findRow(row)?.findCell(column);
      if (!cell || cell.type === MERGED) return null;
      return cell.value as never;
    },
  };
}

/**
 * Loads an uploaded workbook (already checked by inspectXlsx) into exceljs, to annotate it. Data validations
 * are not loaded: one covering a whole column (as LibreOffice and WPS write them) would expand to a million
 * cells in memory.
 */
export async function loadWorkbook(file: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(file as unknown as ExcelJS.Buffer, { ignoreNodes: ['dataValidations'] });
  } catch {
    throw new FileRefusal(400, '文件已损坏或不是有效的 .xlsx 工作簿，无法读取：请在 Excel、WPS 或 LibreOffice 中重新保存为 .xlsx 后再上传。', 'damaged');
  }
  return workbook;
}

/**
 * The cell values of every sheet of an upload, read straight from its XML parts; should the parts be laid out
 * in a way the lean reader does not know, exceljs reads the file instead.
 */
export async function readGrids(file: Buffer, parts: Parts, onFallback: (error: Error) => void = () => {}): Promise<SheetGrid[]> {
  const skip = (name: string) => name === FINDINGS_SHEET;
  let grids: SheetGrid[];
  try {
    grids = readSheets(parts, skip);
  } catch (error) {
    if (!(error instanceof WorkbookStructureError)) throw error;
    onFallback(error);
    const workbook = await loadWorkbook(file);
    grids = workbook.worksheets.filter((s) => !skip(s.name)).map(gridOf);
  }
  // A cell beyond the last row or column any spreadsheet program has would have the parser walk billions of
  // empty rows or columns: such a file was not saved by Excel, WPS or LibreOffice.
  const beyond = grids.find((g) => g.rowCount > MAX_ROWS || g.columnCount > MAX_COLUMNS);
  if (beyond) {
    throw new FileRefusal(400, `工作表“${beyond.name}”中有超出电子表格范围的单元格位置（超过${MAX_ROWS}行或${MAX_COLUMNS}列），文件可能已损坏：请在 Excel、WPS 或 LibreOffice 中重新保存为 .xlsx 后再上传。`, 'damaged');
  }
  return grids;
}

const ERROR_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFC7CE' } };
const WARNING_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFEB9C' } };

/**
 * The uploaded workbook with every cell named in an error (red) or warning (yellow) highlighted and commented,
 * plus a sheet listing all findings (including those about the file or a whole row).
 */
export async function annotateWorkbook(workbook: ExcelJS.Workbook, errors: readonly ImportFinding[], warnings: readonly ImportFinding[]): Promise<Buffer> {
  const notes = new Map<string, { sheet: ExcelJS.Worksheet; address: string; error: boolean; lines: string[] }>();
  const mark = (f: ImportFinding, error: boolean) => {
    if (!f.sheet || !f.row || !f.column) return;
    const sheet = workbook.getWorksheet(f.sheet);
    if (!sheet) return;
    const address = `${f.column}${f.row}`;
    const key = `${f.sheet}!${address}`;
    const note = notes.get(key) ?? { sheet, address, error: false, lines: [] };
    notes.set(key, note);
    note.error ||= error;
    note.lines.push(`${error ? '错误' : '提示'}：${f.message}`);
  };
  errors.forEach((f) => mark(f, true));
  warnings.forEach((f) => mark(f, false));
  for (const { sheet, address, error, lines } of notes.values()) {
    const cell = sheet.getCell(address);
    cell.fill = error ? ERROR_FILL : WARNING_FILL;
    cell.note = lines.join('\n');
  }

  if (workbook.getWorksheet(FINDINGS_SHEET)) workbook.removeWorksheet(FINDINGS_SHEET);
  const list = workbook.addWorksheet(FINDINGS_SHEET);
  list.columns = [
    { header: '类别', width: 8 },
    { header: '工作表', width: 14 },
    { header: '单元格', width: 10 },
    { header: '说明', width: 90 },
  ];
  list.getRow(1).font = { bold: true };
  for (const [f, kind] of [...errors.map((f) => [f, '错误'] as const), ...warnings.map((f) => [f, '提示'] as const)]) {
    const place = f.row && f.column ? `${f.column}${f.row}` : f.row ? `第${f.row}行` : '';
    // Sheet names and messages quote what the user typed: neutralised like every exported text.
    const row = list.addRow([kind, cellContent(f.sheet ?? '（整个文件）'), place, cellContent(f.message)]);
    row.getCell(1).fill = kind === '错误' ? ERROR_FILL : WARNING_FILL;
  }
  if (!errors.length && !warnings.length) list.addRow(['', '', '', '未发现问题，可以导入。']);
  workbook.views = [{ x: 0, y: 0, width: 20000, height: 12000, firstSheet: 0, activeTab: workbook.worksheets.indexOf(list), visibility: 'visible' }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
