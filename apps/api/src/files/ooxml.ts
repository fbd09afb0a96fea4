import { StringDecoder } from 'node:string_decoder';
import type { CellLike, SheetGrid } from '@oversight/domain';
import { FileRefusal } from './refusal.js';

/**
 * Reads the cell values of an .xlsx workbook straight from its XML parts (already inflated and size-checked by
 * inspectXlsx). The import needs values only, not styles or drawings, and a county sheet of 500 schools reads
 * here in a few tens of milliseconds, where building exceljs's full model takes several hundred; exceljs still
 * writes every file and the annotated error report.
 *
 * Covers what Excel, WPS and LibreOffice write: shared strings (with rich-text runs, phonetic runs left out),
 * inline strings, formulas with or without a saved result (shared formulas too), booleans, error values, ISO
 * date cells, namespace prefixes, and cells or rows without an explicit reference. Date-formatted numbers stay
 * numbers (date indicators accept the serial; see sheetValue).
 */
export class WorkbookStructureError extends Error {}

export type Parts = ReadonlyMap<string, Buffer>;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text
    .replace(/&(?:(amp|lt|gt|quot|apos)|#(\d+)|#x([0-9a-fA-F]+));/g, (_, name: string | undefined, dec: string | undefined, hex: string | undefined) => {
      if (name) return ENTITIES[name]!;
      const code = dec ? Number(dec) : parseInt(hex!, 16);
      // A reference to no character at all (&#x110000;) is not XML any program writes: left to exceljs to judge.
      if (!(code <= 0x10ffff)) throw new WorkbookStructureError(`character reference out of range: ${code}`);
      return String.fromCodePoint(code);
    })
    .replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

// Patterns are built once per name: a county sheet has tens of thousands of cells.
const attributePatterns = new Map<string, RegExp>();
const elementPatterns = new Map<string, RegExp>();

function attribute(tag: string, name: string): string | null {
  let pattern = attributePatterns.get(name);
  if (!pattern) {
    pattern = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`);
    attributePatterns.set(name, pattern);
  }
  const match = pattern.exec(tag);
  if (!match) return null;
  const value = match[1] ?? match[2] ?? '';
  return value.includes('&') || value.includes('_x') ? decode(value) : value;
}

/** Every element `name` (any namespace prefix): its attribute text and its content (null when self-closing). */
function* elements(xml: string, name: string): Generator<{ attributes: string; content: string | null }> {
  let pattern = elementPatterns.get(name);
  if (!pattern) {
    pattern = new RegExp(`<(?:[\\w.-]+:)?${name}(\\s[^>]*?)?(?:/>|>([\\s\\S]*?)</(?:[\\w.-]+:)?${name}>)`, 'g');
    elementPatterns.set(name, pattern);
  }
  for (const match of xml.matchAll(pattern)) yield { attributes: match[1] ?? '', content: match[2] ?? null };
}

function first(xml: string, name: string): { attributes: string; content: string | null } | null {
  for (const element of elements(xml, name)) return element;
  return null;
}

/** The visible text of a string item: its <t> runs, without phonetic guides (<rPh>). */
function text(xml: string): string {
  const plain = xml.replace(/<(?:[\w.-]+:)?rPh\b[\s\S]*?<\/(?:[\w.-]+:)?rPh>/g, '');
  let out = '';
  for (const t of elements(plain, 't')) out += decode(t.content ?? '');
  return out;
}

function part(parts: Parts, name: string): string | null {
  const data = parts.get(name);
  return data ? data.toString('utf8') : null;
}

function resolve(target: string): string {
  const path = target.startsWith('/') ? target.slice(1) : `xl/${target}`;
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '..') segments.pop();
    else if (segment !== '.') segments.push(segment);
  }
  return segments.join('/');
}

function columnOf(reference: string): number {
  let n = 0;
  for (const c of reference) {
    const code = c.charCodeAt(0);
    if (code < 65 || code > 90) break;
    n = n * 26 + (code - 64);
  }
  return n;
}

const FORMULA = /<(?:[\w.-]+:)?f(?:\s[^>]*?)?(?:\/>|>([\s\S]*?)<\/(?:[\w.-]+:)?f>)/;
const VALUE = /<(?:[\w.-]+:)?v(?:\s[^>]*)?>([\s\S]*?)<\/(?:[\w.-]+:)?v>/;
const INLINE = /<(?:[\w.-]+:)?is(?:\s[^>]*)?>([\s\S]*?)<\/(?:[\w.-]+:)?is>/;
// Row and cell loops run tens of thousands of times: one precompiled pattern each, read with exec.
const ROW = /<(?:[\w.-]+:)?row(\s[^>]*?)?(?:\/>|>([\s\S]*?)<\/(?:[\w.-]+:)?row>)/g;
const CELL = /<(?:[\w.-]+:)?c(\s[^>]*?)?(?:\/>|>([\s\S]*?)<\/(?:[\w.-]+:)?c>)/g;
const REFERENCE = /\sr\s*=\s*["']([A-Za-z]*)(\d*)["']/;
const TYPE = /\st\s*=\s*["']([^"']*)["']/;

function cellValue(type: string | undefined, content: string, tally: Tally): CellLike {
  const formula = content.includes('f') ? FORMULA.exec(content) : null;
  const raw = VALUE.exec(content)?.[1] ?? null;
  let value: CellLike;
  switch (type) {
    case 's':
      if (raw === null) value = null;
      else {
        const index = Number(raw);
        if (!Number.isInteger(index) || index < 0) value = null;
        else {
          tally.wanted.add(index);
          value = new SharedRef(index) as unknown as CellLike;
        }
      }
      break;
    case 'inlineStr': {
      const inline = INLINE.exec(content)?.[1];
      value = inline ? text(inline) : null;
      break;
    }
    case 'str':
      value = raw === null ? null : decode(raw);
      break;
    case 'b':
      value = raw === null ? null : raw.trim() === '1';
      break;
    case 'e':
      value = raw === null ? null : { error: decode(raw) };
      break;
    case 'd':
      value = raw === null ? null : new Date(decode(raw));
      break;
    default:
      value = raw === null || raw.trim() === '' ? null : Number(raw);
  }
  if (formula) return { formula: decode(formula[1] ?? ''), result: value === null ? undefined : value };
  return value;
}

/** A shared-string cell before the shared strings are read: only the strings some cell uses are kept. */
class SharedRef {
  constructor(readonly index: number) {}
}

/** How much a workbook may hold: rows and cells with a value per sheet, cells with a value in all sheets. */
export interface SheetCaps {
  rows: number;
  cells: number;
  workbookCells: number;
}

/**
 * Caps that follow from what an import file holds: a county sheet has one row per school of the county (the largest
 * counties have a few hundred to about two thousand schools, teaching points included) and 44 columns today; a
 * school's report has about 60 rows of 5 columns. 5,000 rows and 250,000 cells per sheet leave room for any county
 * and for the catalogue to grow; 500,000 cells in all lets a bureau send a few such sheets at once.
 */
export const SHEET_CAPS: SheetCaps = { rows: 5_000, cells: 250_000, workbookCells: 500_000 };

/** XML is decoded and scanned this much at a time (a few milliseconds of work); the async reader lets other requests run between windows. */
const WINDOW = 64 << 10;

const SHEET_DATA_START = /<(?:[\w.-]+:)?sheetData(?:\s[^>]*?)?(\/?)>/;
const SHEET_DATA_END = /<\/(?:[\w.-]+:)?sheetData>/;
const SHARED_ITEM = /<(?:[\w.-]+:)?si(?:\s[^>]*?)?(?:\/>|>([\s\S]*?)<\/(?:[\w.-]+:)?si>)/g;

/** The text of a part in windows of about WINDOW bytes (a multi-byte character is never split). */
function* windows(data: Buffer): Generator<string> {
  const decoder = new StringDecoder('utf8');
  for (let at = 0; at < data.length; at += WINDOW) yield decoder.write(data.subarray(at, at + WINDOW));
  const rest = decoder.end();
  if (rest) yield rest;
}

/** Rows and cells with a value read so far in the whole workbook, against the caps. */
interface Tally {
  caps: SheetCaps;
  cells: number;
  wanted: Set<number>;
}

function tooLarge(message: string, rule: string): FileRefusal {
  return new FileRefusal(413, message, rule);
}

/**
 * One worksheet's cells, read window by window from its XML (complete rows only; the rest waits for the next
 * window), yielding between windows. Stops with a refusal as soon as the sheet passes a cap.
 */
function* sheetGrid(name: string, data: Buffer, tally: Tally): Generator<void, SheetGrid & { cells: Map<number, Map<number, CellLike>> }> {
  const { caps } = tally;
  const cells = new Map<number, Map<number, CellLike>>();
  let rowCount = 0;
  let columnCount = 0;
  let rowNumber = 0;
  let sheetCells = 0;
  let pending = '';
  let started = false;
  let ended = false;
  const rows = (chunk: string): number => {
    let consumed = 0;
    ROW.lastIndex = 0;
    for (let row = ROW.exec(chunk); row; row = ROW.exec(chunk)) {
      consumed = ROW.lastIndex;
      const r = REFERENCE.exec(row[1] ?? '')?.[2];
      rowNumber = r ? Number(r) : rowNumber + 1;
      if (!Number.isInteger(rowNumber) || rowNumber < 1) throw new WorkbookStructureError(`bad row number in ${name}`);
      const content = row[2] ?? '';
      let column = 0;
      const values = new Map<number, CellLike>();
      CELL.lastIndex = 0;
      for (let cell = CELL.exec(content); cell; cell = CELL.exec(content)) {
        const attributes = cell[1] ?? '';
        const letters = REFERENCE.exec(attributes)?.[1];
        column = letters ? columnOf(letters.toUpperCase()) : column + 1;
        if (column < 1) throw new WorkbookStructureError(`bad cell reference in ${name}`);
        if (cell[2] === undefined) continue;
        const value = cellValue(TYPE.exec(attributes)?.[1], cell[2], tally);
        if (value === null) continue;
        values.set(column, value);
        columnCount = Math.max(columnCount, column);
      }
      if (values.size) {
        if (!cells.has(rowNumber)) {
          if (cells.size >= caps.rows) {
            throw tooLarge(
              `工作表“${name}”超过${caps.rows.toLocaleString('en-US')}行数据（每个学校一行的全县汇总表也远少于此），已拒绝，未保存任何数据。请删除多余的行或拆分后再上传。`,
              'too_many_rows',
            );
          }
        }
        sheetCells += values.size;
        tally.cells += values.size;
        if (sheetCells > caps.cells) {
          throw tooLarge(
            `工作表“${name}”超过${caps.cells.toLocaleString('en-US')}个填写了内容的单元格，已拒绝，未保存任何数据。请删除多余的行、列或拆分后再上传。`,
            'too_many_cells',
          );
        }
        if (tally.cells > caps.workbookCells) {
          throw tooLarge(
            `工作簿中填写了内容的单元格超过${caps.workbookCells.toLocaleString('en-US')}个，已拒绝，未保存任何数据。请删除多余的工作表或拆分后再上传。`,
            'too_many_cells',
          );
        }
        cells.set(rowNumber, values);
        rowCount = Math.max(rowCount, rowNumber);
      }
    }
    return consumed;
  };
  for (const chunk of windows(data)) {
    pending += chunk;
    if (!started) {
      const start = SHEET_DATA_START.exec(pending);
      if (!start) {
        // Whatever comes before the sheet's data (views, columns) is not needed; a tag split across windows is kept.
        pending = pending.slice(-1024);
        yield;
        continue;
      }
      started = true;
      if (start[1]) {
        ended = true;
        break;
      }
      pending = pending.slice(start.index + start[0].length);
    }
    const end = SHEET_DATA_END.exec(pending);
    if (end) {
      rows(pending.slice(0, end.index));
      ended = true;
      break;
    }
    pending = pending.slice(rows(pending));
    yield;
  }
  // A sheet cut short (its data never closed) is not read as far as it goes: the file is damaged.
  if (started && !ended) throw new WorkbookStructureError(`sheet data of ${name} not closed`);
  return { name, rowCount, columnCount, cells, cell: (row, column) => cells.get(row)?.get(column) ?? null };
}

/** The shared strings that some cell uses, read window by window; the others are skipped. */
function* sharedStrings(data: Buffer, wanted: ReadonlySet<number>): Generator<void, Map<number, string>> {
  const found = new Map<number, string>();
  if (!wanted.size) return found;
  const last = Math.max(...wanted);
  let index = 0;
  let pending = '';
  for (const chunk of windows(data)) {
    pending += chunk;
    let consumed = 0;
    SHARED_ITEM.lastIndex = 0;
    for (let item = SHARED_ITEM.exec(pending); item; item = SHARED_ITEM.exec(pending)) {
      consumed = SHARED_ITEM.lastIndex;
      if (wanted.has(index)) found.set(index, text(item[1] ?? ''));
      index += 1;
    }
    pending = pending.slice(consumed);
    if (index > last) break;
    yield;
  }
  return found;
}

/** Shared-string cells (and formula results) replaced by their text, once the shared strings are read. */
function resolveShared(grid: { cells: Map<number, Map<number, CellLike>> }, shared: ReadonlyMap<number, string>): void {
  for (const values of grid.cells.values()) {
    for (const [column, value] of values) {
      if (value instanceof SharedRef) {
        const text = shared.get(value.index);
        if (text === undefined) values.delete(column);
        else values.set(column, text);
      } else if (value && typeof value === 'object' && 'formula' in value && value.result instanceof SharedRef) {
        values.set(column, { formula: value.formula, result: shared.get(value.result.index) } as CellLike);
      }
    }
  }
}

/**
 * Every worksheet of the workbook, in workbook order (chart sheets and the like are skipped), as steps: the caller
 * runs them through (readSheets) or lets other work run between them (readSheetsAsync).
 */
function* sheetSteps(parts: Parts, skip: (name: string) => boolean, caps: SheetCaps): Generator<void, SheetGrid[]> {
  const workbook = part(parts, 'xl/workbook.xml');
  const rels = part(parts, 'xl/_rels/workbook.xml.rels');
  if (!workbook || !rels) throw new WorkbookStructureError('workbook parts missing');
  const targets = new Map<string, string>();
  for (const rel of elements(rels, 'Relationship')) {
    const id = attribute(rel.attributes, 'Id');
    const target = attribute(rel.attributes, 'Target');
    if (id && target && /\/worksheet$/.test(attribute(rel.attributes, 'Type') ?? '')) targets.set(id, resolve(target));
  }
  const tally: Tally = { caps, cells: 0, wanted: new Set() };
  const grids: (SheetGrid & { cells: Map<number, Map<number, CellLike>> })[] = [];
  for (const sheet of elements(first(workbook, 'sheets')?.content ?? '', 'sheet')) {
    const name = attribute(sheet.attributes, 'name');
    const id = /\s[\w.-]+:id\s*=\s*"([^"]*)"/.exec(sheet.attributes)?.[1];
    if (!name || skip(name)) continue;
    const path = id ? targets.get(id) : undefined;
    if (!path) continue;
    const data = parts.get(path);
    if (!data) throw new WorkbookStructureError(`sheet part ${path} missing`);
    grids.push(yield* sheetGrid(name, data, tally));
  }
  const sharedPart = parts.get('xl/sharedStrings.xml');
  const shared = sharedPart ? yield* sharedStrings(sharedPart, tally.wanted) : new Map<number, string>();
  for (const grid of grids) resolveShared(grid, shared);
  return grids.map(({ name, rowCount, columnCount, cell }) => ({ name, rowCount, columnCount, cell }));
}

/** Every worksheet of the workbook, in workbook order, read in one go (small workbooks and tests). */
export function readSheets(parts: Parts, skip: (name: string) => boolean = () => false, caps: SheetCaps = SHEET_CAPS): SheetGrid[] {
  const steps = sheetSteps(parts, skip, caps);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** readSheets, letting the server answer other requests between windows of XML. */
export async function readSheetsAsync(parts: Parts, skip: (name: string) => boolean = () => false, caps: SheetCaps = SHEET_CAPS): Promise<SheetGrid[]> {
  const steps = sheetSteps(parts, skip, caps);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
