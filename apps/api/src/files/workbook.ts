import type { ImportFinding, SheetGrid } from '@oversight/domain';
import ExcelJS from 'exceljs';
import type { DocumentPool } from '../documents/pool.js';
import { readSheetsAsync, SHEET_CAPS, WorkbookStructureError, type Parts } from './ooxml.js';
import { FileRefusal, sizeText } from './refusal.js';
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
 * exceljs builds a full model of a workbook, 30 to 70 times the size of its XML (the 94 MB workbook of issue 13 took
 * 2.9 GB; a county sheet of 5,000 schools, 4.4 MB of XML, grew the server by 300 MB while annotated). It is only
 * given workbooks whose XML parts come to at most this much: a county sheet of 2,000 schools is about 2 MB.
 */
export const EXCELJS_MAX_XML_BYTES = 4 * 1024 * 1024;
/** The fallback reader runs exceljs on the server's own thread: only for small files (a county sheet of 500 schools is about 1 MB). */
const FALLBACK_MAX_XML_BYTES = 1024 * 1024;

/** The total size of a package's XML parts once inflated. */
export function xmlBytes(parts: Parts): number {
  let total = 0;
  for (const data of parts.values()) total += data.length;
  return total;
}

/** Refuses to annotate a workbook too large for exceljs to load within the import's memory bound. */
export function checkAnnotatable(parts: Parts): void {
  const size = xmlBytes(parts);
  if (size > EXCELJS_MAX_XML_BYTES) {
    throw new FileRefusal(
      413,
      `文件解压后的表格内容约${sizeText(size)}，超过生成标注版工作簿的上限（${sizeText(EXCELJS_MAX_XML_BYTES)}），未生成标注版。请不选“标注”直接上传检查：有问题时不会保存任何数据，问题会逐条列出工作表和单元格；或删除多余的行、工作表后再生成标注版。`,
      'annotate_too_large',
    );
  }
}

const DAMAGED = '文件已损坏或不是有效的 .xlsx 工作簿，无法读取：请在 Excel、WPS 或 LibreOffice 中重新保存为 .xlsx 后再上传。';

/**
 * Loads an uploaded workbook (already checked by inspectXlsx, and no larger than EXCELJS_MAX_XML_BYTES) into
 * exceljs, to annotate it. Data validations are not loaded: one covering a whole column (as LibreOffice and WPS
 * write them) would expand to a million cells in memory.
 */
export async function loadWorkbook(file: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(file as unknown as ExcelJS.Buffer, { ignoreNodes: ['dataValidations'] });
  } catch {
    throw new FileRefusal(400, DAMAGED, 'damaged');
  }
  return workbook;
}

/** The caps of the lean reader, applied to a workbook exceljs read instead. */
function checkCaps(sheets: ExcelJS.Worksheet[]): void {
  let total = 0;
  for (const sheet of sheets) {
    let cells = 0;
    sheet.eachRow((row) => (cells += row.actualCellCount));
    total += cells;
    if (sheet.actualRowCount > SHEET_CAPS.rows || cells > SHEET_CAPS.cells || total > SHEET_CAPS.workbookCells) {
      throw new FileRefusal(
        413,
        `工作表“${sheet.name}”的数据超过上限（${SHEET_CAPS.rows.toLocaleString('en-US')}行或${SHEET_CAPS.cells.toLocaleString('en-US')}个单元格），已拒绝，未保存任何数据。请删除多余的行或拆分后再上传。`,
        'too_many_rows',
      );
    }
  }
}

/**
 * The cell values of every sheet of an upload, read straight from its XML parts window by window (other requests
 * are answered in between), refused as soon as a sheet passes the caps (SHEET_CAPS); should the parts be laid out
 * in a way the lean reader does not know, exceljs reads the file instead, if it is small enough for exceljs.
 */
export async function readGrids(file: Buffer, parts: Parts, onFallback: (error: Error) => void = () => {}): Promise<SheetGrid[]> {
  const skip = (name: string) => name === FINDINGS_SHEET;
  let grids: SheetGrid[];
  try {
    grids = await readSheetsAsync(parts, skip);
  } catch (error) {
    if (!(error instanceof WorkbookStructureError)) throw error;
    onFallback(error);
    if (xmlBytes(parts) > FALLBACK_MAX_XML_BYTES) throw new FileRefusal(400, DAMAGED, 'damaged');
    const workbook = await loadWorkbook(file);
    const sheets = workbook.worksheets.filter((s) => !skip(s.name));
    checkCaps(sheets);
    grids = sheets.map(gridOf);
  }
  // A cell beyond the last row or column any spreadsheet program has would have the parser walk billions of
  // empty rows or columns: such a file was not saved by Excel, WPS or LibreOffice.
  const beyond = grids.find((g) => g.rowCount > MAX_ROWS || g.columnCount > MAX_COLUMNS);
  if (beyond) {
    throw new FileRefusal(
      400,
      `工作表“${beyond.name}”中有超出电子表格范围的单元格位置（超过${MAX_ROWS}行或${MAX_COLUMNS}列），文件可能已损坏：请在 Excel、WPS 或 LibreOffice 中重新保存为 .xlsx 后再上传。`,
      'damaged',
    );
  }
  return grids;
}

/** Findings marked in their cells (errors first, then warnings, each in reading order); the rest are only listed. */
export const MARKED_FINDINGS = 100;
/** Findings listed on the findings sheet; a last line says how many more there are. */
export const LISTED_FINDINGS = 1_000;

/** What an annotated error report marks and lists: plain data, sent to a document worker. */
export interface AnnotationPlan {
  file: Buffer;
  marks: { sheet: string; address: string; error: boolean; note: string }[];
  rows: { cells: ExcelJS.CellValue[]; fill?: 'error' | 'warning'; bold?: boolean }[];
  sheet: string;
}

/** What to mark and list, decided here; a document worker does it with exceljs (annotate). */
function annotationPlan(file: Buffer, errors: readonly ImportFinding[], warnings: readonly ImportFinding[]): AnnotationPlan {
  const notes = new Map<string, { sheet: string; address: string; error: boolean; lines: string[] }>();
  let marked = 0;
  const mark = (f: ImportFinding, error: boolean) => {
    if (!f.sheet || !f.row || !f.column || marked >= MARKED_FINDINGS) return;
    marked += 1;
    const address = `${f.column}${f.row}`;
    const key = `${f.sheet}!${address}`;
    const note = notes.get(key) ?? { sheet: f.sheet, address, error: false, lines: [] };
    notes.set(key, note);
    note.error ||= error;
    note.lines.push(`${error ? '错误' : '提示'}：${f.message}`);
  };
  for (const f of errors) mark(f, true);
  for (const f of warnings) mark(f, false);

  const rows: AnnotationPlan['rows'] = [];
  const findings = [...errors.map((f) => [f, '错误'] as const), ...warnings.map((f) => [f, '提示'] as const)];
  for (const [f, kind] of findings.slice(0, LISTED_FINDINGS)) {
    const place = f.row && f.column ? `${f.column}${f.row}` : f.row ? `第${f.row}行` : '';
    // Sheet names and messages quote what the user typed: neutralised like every exported text.
    rows.push({ cells: [kind, cellContent(f.sheet ?? '（整个文件）'), place, cellContent(f.message)], fill: kind === '错误' ? 'error' : 'warning' });
  }
  if (!findings.length) rows.push({ cells: ['', '', '', '未发现问题，可以导入。'] });
  const unlisted = findings.length - LISTED_FINDINGS;
  const unmarked = findings.filter(([f]) => f.sheet && f.row && f.column).length - marked;
  if (unlisted > 0 || unmarked > 0) {
    const parts = [`共${findings.length}处问题（错误${errors.length}处，提示${warnings.length}处）`];
    if (unmarked > 0) parts.push(`表格中只标出了前${marked}处，另有${unmarked}处未标出`);
    if (unlisted > 0) parts.push(`本表只列出了前${LISTED_FINDINGS}处，另有${unlisted}处未列出`);
    rows.push({ cells: ['', '', '', `${parts.join('；')}。请先改正这些问题后再检查。`], bold: true });
  }
  return {
    file,
    marks: [...notes.values()].map(({ sheet, address, error, lines }) => ({ sheet, address, error, note: lines.join('\n') })),
    rows,
    sheet: FINDINGS_SHEET,
  };
}

const FILLS: Record<'error' | 'warning', ExcelJS.Fill> = {
  error: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFC7CE' } },
  warning: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFEB9C' } },
};

/**
 * The exceljs half of an annotated error report: the workbook loaded, the planned cells marked and commented, the
 * findings sheet added, the whole written again. Seconds of uninterrupted work for a large sheet: a document worker
 * runs it (documents/render.ts), never the server's own thread.
 */
export async function annotate({ file, marks, rows, sheet: findingsSheet }: AnnotationPlan): Promise<Buffer> {
  const workbook = await loadWorkbook(file);
  for (const { sheet: name, address, error, note } of marks) {
    const sheet = workbook.getWorksheet(name);
    if (!sheet) continue;
    const cell = sheet.getCell(address);
    cell.fill = error ? FILLS.error : FILLS.warning;
    cell.note = note;
  }
  if (workbook.getWorksheet(findingsSheet)) workbook.removeWorksheet(findingsSheet);
  const list = workbook.addWorksheet(findingsSheet);
  list.columns = [
    { header: '类别', width: 8 },
    { header: '工作表', width: 14 },
    { header: '单元格', width: 10 },
    { header: '说明', width: 90 },
  ];
  list.getRow(1).font = { bold: true };
  for (const { cells, fill, bold } of rows) {
    const row = list.addRow(cells);
    if (fill) row.getCell(1).fill = FILLS[fill];
    if (bold) row.font = { bold: true };
  }
  workbook.views = [{ x: 0, y: 0, width: 20000, height: 12000, firstSheet: 0, activeTab: workbook.worksheets.indexOf(list), visibility: 'visible' }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * The uploaded workbook (no larger than EXCELJS_MAX_XML_BYTES, see checkAnnotatable) with the cells named in the
 * first MARKED_FINDINGS errors (red) and warnings (yellow) highlighted and commented, plus a sheet listing the first
 * LISTED_FINDINGS findings (including those about the file or a whole row) and how many more there are. A document
 * worker loads and writes it (the pool's queue bounds how many are held at once), so the server goes on answering.
 */
export function annotateWorkbook(documents: DocumentPool, file: Buffer, errors: readonly ImportFinding[], warnings: readonly ImportFinding[]): Promise<Buffer> {
  return documents.render({ kind: 'annotate', data: annotationPlan(file, errors, warnings) });
}
