import { toHalfWidth } from '../indicators/values.js';
import type { Label } from '../labels.js';
import { LOCATION_LABELS, OWNERSHIP_LABELS, SCHOOL_TYPE_LABELS, schoolFields, type SchoolFields } from '../schools.js';
import { cellText, columnLetter, readCell, unneutraliseText } from './cells.js';
import { importFinding, type CellRef, type ImportFinding, type SheetGrid } from './parse.js';

/**
 * The bureau's school roster (学校名单): one row per school, the fields of the school form plus the township by
 * name and the principal's (or contact's) name and mobile number. Shared by the template generator and the parser
 * so they cannot drift apart. Columns are found by their Chinese header (with or without the unit), so a user may
 * reorder them; every column must be there.
 */
export const ROSTER_SHEET = {
  title: '学校名单',
  /** The sheet the drop-downs take their lists from. */
  optionsTitle: '选项',
} as const;

/** The school's fields the roster carries, then the township (by name) and the contact. */
export type RosterKey = Exclude<keyof SchoolFields, 'townshipId'> | 'township';

export interface RosterColumn {
  key: RosterKey;
  header: string;
  unit?: string;
  kind: 'text' | 'enum' | 'boolean' | 'area';
  /** A blank cell is allowed (no township, no contact yet). */
  optional?: true;
  help: string;
}

const enumWords = (labels: Record<string, Label>) => Object.values(labels).map((l) => l.zh);

export const ROSTER_COLUMNS: readonly RosterColumn[] = [
  { key: 'code', header: '学校标识码', kind: 'text', help: '10位数字：前两位为办学类型代码，第3–4位为省份代码。' },
  { key: 'name', header: '学校名称', kind: 'text', help: '2至60个字，本县内不重复。' },
  { key: 'type', header: '办学类型', kind: 'enum', help: `从下拉列表选择：${enumWords(SCHOOL_TYPE_LABELS).join('、')}。` },
  { key: 'ownership', header: '办学性质', kind: 'enum', help: '公办或民办。' },
  { key: 'location', header: '城乡分类', kind: 'enum', help: '城区、镇区或乡村。' },
  { key: 'boarding', header: '是否寄宿制', kind: 'boolean', help: '是或否。' },
  { key: 'buildingAreaM2', header: '校舍建筑面积', unit: '平方米', kind: 'area', help: '大于0的数字，单位平方米。' },
  { key: 'siteAreaM2', header: '占地面积', unit: '平方米', kind: 'area', help: '大于0的数字，单位平方米。' },
  { key: 'hasCanteen', header: '是否有食堂', kind: 'boolean', help: '是或否。' },
  { key: 'township', header: '所属乡镇', kind: 'text', optional: true, help: '本县已有的乡镇名称（从下拉列表选择），可不填。' },
  { key: 'contactName', header: '校长（联系人）姓名', kind: 'text', optional: true, help: '不超过20个字，可不填。' },
  { key: 'contactPhone', header: '联系电话', kind: 'text', optional: true, help: '11位手机号码，如 13812345678，可不填。' },
];

export const ROSTER_COLUMN: Record<RosterKey, RosterColumn> = Object.fromEntries(ROSTER_COLUMNS.map((c) => [c.key, c])) as Record<RosterKey, RosterColumn>;

/** “校舍建筑面积（平方米）”: the header as the template writes it. */
export function rosterHeader(column: RosterColumn): string {
  return column.unit ? `${column.header}（${column.unit}）` : column.header;
}

const ENUM_LABELS: Partial<Record<RosterKey, Record<string, Label>>> = { type: SCHOOL_TYPE_LABELS, ownership: OWNERSHIP_LABELS, location: LOCATION_LABELS };

/** The words a drop-down offers for a column with a closed list (townships come from the county). */
export function rosterOptions(key: RosterKey): string[] | null {
  const labels = ENUM_LABELS[key];
  if (labels) return enumWords(labels);
  if (ROSTER_COLUMN[key].kind === 'boolean') return ['是', '否'];
  return null;
}

/** A school's fields as the roster carries them (the township goes by name). */
export type RosterFields = Omit<SchoolFields, 'townshipId'>;

/**
 * One school as read from the roster, and where each field came from. A complete row has every field checked by
 * the school form's rules; a row with refused cells (each a finding) carries the fields that could be read, so the
 * import still checks those against the county (identifier, township, name) and lists every finding at once.
 */
export type RosterRow = {
  sheet: string;
  row: number;
  at: Record<RosterKey, CellRef>;
  /** The township's name as written (matched within the county by the import), null when blank, undefined when refused. */
  township: string | null | undefined;
} & ({ complete: true; fields: RosterFields } | { complete: false; fields: Partial<RosterFields> });

/** A cell of the roster as its findings name it: “第5行联系电话（L5）”. */
export function rosterCellName(at: CellRef, key: RosterKey): string {
  return `第${at.row}行${ROSTER_COLUMN[key].header}（${at.column}${at.row}）`;
}

/** An account the import opened, as its slip shows it: the one-time password is answered once, never stored in clear. */
export interface RosterAccount {
  schoolCode: string;
  schoolName: string;
  username: string;
  initialPassword: string;
}

/** What checking (and, when clean, storing) a roster comes to. */
export interface RosterResult {
  ok: boolean;
  created: number;
  updated: number;
  unchanged: number;
  accounts: RosterAccount[];
  errors: ImportFinding[];
  warnings: ImportFinding[];
}

/** What POST /api/import/schools answers: the result with the parser's findings merged in, and why a file was refused. */
export interface RosterResponse extends RosterResult {
  error?: { message: string; rule?: string };
}

export interface ParsedRoster {
  /** False when no sheet has the roster's header row: the file is refused as a whole. */
  recognised: boolean;
  /** Every school row, complete or not (the errors say why not). */
  rows: RosterRow[];
  errors: ImportFinding[];
  warnings: ImportFinding[];
}

export const WRONG_ROSTER_MESSAGE = '无法识别该文件：没有找到学校名单的表头（学校标识码、学校名称、办学类型等列）。请从“学校管理”页面下载学校名单模板后填写。';

const HEADER_SEARCH_ROWS = 30;
const TOTAL_ROW = /^(合计|总计|小计|全县合计|汇总)$/;
const TRUE_WORDS = new Set(['是', '有', 'true', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['否', '无', '没有', 'false', 'no', 'n', '0']);

/** A header as people vary it: spaces, full-width or half-width brackets, a required-mark star. */
const headerKey = (text: string) => toHalfWidth(text).replace(/[\s*()（）]/g, '');

const HEADER_KEYS = new Map<string, RosterKey>(
  ROSTER_COLUMNS.flatMap((c) => [[headerKey(c.header), c.key] as const, [headerKey(rosterHeader(c)), c.key] as const]),
);

/** The row holding the roster's header, and the column of each key found in it. */
function findHeader(grid: SheetGrid): { row: number; columns: Map<RosterKey, number>; duplicates: [RosterKey, number][] } | null {
  for (let row = 1; row <= Math.min(grid.rowCount, HEADER_SEARCH_ROWS); row++) {
    const columns = new Map<RosterKey, number>();
    const duplicates: [RosterKey, number][] = [];
    for (let column = 1; column <= grid.columnCount; column++) {
      const text = cellText(grid.cell(row, column));
      const key = text === null ? undefined : HEADER_KEYS.get(headerKey(text));
      if (!key) continue;
      if (columns.has(key)) duplicates.push([key, column]);
      else columns.set(key, column);
    }
    if (columns.has('code') && columns.has('name') && columns.has('type')) return { row, columns, duplicates };
  }
  return null;
}

type Cell = { ok: true; value: unknown } | { ok: false; rule: string; message: string };

/** What one cell holds, as the school form's schema expects it; a cell that cannot be read is a finding. */
function readRosterCell(column: RosterColumn, value: Parameters<typeof readCell>[0]): Cell {
  const reading = readCell(value);
  if (!reading.ok) return { ok: false, rule: reading.rule, message: reading.message };
  const text = cellText(value);
  if (text === null) {
    return column.optional ? { ok: true, value: null } : { ok: false, rule: 'required', message: `${column.header}不能为空。` };
  }
  switch (column.kind) {
    case 'text': {
      // Identifiers and phone numbers as digits (full-width ones too); names exactly as written, full-width brackets kept.
      if (column.key === 'code' || column.key === 'contactPhone') return { ok: true, value: text.replace(/\s/g, '') };
      const raw = reading.raw;
      return { ok: true, value: typeof raw === 'string' ? unneutraliseText(raw) : text };
    }
    case 'enum': {
      const labels = ENUM_LABELS[column.key]!;
      const compact = text.replace(/\s/g, '');
      const found = Object.entries(labels).find(([value, label]) => label.zh === compact || value === compact.toLowerCase());
      if (found) return { ok: true, value: found[0] };
      return { ok: false, rule: 'option', message: `“${text}”不是可选的${column.header}，请从下拉列表选择：${enumWords(labels).join('、')}。` };
    }
    case 'boolean': {
      if (typeof reading.raw === 'boolean') return { ok: true, value: reading.raw };
      const word = text.replace(/\s/g, '').toLowerCase();
      if (TRUE_WORDS.has(word)) return { ok: true, value: true };
      if (FALSE_WORDS.has(word)) return { ok: true, value: false };
      return { ok: false, rule: 'option', message: `${column.header}只能填“是”或“否”，文件中为“${text}”。` };
    }
    case 'area': {
      const n =
        typeof reading.raw === 'number'
          ? reading.raw
          : /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text.replace(/[,，\s]/g, ''))
            ? Number(text.replace(/[,，\s]/g, ''))
            : Number.NaN;
      if (Number.isFinite(n)) return { ok: true, value: n };
      return { ok: false, rule: 'number', message: `${column.header}必须是数字（单位平方米），文件中为“${text}”。` };
    }
  }
}

const FIELD_RULES = schoolFields.shape;

/** Reads one data row into a school's fields, every problem a finding naming its cell and the rule. */
function parseRow(grid: SheetGrid, row: number, columns: Map<RosterKey, number>, errors: ImportFinding[]): RosterRow {
  const at = {} as Record<RosterKey, CellRef>;
  const fields: Record<string, unknown> = {};
  let township: string | null | undefined;
  let complete = true;
  for (const column of ROSTER_COLUMNS) {
    const key = column.key;
    at[key] = { sheet: grid.name, row, column: columnLetter(columns.get(key)!) };
    const where = rosterCellName(at[key], key);
    const cell = readRosterCell(column, grid.cell(row, columns.get(key)!));
    if (!cell.ok) {
      complete = false;
      errors.push(importFinding(at[key], key, cell.rule, `${where}：${cell.message}`));
      continue;
    }
    if (key === 'township') {
      township = cell.value as string | null;
      continue;
    }
    // Each field by the school form's own rule for it (the rules do not depend on one another).
    const checked = FIELD_RULES[key].safeParse(cell.value);
    if (checked.success) fields[key] = checked.data;
    else {
      complete = false;
      errors.push(importFinding(at[key], key, 'invalid', `${where}：${checked.error.issues[0]?.message ?? '内容无效。'}`));
    }
  }
  const base = { sheet: grid.name, row, at, township };
  return complete ? { ...base, complete: true, fields: fields as RosterFields } : { ...base, complete: false, fields: fields as Partial<RosterFields> };
}

/**
 * Finds the roster's header in each sheet and reads the rows below it. Tolerates title and note rows above the
 * header, reordered columns, extra columns (ignored, with a warning), blank rows and a total row. Sheets without
 * the header (the drop-down lists, instructions) are skipped.
 */
export function parseRoster(grids: readonly SheetGrid[]): ParsedRoster {
  const errors: ImportFinding[] = [];
  const warnings: ImportFinding[] = [];
  const rows: RosterRow[] = [];
  let recognised = false;
  for (const grid of grids) {
    const header = findHeader(grid);
    if (!header) continue;
    recognised = true;
    const headerAt = (column: number): CellRef => ({ sheet: grid.name, row: header.row, column: columnLetter(column) });
    let complete = true;
    for (const column of ROSTER_COLUMNS) {
      if (header.columns.has(column.key)) continue;
      complete = false;
      errors.push(
        importFinding(
          headerAt(1),
          column.key,
          'missing_column',
          `工作表“${grid.name}”第${header.row}行的表头中没有“${rosterHeader(column)}”列：请保留模板的全部列（可以不填的列留空即可）。`,
        ),
      );
    }
    for (const [key, column] of header.duplicates) {
      const first = columnLetter(header.columns.get(key)!);
      errors.push(
        importFinding(
          headerAt(column),
          key,
          'duplicate_column',
          `“${ROSTER_COLUMN[key].header}”列出现了两次（${first}列和${columnLetter(column)}列），请删除多余的一列。`,
        ),
      );
    }
    for (let column = 1; column <= grid.columnCount; column++) {
      const text = cellText(grid.cell(header.row, column));
      if (text !== null && !HEADER_KEYS.has(headerKey(text))) {
        warnings.push(importFinding(headerAt(column), 'column', 'unknown_column', `“${text}”列（${columnLetter(column)}列）不是学校名单的列，已忽略。`));
      }
    }
    if (!complete || header.duplicates.length) continue;
    const used = [...header.columns.values()];
    for (let row = header.row + 1; row <= grid.rowCount; row++) {
      const texts = used.map((c) => cellText(grid.cell(row, c))?.replace(/\s/g, '') ?? null);
      const unreadable = used.some((c) => !readCell(grid.cell(row, c)).ok);
      if (!unreadable && texts.every((t) => t === null)) continue;
      if (texts.some((t) => t !== null && TOTAL_ROW.test(t))) {
        warnings.push(
          importFinding({ sheet: grid.name, row, column: columnLetter(header.columns.get('code')!) }, 'row', 'total_row', `第${row}行是合计行，已忽略。`),
        );
        continue;
      }
      rows.push(parseRow(grid, row, header.columns, errors));
    }
  }
  if (!recognised) errors.push(importFinding(null, 'file', 'wrong_template', WRONG_ROSTER_MESSAGE));
  return { recognised, rows, errors, warnings };
}
