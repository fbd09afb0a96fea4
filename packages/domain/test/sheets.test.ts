import { describe, expect, it } from 'vitest';
import {
  cellText,
  columnLetter,
  columnNumber,
  dropDownOptions,
  excelSerialToDate,
  indicator,
  neutraliseText,
  parsePeriodText,
  parseWorkbook,
  readCell,
  sheetValue,
  templateIndicators,
  type CellLike,
  type SheetGrid,
} from '../src/index.js';

/** A sheet from rows of values; undefined cells are blank. */
function grid(name: string, rows: CellLike[][]): SheetGrid {
  return {
    name,
    rowCount: rows.length,
    columnCount: Math.max(...rows.map((r) => r.length)),
    cell: (row, column) => rows[row - 1]?.[column - 1] ?? null,
  };
}

describe('cell tolerance', () => {
  it('reads rich text, hyperlinks and invisible spaces as plain text', () => {
    expect(readCell({ richText: [{ text: '1,2' }, { text: '00' }] })).toEqual({ ok: true, raw: '1,200' });
    expect(readCell({ text: '是', hyperlink: 'http://x' })).toEqual({ ok: true, raw: '是' });
    expect(readCell('\u00A0 123\u200B ')).toEqual({ ok: true, raw: '123' });
    expect(readCell('   ')).toEqual({ ok: true, raw: null });
  });

  it('takes a formula by its saved result and refuses one saved without a result', () => {
    expect(readCell({ formula: 'A1+1', result: 42 })).toEqual({ ok: true, raw: 42 });
    expect(readCell({ sharedFormula: 'B2', result: 7 })).toEqual({ ok: true, raw: 7 });
    const missing = readCell({ formula: 'SUM(A1:A3)' });
    expect(missing.ok).toBe(false);
    expect(!missing.ok && missing.rule).toBe('formula_without_result');
    expect(!missing.ok && missing.message).toContain('没有保存计算结果');
    const failed = readCell({ formula: 'A1/0', result: { error: '#DIV/0!' } });
    expect(!failed.ok && failed.message).toContain('#DIV/0!');
    expect(readCell({ error: '#N/A' }).ok).toBe(false);
  });

  it('turns full-width text into half-width for codes and labels', () => {
    expect(cellText('２１５１０００００１')).toBe('2151000001');
    expect(cellText(2151000001)).toBe('2151000001');
  });

  it('reads a bare Excel serial as a date only for date indicators', () => {
    const dateInd = indicator('food_safety_grade_date');
    expect((sheetValue(dateInd, 46082) as Date).toISOString().slice(0, 10)).toBe('2026-03-01');
    expect(sheetValue(indicator('electricity_kwh'), 46082)).toBe(46082);
    expect(excelSerialToDate(12)).toBeNull();
  });

  it('neutralises text a spreadsheet would run as a formula', () => {
    expect(neutraliseText('=HYPERLINK("http://evil")')).toBe(`'=HYPERLINK("http://evil")`);
    for (const lead of ['+', '-', '@', '\t']) expect(neutraliseText(`${lead}1`)).toBe(`'${lead}1`);
    expect(neutraliseText('实验小学')).toBe('实验小学');
  });

  it('names columns like a spreadsheet', () => {
    expect([1, 26, 27, 52, 703].map(columnLetter)).toEqual(['A', 'Z', 'AA', 'AZ', 'AAA']);
    for (const n of [1, 5, 26, 27, 300, 16384]) expect(columnNumber(columnLetter(n))).toBe(n);
    expect(columnNumber('a1')).toBeNull();
  });

  it('reads quarters as people write them', () => {
    expect(['2026Q1', '2026q1', '2026-Q2', '2026年第三季度', '2026年第4季度', '２０２６Ｑ１', ' 2026 Q1 '].map(parsePeriodText)).toEqual([
      '2026Q1',
      '2026Q1',
      '2026Q2',
      '2026Q3',
      '2026Q4',
      '2026Q1',
      '2026Q1',
    ]);
    expect(parsePeriodText('2026Q5')).toBeNull();
    expect(parsePeriodText('第一季度')).toBeNull();
  });
});

describe('template layout', () => {
  it('asks every input indicator and none of the derived ones, in catalogue order', () => {
    const codes = templateIndicators().map((i) => i.code);
    expect(codes).toContain('electricity_kwh');
    expect(codes).not.toContain('energy_kgce');
    expect(templateIndicators({ type: 'primary', hasCanteen: false }).map((i) => i.code)).not.toContain('canteen_staff');
  });

  it('fits every drop-down into an inline list (no commas, at most 255 characters)', () => {
    for (const ind of templateIndicators()) {
      const options = dropDownOptions(ind);
      if (!options) continue;
      expect(options.every((o) => !o.includes(','))).toBe(true);
      expect(`"${options.join(',')}"`.length).toBeLessThanOrEqual(255);
    }
  });
});

const countyRows = (rows: CellLike[][]): CellLike[][] => [
  ['甲县 2026年第一季度 学校后勤数据汇总表', null, null, null], // merged title: only the first cell holds text
  ['说明：第4行为系统代码，请勿修改', null, null, null],
  ['学校名称', '学校标识码', '用电量（千瓦时）', '季度', '是否实现明厨亮灶', '备注'],
  ['school_name', 'school_code', 'electricity_kwh', 'period', 'open_kitchen'],
  ...rows,
];

describe('parseWorkbook: county sheet', () => {
  it('maps columns by the code row, whatever their order, and skips blank and total rows', () => {
    const parsed = parseWorkbook([
      grid(
        '全县汇总',
        countyRows([
          ['一小', '2151000001', '１２，３４５.５', '2026Q1', '是'],
          ['二小', 2151000002, 800, '2026年第一季度', null],
          [null, null, null, null, null],
          ['合计', null, { formula: 'SUM(C5:C6)' }, null, null],
          [null, null, null, null, null],
        ]),
      ),
    ]);
    expect(parsed.errors).toEqual([]);
    expect(parsed.warnings.map((w) => w.rule)).toEqual(['no_code', 'total_row']);
    expect(parsed.records).toHaveLength(2);
    expect(parsed.records[0]).toMatchObject({
      template: 'county',
      schoolCode: '2151000001',
      period: '2026Q1',
      schoolAt: { sheet: '全县汇总', row: 5, column: 'B' },
    });
    expect(parsed.records[0]!.cells).toEqual([
      { code: 'electricity_kwh', raw: '１２，３４５.５', at: { sheet: '全县汇总', row: 5, column: 'C' } },
      { code: 'open_kitchen', raw: '是', at: { sheet: '全县汇总', row: 5, column: 'E' } },
    ]);
    expect(parsed.records[1]!.schoolCode).toBe('2151000002');
  });

  it('names the cell of a formula without a result, a malformed identifier, an unknown code and a bad quarter', () => {
    const rows = countyRows([
      ['一小', '2151000001', { formula: 'C6*2' }, '2026Q1'],
      ['二小', '21510', 5, '2026Q1'],
      ['三小', '2151000003', 5, '2026Q9'],
      [null, null, 12, '2026Q1'],
    ]);
    rows[3]![5] = 'no_such_code';
    const parsed = parseWorkbook([grid('全县汇总', rows)]);
    expect(parsed.errors.map((e) => `${e.row}${e.column}:${e.code}:${e.rule}`)).toEqual([
      '4F:no_such_code:unknown',
      '5C:electricity_kwh:formula_without_result',
      '6B:school_code:format',
      '7D:period:format',
      '8B:school_code:required',
    ]);
    expect(parsed.errors[1]!.message).toBe('用电量：该单元格是公式，但文件中没有保存计算结果：请在 Excel 或 WPS 中打开并保存后再上传，或把公式改为数值。');
  });

  it('reads the version column (numbers, text and full-width digits; blank is null) and refuses anything else by cell', () => {
    const rows: CellLike[][] = [
      ['学校标识码', '版本', '用电量（千瓦时）'],
      ['school_code', 'version', 'electricity_kwh'],
      ['2151000001', 3, 10],
      ['2151000002', ' ７ ', 10],
      ['2151000003', null, 10],
      ['2151000004', '0', null],
      ['2151000005', -1, 10],
      ['2151000006', 2.5, 10],
      ['2151000007', '三', 10],
      ['2151000008', { formula: 'B3+1' }, 10],
      ['2151000009', true, 10],
    ];
    const parsed = parseWorkbook([grid('全县汇总', [['季度', '2026Q1'], ...rows])]);
    expect(parsed.records.map((r) => [r.schoolCode, r.version, r.versionAt?.column])).toEqual([
      ['2151000001', 3, 'B'],
      ['2151000002', 7, 'B'],
      ['2151000003', null, 'B'],
      ['2151000004', 0, 'B'],
    ]);
    expect(parsed.errors.map((e) => `${e.column}${e.row}:${e.code}:${e.rule}`)).toEqual([
      'B8:version:format',
      'B9:version:format',
      'B10:version:format',
      'B11:version:formula_without_result',
      'B12:version:format',
    ]);
    expect(parsed.errors[0]!.message).toBe('版本（B8单元格）应为不小于0的整数，文件中为“-1”。版本由平台在下载模板时填写，请勿修改；如已改动，请重新下载模板。');
    expect(parsed.errors[2]!.message).toContain('文件中为“三”');
    expect(parsed.errors[3]!.message).toMatch(/^版本（B11单元格）：该单元格是公式/);

    // Without a version column (a sheet typed by hand) the records carry no version at all.
    const plain = parseWorkbook([grid('全县汇总', countyRows([['一小', '2151000001', 5, '2026Q1']]))]);
    expect(plain.records[0]).not.toHaveProperty('version');
    expect(plain.records[0]).not.toHaveProperty('versionAt');
  });

  it('takes the quarter from a label above the header when there is no period column', () => {
    const parsed = parseWorkbook([
      grid('Sheet1', [
        ['季度：', '2026年第二季度'],
        ['学校标识码', '用电量'],
        ['school_code', 'electricity_kwh'],
        ['2151000001', 10],
      ]),
    ]);
    expect(parsed.errors).toEqual([]);
    expect(parsed.records[0]).toMatchObject({ period: '2026Q2', periodAt: { row: 1, column: 'B' } });
  });
});

describe('parseWorkbook: school report', () => {
  const school = (values: CellLike[][]) =>
    grid('季度报表', [
      ['实验小学 2026年第一季度 学校后勤数据填报表'],
      ['学校标识码', '2151000001', '学校名称', '实验小学'],
      ['季度', '2026Q1'],
      ['指标名称', '指标代码', '单位', '填报值', '填写说明'],
      ['基本情况'],
      ...values,
      [],
      [],
    ]);

  it('reads indicators as rows, skipping section rows and trailing blank rows', () => {
    const parsed = parseWorkbook([
      school([['在校学生数', 'students_enrolled', '人', '1 200'], ['各项保险'], ['学平险参保人数', 'accident_insured', '人', 1100]]),
    ]);
    expect(parsed.errors).toEqual([]);
    expect(parsed.records).toEqual([
      {
        template: 'school',
        schoolCode: '2151000001',
        schoolAt: { sheet: '季度报表', row: 2, column: 'B' },
        period: '2026Q1',
        periodAt: { sheet: '季度报表', row: 3, column: 'B' },
        cells: [
          { code: 'students_enrolled', raw: '1 200', at: { sheet: '季度报表', row: 6, column: 'D' } },
          { code: 'accident_insured', raw: 1100, at: { sheet: '季度报表', row: 8, column: 'D' } },
        ],
      },
    ]);
  });

  it('reads the version right of its label, a blank one as null (never the note beside it)', () => {
    const versioned = (version: CellLike) =>
      grid('季度报表', [
        ['实验小学 2026年第一季度 学校后勤数据填报表'],
        ['学校标识码', '2151000001', '学校名称', '实验小学'],
        ['季度', '2026Q1', '版本', version, '说明：只填写“填报值”一列；“指标代码”和“版本”供系统识别，请勿修改。'],
        ['指标名称', '指标代码', '单位', '填报值', '填写说明'],
        ['在校学生数', 'students_enrolled', '人', 1200],
      ]);
    expect(parseWorkbook([versioned(4)]).records[0]).toMatchObject({ version: 4, versionAt: { sheet: '季度报表', row: 3, column: 'D' } });
    expect(parseWorkbook([versioned(null)]).records[0]).toMatchObject({ version: null, versionAt: { row: 3, column: 'D' } });
    const bad = parseWorkbook([versioned('v4')]);
    expect(bad.records).toEqual([]);
    expect(bad.errors).toEqual([expect.objectContaining({ sheet: '季度报表', row: 3, column: 'D', code: 'version', rule: 'format' })]);
    expect(bad.errors[0]!.message).toContain('版本（D3单元格）应为不小于0的整数，文件中为“v4”');
  });

  it('refuses duplicated and unknown codes, naming the cells', () => {
    const parsed = parseWorkbook([
      school([
        ['在校学生数', 'students_enrolled', '人', 1],
        ['x', 'students_enrolled', '人', 2],
        ['y', 'bogus', '', 3],
      ]),
    ]);
    expect(parsed.errors.map((e) => `${e.row}${e.column}:${e.rule}`)).toEqual(['7B:duplicate', '8B:unknown']);
  });

  it('refuses a workbook that is neither template', () => {
    const parsed = parseWorkbook([
      grid('Sheet1', [
        ['姓名', '电话'],
        ['张三', '123'],
      ]),
    ]);
    expect(parsed.recognised).toBe(false);
    expect(parsed.errors[0]).toMatchObject({ code: 'file', rule: 'wrong_template', sheet: null });
  });
});
