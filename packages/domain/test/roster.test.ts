import { describe, expect, it } from 'vitest';
import { parseRoster, parseWorkbook, ROSTER_COLUMNS, rosterHeader, rosterOptions, schoolFields, type CellLike, type SheetGrid } from '../src/index.js';

function grid(name: string, rows: CellLike[][]): SheetGrid {
  return {
    name,
    rowCount: rows.length,
    columnCount: Math.max(...rows.map((r) => r.length)),
    cell: (row, column) => rows[row - 1]?.[column - 1] ?? null,
  };
}

const HEADER = ROSTER_COLUMNS.map(rosterHeader);
const good = (overrides: Partial<Record<string, CellLike>> = {}): CellLike[] => {
  const row: Record<string, CellLike> = {
    code: '2151000001',
    name: '青石镇中心小学',
    type: '小学',
    ownership: '公办',
    location: '镇区',
    boarding: '否',
    buildingAreaM2: 3200,
    siteAreaM2: '8,000',
    hasCanteen: '是',
    township: '青石镇',
    contactName: '王芳',
    contactPhone: '13812345678',
    ...overrides,
  };
  return ROSTER_COLUMNS.map((c) => row[c.key]);
};
const sheet = (...rows: CellLike[][]) => grid('学校名单', [['青石县学校名单'], HEADER, ...rows]);

describe('school roster', () => {
  it('reads a row into the school form’s fields, the township by name and the contact', () => {
    const parsed = parseRoster([sheet(good())]);
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toHaveLength(1);
    const row = parsed.rows[0]!;
    expect(row.row).toBe(3);
    expect(row.fields).toEqual({
      code: '2151000001',
      name: '青石镇中心小学',
      type: 'primary',
      ownership: 'public',
      location: 'town',
      boarding: false,
      buildingAreaM2: 3200,
      siteAreaM2: 8000,
      hasCanteen: true,
      contactName: '王芳',
      contactPhone: '13812345678',
    });
    expect(row.township).toBe('青石镇');
    expect(row.at.contactPhone).toEqual({ sheet: '学校名单', row: 3, column: 'L' });
  });

  it('takes numbers as cells hold them, booleans, blank optional cells, and headers without units or reordered', () => {
    const header = [...HEADER].reverse().map((h) => h.replace('（平方米）', ''));
    const row = good({ code: 2151000002, boarding: true, hasCanteen: false, township: null, contactName: ' ', contactPhone: 13912345678 }).reverse();
    const parsed = parseRoster([grid('名单', [header, row])]);
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows[0]!.fields).toMatchObject({ code: '2151000002', boarding: true, hasCanteen: false, contactName: null, contactPhone: '13912345678' });
    expect(parsed.rows[0]!.township).toBeNull();
  });

  it('names every bad cell with its row, column and rule, and keeps those rows only as incomplete', () => {
    const parsed = parseRoster([
      sheet(
        good({ code: '21510001', type: '大学', contactPhone: '1381234567' }),
        good({ code: '2151000003', name: '', boarding: '也许', buildingAreaM2: -5, siteAreaM2: '很大' }),
        good({ code: '2151000004', contactPhone: '12812345678', contactName: '一二三四五六七八九十一二三四五六七八九十一' }),
        good({ code: '2151000005', hasCanteen: { formula: 'A1' } }),
      ),
    ]);
    // The rows are kept, incomplete, with what could be read (the import checks those against the county).
    expect(parsed.rows.map((r) => r.complete)).toEqual([false, false, false, false]);
    expect(parsed.rows[0]!.fields).toMatchObject({ name: '青石镇中心小学', ownership: 'public' });
    expect(parsed.rows[0]!.fields.code).toBeUndefined();
    expect(parsed.rows[0]!.township).toBe('青石镇');
    const where = parsed.errors.map((e) => `${e.column}${e.row} ${e.code} ${e.rule}`);
    expect(where).toEqual([
      'A3 code invalid',
      'C3 type option',
      'L3 contactPhone invalid',
      'B4 name required',
      'F4 boarding option',
      'G4 buildingAreaM2 invalid',
      'H4 siteAreaM2 number',
      'K5 contactName invalid',
      'L5 contactPhone invalid',
      'I6 hasCanteen formula_without_result',
    ]);
    expect(parsed.errors[1]!.message).toBe(
      '第3行办学类型（C3）：“大学”不是可选的办学类型，请从下拉列表选择：幼儿园、小学、初级中学、九年一贯制学校、完全中学、高级中学、十二年一贯制学校、中等职业学校、特殊教育学校。',
    );
    expect(parsed.errors[0]!.message).toBe('第3行学校标识码（A3）：学校标识码必须是10位数字。');
    expect(parsed.errors[2]!.message).toMatch(/^第3行联系电话（L3）：联系电话应为11位手机号码/);
    expect(parsed.errors[5]!.message).toBe('第4行校舍建筑面积（G4）：校舍建筑面积必须大于0。');
    expect(parsed.errors[7]!.message).toBe('第5行校长（联系人）姓名（K5）：校长（联系人）姓名不能超过20个字。');
  });

  it('refuses a header without every column, a repeated column, and a file without the header', () => {
    const missing = parseRoster([grid('名单', [HEADER.filter((h) => h !== '联系电话'), good().slice(0, 11)])]);
    expect(missing.rows).toEqual([]);
    expect(missing.errors).toMatchObject([{ code: 'contactPhone', rule: 'missing_column', row: 1 }]);
    expect(missing.errors[0]!.message).toContain('没有“联系电话”列');

    const twice = parseRoster([grid('名单', [[...HEADER, '办学类型'], good()])]);
    expect(twice.errors).toMatchObject([{ code: 'type', rule: 'duplicate_column', column: 'M' }]);

    const other = parseRoster([
      grid('Sheet1', [
        ['学校标识码', '季度'],
        ['2151000001', '2026Q1'],
      ]),
    ]);
    expect(other.recognised).toBe(false);
    expect(other.errors).toMatchObject([{ sheet: null, code: 'file', rule: 'wrong_template' }]);
  });

  it('skips blank and total rows, warns of extra columns, and ignores sheets without the header', () => {
    const parsed = parseRoster([grid('选项', [['小学', '公办']]), grid('学校名单', [[...HEADER, '备注'], good(), [], good({ code: '合计', name: null })])]);
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows).toHaveLength(1);
    expect(parsed.warnings.map((w) => w.rule)).toEqual(['unknown_column', 'total_row']);
  });

  it('is not taken for a report template, nor a report template for it', () => {
    expect(parseWorkbook([sheet(good())]).recognised).toBe(false);
    const county = grid('全县汇总', [
      ['学校标识码', '学校名称', '季度', '版本'],
      ['school_code', 'school_name', 'period', 'version'],
    ]);
    expect(parseRoster([county]).recognised).toBe(false);
  });

  it('offers drop-down words that the parser reads back', () => {
    expect(rosterOptions('ownership')).toEqual(['公办', '民办']);
    expect(rosterOptions('boarding')).toEqual(['是', '否']);
    expect(rosterOptions('name')).toBeNull();
    for (const word of rosterOptions('type')!) {
      expect(parseRoster([sheet(good({ type: word, code: word === '小学' ? '2151000001' : null }))]).errors.some((e) => e.code === 'type')).toBe(false);
    }
  });

  it('keeps names as written (full-width brackets) and reads back a name the platform neutralised', () => {
    const parsed = parseRoster([sheet(good({ name: "'=青石县第一中学（初中部）", contactName: '王\u3000芳', code: '２１５１０００００１' }))]);
    expect(parsed.errors).toEqual([]);
    expect(parsed.rows[0]!.fields).toMatchObject({ name: '=青石县第一中学（初中部）', code: '2151000001', contactName: '王\u3000芳' });
  });

  it('gives the school form the same contact rules', () => {
    const base = {
      code: '2151000001',
      name: '一小',
      type: 'primary',
      ownership: 'public',
      location: 'urban',
      boarding: false,
      buildingAreaM2: 1,
      siteAreaM2: 1,
      hasCanteen: true,
    };
    expect(schoolFields.parse({ ...base, contactName: '', contactPhone: '138 1234 5678' })).toMatchObject({ contactName: null, contactPhone: '13812345678' });
    expect(schoolFields.safeParse({ ...base, contactPhone: '02812345678' }).success).toBe(false);
    expect(schoolFields.parse(base).contactPhone).toBeUndefined();
  });
});
