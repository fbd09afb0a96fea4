import { INT4_MAX } from '../access.js';
import { findIndicator } from '../indicators/catalogue.js';
import type { Indicator } from '../indicators/types.js';
import { toHalfWidth } from '../indicators/values.js';
import type { Period } from '../periods.js';
import { cellText, columnLetter, readCell, sheetValue, type CellLike } from './cells.js';
import { COUNTY_SHEET, SCHOOL_SHEET, parsePeriodText, type CountyKey } from './layout.js';

/** One worksheet as a grid of cells, 1-based; merged cells other than the top-left one read as blank. */
export interface SheetGrid {
  name: string;
  rowCount: number;
  columnCount: number;
  cell(row: number, column: number): CellLike;
}

export interface CellRef {
  sheet: string;
  row: number;
  column: string;
}

export type RawCell = string | number | boolean | Date | null;

export interface ImportCell {
  code: string;
  raw: RawCell;
  at: CellRef;
}

/** One school's quarter as read from a file, every value with the cell it came from. */
export interface ImportRecord {
  template: 'school' | 'county';
  schoolCode: string;
  schoolAt: CellRef;
  period: Period;
  periodAt: CellRef;
  /**
   * The report's version when the template was downloaded (0: there was none), from the 版本 cell; null when
   * that cell is blank. Both fields are absent when the sheet has no version column or label (typed by hand).
   */
  version?: number | null;
  versionAt?: CellRef;
  cells: ImportCell[];
}

/** A problem found in a file: where (sheet, row, column letter; null for the file as a whole), what, why. */
export interface ImportFinding {
  sheet: string | null;
  row: number | null;
  column: string | null;
  /** The indicator code, or school_code / period / file for the other parts of a file. */
  code: string;
  rule: string;
  message: string;
}

/** What checking (and, when clean, storing) a file's records comes to: the import service's answer. */
export interface ImportResult {
  ok: boolean;
  /** Reports created or changed. */
  stored: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Records with no value at all (a school left blank in the county sheet). */
  skipped: number;
  errors: ImportFinding[];
  warnings: ImportFinding[];
}

/**
 * What POST /api/import/reports answers as JSON: the import's result with the parser's findings merged in, how
 * many values the file carried, and, when the file was refused, why (the rule broken, when the route names one).
 */
export interface ImportResponse extends ImportResult {
  values: number;
  error?: { message: string; rule?: string };
}

export interface ParsedWorkbook {
  /** False when no sheet looks like either template: the file is refused as a whole. */
  recognised: boolean;
  records: ImportRecord[];
  errors: ImportFinding[];
  warnings: ImportFinding[];
}

/** How far down a header may sit (title rows, notes, metadata above it). */
const HEADER_SEARCH_ROWS = 30;

export const WRONG_TEMPLATE_MESSAGE =
  '无法识别该文件：没有找到导入模板的表头。学校季度报表需有“指标代码”和“填报值”两列，全县汇总表需保留第二行表头中的系统代码（school_code 等）。请从平台下载模板后填写。';

/** Total rows bureaus add at the bottom of their sheets. */
const TOTAL_ROW = /^(合计|总计|小计|全县合计|汇总)$/;

const at = (sheet: string, row: number, column: number): CellRef => ({ sheet, row, column: columnLetter(column) });

/** A finding at a cell (or, without one, about the file as a whole). */
export function importFinding(ref: CellRef | null, code: string, rule: string, message: string): ImportFinding {
  return { sheet: ref?.sheet ?? null, row: ref?.row ?? null, column: ref?.column ?? null, code, rule, message };
}

class Collector {
  readonly records: ImportRecord[] = [];
  readonly errors: ImportFinding[] = [];
  readonly warnings: ImportFinding[] = [];
  error(ref: CellRef | null, code: string, rule: string, message: string) {
    this.errors.push(importFinding(ref, code, rule, message));
  }
  warn(ref: CellRef | null, code: string, rule: string, message: string) {
    this.warnings.push(importFinding(ref, code, rule, message));
  }
}

function findRow(grid: SheetGrid, test: (texts: (string | null)[]) => boolean): number | null {
  for (let row = 1; row <= Math.min(grid.rowCount, HEADER_SEARCH_ROWS); row++) {
    const texts = Array.from({ length: grid.columnCount }, (_, i) => cellText(grid.cell(row, i + 1)));
    if (test(texts)) return row;
  }
  return null;
}

function schoolCodeOf(grid: SheetGrid, ref: CellRef, row: number, column: number, out: Collector): string | null {
  const text = cellText(grid.cell(row, column))?.replace(/\s/g, '') ?? null;
  if (text === null) {
    out.error(ref, 'school_code', 'required', '缺少学校标识码。');
    return null;
  }
  if (!/^\d{10}$/.test(text)) {
    out.error(ref, 'school_code', 'format', `学校标识码必须是10位数字，文件中为“${text}”。`);
    return null;
  }
  return text;
}

function periodOf(grid: SheetGrid, ref: CellRef, row: number, column: number, out: Collector): Period | null {
  const text = cellText(grid.cell(row, column));
  if (text === null) {
    out.error(ref, 'period', 'required', '缺少季度（如 2026Q1）。');
    return null;
  }
  const period = parsePeriodText(text);
  if (!period) out.error(ref, 'period', 'format', `季度应写作“2026Q1”或“2026年第一季度”，文件中为“${text}”。`);
  return period;
}

/**
 * The version cell: blank → null; a non-negative integer (a number, or text digits, full-width too) → that
 * number; anything else is an error naming the cell, and undefined (the row is left out, like a bad identifier).
 */
function versionOf(grid: SheetGrid, ref: CellRef, row: number, column: number, out: Collector): number | null | undefined {
  const place = `${ref.column}${ref.row}单元格`;
  const reading = readCell(grid.cell(row, column));
  if (!reading.ok) {
    out.error(ref, 'version', reading.rule, `版本（${place}）：${reading.message}`);
    return undefined;
  }
  const raw = reading.raw;
  if (raw === null) return null;
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? toHalfWidth(raw).replace(/\s/g, '') : null;
  const version = text !== null && /^\d+(\.0+)?$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isSafeInteger(version) && version <= INT4_MAX) return version;
  const shown = cellText(grid.cell(row, column)) ?? String(raw);
  out.error(
    ref,
    'version',
    'format',
    `版本（${place}）应为不小于0的整数，文件中为“${shown}”。版本由平台在下载模板时填写，请勿修改；如已改动，请重新下载模板。`,
  );
  return undefined;
}

/** Reads an indicator cell with the tolerance rules; a refused cell becomes an error and is left out. */
function indicatorCell(grid: SheetGrid, ind: Indicator, row: number, column: number, out: Collector): ImportCell | null {
  const ref = at(grid.name, row, column);
  const reading = readCell(grid.cell(row, column));
  if (!reading.ok) {
    out.error(ref, ind.code, reading.rule, `${ind.name.zh}：${reading.message}`);
    return null;
  }
  return { code: ind.code, raw: sheetValue(ind, reading.raw), at: ref };
}

/** A label cell (“学校标识码”, “季度：”), searched in the rows above the header. */
function labelCell(grid: SheetGrid, label: string, above: number): { row: number; column: number } | null {
  for (let row = 1; row < above; row++) {
    for (let column = 1; column <= grid.columnCount; column++) {
      if (cellText(grid.cell(row, column))?.replace(/[:：\s]/g, '') === label) return { row, column };
    }
  }
  return null;
}

/** The value right of a label cell (“学校标识码 | 2151000001”): the first filled cell to its right. */
function labelled(grid: SheetGrid, label: string, above: number): { row: number; column: number } | null {
  const found = labelCell(grid, label, above);
  if (!found) return null;
  for (let right = found.column + 1; right <= grid.columnCount; right++) {
    if (cellText(grid.cell(found.row, right)) !== null) return { row: found.row, column: right };
  }
  return { row: found.row, column: found.column + 1 };
}

function parseSchoolSheet(grid: SheetGrid, headerRow: number, out: Collector): void {
  const headers = Array.from({ length: grid.columnCount }, (_, i) => cellText(grid.cell(headerRow, i + 1)));
  const codeColumn = headers.indexOf(SCHOOL_SHEET.headers.code) + 1;
  const valueColumn = headers.indexOf(SCHOOL_SHEET.headers.value) + 1;
  const school = labelled(grid, SCHOOL_SHEET.schoolLabel, headerRow);
  const quarter = labelled(grid, SCHOOL_SHEET.periodLabel, headerRow);
  if (!school) out.error({ sheet: grid.name, row: headerRow, column: 'A' }, 'school_code', 'required', `表头上方没有找到“${SCHOOL_SHEET.schoolLabel}”。`);
  if (!quarter) out.error({ sheet: grid.name, row: headerRow, column: 'A' }, 'period', 'required', `表头上方没有找到“${SCHOOL_SHEET.periodLabel}”。`);
  const schoolAt = school ? at(grid.name, school.row, school.column) : null;
  const periodAt = quarter ? at(grid.name, quarter.row, quarter.column) : null;
  const schoolCode = school && schoolAt ? schoolCodeOf(grid, schoolAt, school.row, school.column, out) : null;
  const period = quarter && periodAt ? periodOf(grid, periodAt, quarter.row, quarter.column, out) : null;
  // The version is the cell right of its label, blank or not.
  const label = labelCell(grid, SCHOOL_SHEET.versionLabel, headerRow);
  const versionAt = label ? at(grid.name, label.row, label.column + 1) : null;
  const version = label && versionAt ? versionOf(grid, versionAt, label.row, label.column + 1, out) : null;

  const cells: ImportCell[] = [];
  const seen = new Map<string, number>();
  for (let row = headerRow + 1; row <= grid.rowCount; row++) {
    const code = cellText(grid.cell(row, codeColumn));
    // Section rows, notes and trailing blank rows carry no code.
    if (code === null) {
      if (readCell(grid.cell(row, valueColumn)).ok && cellText(grid.cell(row, valueColumn)) !== null) {
        out.warn(at(grid.name, row, valueColumn), 'row', 'no_code', `第${row}行填了数值，但没有指标代码，已忽略。`);
      }
      continue;
    }
    const ind = findIndicator(code);
    if (!ind) {
      out.error(at(grid.name, row, codeColumn), code, 'unknown', `未知的指标代码：${code}（指标代码列请勿修改）。`);
      continue;
    }
    if (seen.has(code)) {
      out.error(at(grid.name, row, codeColumn), code, 'duplicate', `指标代码 ${code} 重复出现（第${seen.get(code)}行和第${row}行）。`);
      continue;
    }
    seen.set(code, row);
    const cell = indicatorCell(grid, ind, row, valueColumn, out);
    if (cell) cells.push(cell);
  }
  if (schoolCode && period && schoolAt && periodAt && version !== undefined) {
    out.records.push({ template: 'school', schoolCode, schoolAt, period, periodAt, ...(versionAt ? { version, versionAt } : {}), cells });
  }
}

function parseCountySheet(grid: SheetGrid, codesRow: number, out: Collector): void {
  const keys = new Map<CountyKey, number>();
  const columns: { ind: Indicator; column: number }[] = [];
  const seen = new Map<string, number>();
  for (let column = 1; column <= grid.columnCount; column++) {
    const code = cellText(grid.cell(codesRow, column));
    const ref = at(grid.name, codesRow, column);
    if (code === null) {
      const header = codesRow > 1 ? cellText(grid.cell(codesRow - 1, column)) : null;
      if (header) out.warn(ref, 'column', 'no_code', `“${header}”列（${ref.column}列）没有系统代码，已忽略。`);
      continue;
    }
    if (seen.has(code)) {
      out.error(ref, code, 'duplicate', `系统代码 ${code} 重复出现（${columnLetter(seen.get(code)!)}列和${ref.column}列）。`);
      continue;
    }
    seen.set(code, column);
    if (code in COUNTY_SHEET.keys) {
      keys.set(code as CountyKey, column);
      continue;
    }
    const ind = findIndicator(code);
    if (!ind) out.error(ref, code, 'unknown', `未知的系统代码：${code}（第${codesRow}行的系统代码请勿修改）。`);
    else columns.push({ ind, column });
  }

  const codeColumn = keys.get('school_code')!;
  const periodColumn = keys.get('period');
  const versionColumn = keys.get('version');
  // Without a period column, one “季度” label above the header gives the quarter for every row.
  const sheetQuarter = periodColumn === undefined ? labelled(grid, COUNTY_SHEET.keys.period, codesRow) : null;
  let sheetPeriod: Period | null = null;
  if (periodColumn === undefined) {
    if (!sheetQuarter) {
      out.error({ sheet: grid.name, row: codesRow, column: 'A' }, 'period', 'required', '没有找到季度：请保留“季度”列（系统代码 period）。');
      return;
    }
    sheetPeriod = periodOf(grid, at(grid.name, sheetQuarter.row, sheetQuarter.column), sheetQuarter.row, sheetQuarter.column, out);
    if (!sheetPeriod) return;
  }

  const filled = (row: number, column: number) => {
    const value = grid.cell(row, column);
    return value !== null && value !== undefined && (!readCell(value).ok || cellText(value) !== null);
  };
  for (let row = codesRow + 1; row <= grid.rowCount; row++) {
    const schoolAt = at(grid.name, row, codeColumn);
    const label = [codeColumn, keys.get('school_name')].map((c) => (c === undefined ? null : cellText(grid.cell(row, c))?.replace(/\s/g, '')));
    if (label.some((text) => text !== null && text !== undefined && TOTAL_ROW.test(text))) {
      out.warn(schoolAt, 'row', 'total_row', `第${row}行是合计行，已忽略（合计由系统计算）。`);
      continue;
    }
    if (!filled(row, codeColumn)) {
      if (columns.some((c) => filled(row, c.column))) out.error(schoolAt, 'school_code', 'required', `第${row}行填了数据，但缺少学校标识码。`);
      continue;
    }
    const schoolCode = schoolCodeOf(grid, schoolAt, row, codeColumn, out);
    const periodAt = periodColumn !== undefined ? at(grid.name, row, periodColumn) : at(grid.name, sheetQuarter!.row, sheetQuarter!.column);
    const period = periodColumn !== undefined ? periodOf(grid, periodAt, row, periodColumn, out) : sheetPeriod;
    const versionAt = versionColumn !== undefined ? at(grid.name, row, versionColumn) : null;
    const version = versionAt ? versionOf(grid, versionAt, row, versionColumn!, out) : null;
    const cells = columns.map(({ ind, column }) => indicatorCell(grid, ind, row, column, out)).filter((c): c is ImportCell => c !== null);
    if (schoolCode && period && version !== undefined) {
      out.records.push({ template: 'county', schoolCode, schoolAt, period, periodAt, ...(versionAt ? { version, versionAt } : {}), cells });
    }
  }
}

/**
 * Finds the template in each sheet and reads it. Tolerates title rows (merged or not), notes and metadata above
 * the header, reordered or extra columns in the county sheet, section rows in the school sheet and trailing blank
 * rows. Sheets that look like neither template (instructions, option lists) are skipped.
 */
export function parseWorkbook(grids: readonly SheetGrid[]): ParsedWorkbook {
  const out = new Collector();
  let recognised = false;
  for (const grid of grids) {
    const codesRow = findRow(grid, (texts) => texts.includes('school_code'));
    if (codesRow !== null) {
      recognised = true;
      parseCountySheet(grid, codesRow, out);
      continue;
    }
    const headerRow = findRow(grid, (texts) => texts.includes(SCHOOL_SHEET.headers.code) && texts.includes(SCHOOL_SHEET.headers.value));
    if (headerRow !== null) {
      recognised = true;
      parseSchoolSheet(grid, headerRow, out);
    }
  }
  if (!recognised) out.error(null, 'file', 'wrong_template', WRONG_TEMPLATE_MESSAGE);
  return { recognised, records: out.records, errors: out.errors, warnings: out.warnings };
}
