import type { Indicator } from '../indicators/types.js';
import { toHalfWidth } from '../indicators/values.js';

/**
 * What a spreadsheet library hands back for one cell (the shapes exceljs uses), described structurally so the
 * tolerance rules below stay pure and testable without any workbook.
 */
export type CellLike =
  | null
  | undefined
  | number
  | string
  | boolean
  | Date
  | { richText: readonly { text: string }[] }
  | { text: unknown; hyperlink: string }
  | { formula?: string; sharedFormula?: string; result?: unknown }
  | { error: string }
  | { [key: string]: unknown };

export type CellReading =
  | { ok: true; raw: string | number | boolean | Date | null }
  | { ok: false; rule: 'formula_without_result' | 'error_value'; message: string };

// No-break, zero-width and other invisible spaces that pasting from web pages and WPS leaves behind.
const INVISIBLE = /[\u00A0\u2000-\u200D\u202F\u205F\u2060\uFEFF]/g;

/** Trims a text cell, turning invisible spaces into ordinary ones first. Empty text reads as blank. */
export function cleanText(text: string): string | null {
  const cleaned = text.replace(INVISIBLE, ' ').trim();
  return cleaned === '' ? null : cleaned;
}

function plain(value: unknown): CellReading {
  if (value === null || value === undefined) return { ok: true, raw: null };
  if (typeof value === 'number') return Number.isFinite(value) ? { ok: true, raw: value } : { ok: false, rule: 'error_value', message: '单元格的数值无效。' };
  if (typeof value === 'boolean') return { ok: true, raw: value };
  if (value instanceof Date) return { ok: true, raw: Number.isNaN(value.getTime()) ? null : value };
  if (typeof value === 'string') return { ok: true, raw: cleanText(value) };
  return { ok: false, rule: 'error_value', message: '无法读取该单元格的内容。' };
}

/**
 * Reads one cell with the tolerance the import promises: rich text and hyperlinks become their text, a formula
 * counts by the result the spreadsheet program saved with it, invisible spaces are trimmed. A formula saved
 * without a result (some generators write them so) and error values (#DIV/0! …) are refused with the reason.
 */
export function readCell(value: CellLike): CellReading {
  if (value === null || value === undefined || typeof value !== 'object' || value instanceof Date) return plain(value);
  if ('richText' in value && Array.isArray(value.richText)) {
    return plain(value.richText.map((part: { text?: unknown }) => (typeof part.text === 'string' ? part.text : '')).join(''));
  }
  if ('formula' in value || 'sharedFormula' in value) {
    const result = (value as { result?: unknown }).result;
    if (result === undefined || result === null) {
      return {
        ok: false,
        rule: 'formula_without_result',
        message: '该单元格是公式，但文件中没有保存计算结果：请在 Excel 或 WPS 中打开并保存后再上传，或把公式改为数值。',
      };
    }
    if (typeof result === 'object' && !(result instanceof Date) && 'error' in result) {
      return { ok: false, rule: 'error_value', message: `该单元格的公式计算出错（${String((result as { error: unknown }).error)}），请改为正确的数值。` };
    }
    return plain(result);
  }
  if ('error' in value) return { ok: false, rule: 'error_value', message: `该单元格是错误值（${String(value.error)}），请改为正确的数值。` };
  if ('hyperlink' in value && 'text' in value) {
    const text = value.text;
    if (typeof text === 'object' && text !== null) return readCell(text as CellLike);
    return plain(typeof text === 'string' ? text : String(text ?? ''));
  }
  return plain(value);
}

/** A cell's content as text (for codes, headers and labels); numbers print without grouping. */
export function cellText(value: CellLike): string | null {
  const reading = readCell(value);
  if (!reading.ok || reading.raw === null) return null;
  const raw = reading.raw;
  if (typeof raw === 'number') return String(raw);
  if (raw instanceof Date) return raw.toISOString().slice(0, 10);
  if (typeof raw === 'boolean') return raw ? '是' : '否';
  return toHalfWidth(raw).trim();
}

// Excel's day 0 is 1899-12-30 (counting the fictitious 1900-02-29); serials 20000–80000 cover 1954–2119.
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/** An Excel date serial (a date cell whose format was lost, e.g. after pasting values) as a date. */
export function excelSerialToDate(serial: number): Date | null {
  if (!Number.isInteger(serial) || serial < 20_000 || serial > 80_000) return null;
  return new Date(EXCEL_EPOCH_MS + serial * 86_400_000);
}

/**
 * Adapts a read cell to an indicator before the catalogue's own coercion (coerceValue) runs: a date indicator
 * accepts a bare Excel date serial; a text (a school's own words) is read as the text it shows, with the
 * apostrophe this platform put before a leading = + - @ taken off again; everything else passes unchanged.
 */
export function sheetValue(ind: Indicator, raw: string | number | boolean | Date | null): string | number | boolean | Date | null {
  if (ind.valueType === 'date' && typeof raw === 'number') return excelSerialToDate(raw) ?? raw;
  if (ind.valueType === 'text') {
    if (typeof raw === 'string') return unneutraliseText(raw);
    if (typeof raw === 'number') return String(raw);
    if (typeof raw === 'boolean') return raw ? '是' : '否';
    if (raw instanceof Date) return raw.toISOString().slice(0, 10);
  }
  return raw;
}

/** Text a user typed that a spreadsheet would run as a formula (= + - @, and tab/CR tricks) gets a leading '. */
export function neutraliseText(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** Undoes neutraliseText: a text cell this platform wrote as '=… reads back as =… (no name starts with an apostrophe). */
export function unneutraliseText(text: string): string {
  return /^'[=+\-@\t\r]/.test(text) ? text.slice(1) : text;
}

/** 1 → A, 27 → AA. */
export function columnLetter(column: number): string {
  let n = column;
  let letters = '';
  while (n > 0) {
    const rest = (n - 1) % 26;
    letters = String.fromCharCode(65 + rest) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** A → 1, AA → 27; null for anything that is not a column name. */
export function columnNumber(letters: string): number | null {
  if (!/^[A-Z]{1,3}$/.test(letters)) return null;
  return [...letters].reduce((n, c) => n * 26 + (c.charCodeAt(0) - 64), 0);
}
