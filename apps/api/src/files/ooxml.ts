import type { CellLike, SheetGrid } from '@oversight/domain';

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
  if (!pattern) attributePatterns.set(name, (pattern = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`)));
  const match = pattern.exec(tag);
  if (!match) return null;
  const value = match[1] ?? match[2] ?? '';
  return value.includes('&') || value.includes('_x') ? decode(value) : value;
}

/** Every element `name` (any namespace prefix): its attribute text and its content (null when self-closing). */
function* elements(xml: string, name: string): Generator<{ attributes: string; content: string | null }> {
  let pattern = elementPatterns.get(name);
  if (!pattern) elementPatterns.set(name, (pattern = new RegExp(`<(?:[\\w.-]+:)?${name}(\\s[^>]*?)?(?:/>|>([\\s\\S]*?)</(?:[\\w.-]+:)?${name}>)`, 'g')));
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

function cellValue(type: string | undefined, content: string, shared: readonly string[]): CellLike {
  const formula = content.includes('f') ? FORMULA.exec(content) : null;
  const raw = VALUE.exec(content)?.[1] ?? null;
  let value: CellLike;
  switch (type) {
    case 's':
      value = raw === null ? null : (shared[Number(raw)] ?? null);
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

function sheetGrid(name: string, xml: string, shared: readonly string[]): SheetGrid {
  const cells = new Map<number, Map<number, CellLike>>();
  let rowCount = 0;
  let columnCount = 0;
  const data = first(xml, 'sheetData')?.content ?? '';
  let rowNumber = 0;
  ROW.lastIndex = 0;
  for (let row = ROW.exec(data); row; row = ROW.exec(data)) {
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
      const value = cellValue(TYPE.exec(attributes)?.[1], cell[2], shared);
      if (value === null) continue;
      values.set(column, value);
      columnCount = Math.max(columnCount, column);
    }
    if (values.size) {
      cells.set(rowNumber, values);
      rowCount = Math.max(rowCount, rowNumber);
    }
  }
  return { name, rowCount, columnCount, cell: (row, column) => cells.get(row)?.get(column) ?? null };
}

/** Every worksheet of the workbook, in workbook order (chart sheets and the like are skipped). */
export function readSheets(parts: Parts, skip: (name: string) => boolean = () => false): SheetGrid[] {
  const workbook = part(parts, 'xl/workbook.xml');
  const rels = part(parts, 'xl/_rels/workbook.xml.rels');
  if (!workbook || !rels) throw new WorkbookStructureError('workbook parts missing');
  const targets = new Map<string, string>();
  for (const rel of elements(rels, 'Relationship')) {
    const id = attribute(rel.attributes, 'Id');
    const target = attribute(rel.attributes, 'Target');
    if (id && target && /\/worksheet$/.test(attribute(rel.attributes, 'Type') ?? '')) targets.set(id, resolve(target));
  }
  const sharedXml = part(parts, 'xl/sharedStrings.xml');
  const shared = sharedXml ? [...elements(sharedXml, 'si')].map((si) => text(si.content ?? '')) : [];
  const grids: SheetGrid[] = [];
  for (const sheet of elements(first(workbook, 'sheets')?.content ?? '', 'sheet')) {
    const name = attribute(sheet.attributes, 'name');
    const id = /\s[\w.-]+:id\s*=\s*"([^"]*)"/.exec(sheet.attributes)?.[1];
    if (!name || skip(name)) continue;
    const path = id ? targets.get(id) : undefined;
    if (!path) continue;
    const xml = part(parts, path);
    if (xml === null) throw new WorkbookStructureError(`sheet part ${path} missing`);
    grids.push(sheetGrid(name, xml, shared));
  }
  return grids;
}
