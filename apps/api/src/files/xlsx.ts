import { neutraliseText } from '@oversight/domain';
import ExcelJS from 'exceljs';
import type { FastifyReply } from 'fastify';
import { sendFile } from './reply.js';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export type CellContent = string | number | boolean | Date | null;

export function newWorkbook(): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '县域学校后勤督导平台';
  workbook.created = new Date();
  return workbook;
}

export const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
export const SECTION_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
export const NOT_APPLICABLE_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9D9D9' } };
const THIN: Partial<ExcelJS.Borders> = { top: { style: 'thin' }, left: { style: 'thin' }, bottom: { style: 'thin' }, right: { style: 'thin' } };

/** A title across the first `width` columns of a row (merged, as people make them). */
export function titleRow(sheet: ExcelJS.Worksheet, row: number, text: string, width: number, size = 14): void {
  if (width > 1) sheet.mergeCells(row, 1, row, width);
  const cell = sheet.getCell(row, 1);
  cell.value = cellContent(text);
  cell.font = { bold: size >= 14, size };
  cell.alignment = { vertical: 'middle', wrapText: size < 14 };
  sheet.getRow(row).height = size >= 14 ? 26 : 30;
}

export function styleHeader(row: ExcelJS.Row): void {
  row.eachCell((cell) => {
    cell.font = { bold: true };
    cell.fill = HEADER_FILL;
    cell.border = THIN;
    cell.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  });
}

/**
 * A cell value as written into a file: text that a spreadsheet would run as a formula (= + - @) gets a
 * leading apostrophe; Date values are shifted so the county's wall-clock time (UTC+8) shows.
 */
export function cellContent(value: CellContent, options: { wallClock?: boolean } = {}): ExcelJS.CellValue {
  if (typeof value === 'string') return neutraliseText(value);
  if (value instanceof Date && options.wallClock) return new Date(value.getTime() + 8 * 3600_000);
  return value;
}

export async function sendWorkbook(reply: FastifyReply, workbook: ExcelJS.Workbook | Buffer, fileName: string): Promise<FastifyReply> {
  const body = Buffer.isBuffer(workbook) ? workbook : Buffer.from(await workbook.xlsx.writeBuffer());
  return sendFile(reply, XLSX_TYPE, fileName, body);
}

export interface TableColumn<T> {
  header: string;
  width?: number;
  /** Excel number format, e.g. 'yyyy-mm-dd hh:mm'. */
  format?: string;
  value: (row: T) => CellContent;
}

/** Any table of the app as a sheet: a title, the same columns with Chinese headers, one row per item. */
export function tableWorkbook<T>(input: { title: string; sheet: string; columns: readonly TableColumn<T>[]; rows: readonly T[] }): ExcelJS.Workbook {
  const workbook = newWorkbook();
  const sheet = workbook.addWorksheet(input.sheet);
  titleRow(sheet, 1, input.title, input.columns.length);
  const header = sheet.getRow(2);
  input.columns.forEach((c, i) => {
    header.getCell(i + 1).value = c.header;
    sheet.getColumn(i + 1).width = c.width ?? 14;
  });
  styleHeader(header);
  for (const item of input.rows) {
    const row = sheet.addRow(input.columns.map((c) => cellContent(c.value(item), { wallClock: true })));
    input.columns.forEach((c, i) => {
      if (c.format) row.getCell(i + 1).numFmt = c.format;
    });
  }
  sheet.views = [{ state: 'frozen', ySplit: 2 }];
  return workbook;
}
