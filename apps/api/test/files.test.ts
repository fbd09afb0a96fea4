import { saveReport, SYSTEM_ACTOR, type DatabaseHandle } from '@oversight/db';
import { createTestDatabase, describeEachDatabase } from '@oversight/db/testing';
import { templateIndicators } from '@oversight/domain';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  auditCount,
  bytes,
  county,
  countyColumn,
  countyRow,
  download,
  QUARTER,
  reportOf,
  schoolValueCell,
  server,
  TYPED,
  upload,
  workbookOf,
  zip,
} from './files-support.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const WORKBOOK_PARTS = [
  { name: '[Content_Types].xml', data: Buffer.from('<?xml version="1.0"?><Types/>') },
  { name: 'xl/workbook.xml', data: Buffer.from('<?xml version="1.0"?><workbook/>') },
];

await describeEachDatabase('spreadsheets in and out', (kind) => {
  let handle: DatabaseHandle;
  let app: FastifyInstance;
  let small: FastifyInstance;
  let setup: Awaited<ReturnType<typeof county>>;

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    setup = await county(handle);
    app = await server(handle);
    small = await server(handle, { maxUploadBytes: 64 * 1024, maxUnzippedBytes: 2 * 1024 * 1024 });
  });
  afterAll(async () => {
    await app.close();
    await small.close();
    await handle.close();
  });

  const schoolTemplateUrl = (schoolId: number, period: string) => `/api/templates/school-report.xlsx?schoolId=${schoolId}&period=${period}`;
  const countyTemplateUrl = (countyId: number, period: string) => `/api/templates/county-reports.xlsx?countyId=${countyId}&period=${period}`;

  async function filledSchoolTemplate(period: string, values: Record<string, ExcelJS.CellValue>, token = setup.sessions.principal) {
    const response = await download(app, schoolTemplateUrl(setup.primary.id, period), token);
    expect(response.statusCode).toBe(200);
    const workbook = await workbookOf(response.rawPayload);
    const sheet = workbook.getWorksheet('季度报表')!;
    for (const [code, value] of Object.entries(values)) schoolValueCell(sheet, code).value = value;
    return workbook;
  }

  it('generates the school template from the catalogue, with drop-downs and the last known values', async () => {
    // A stock figure of the previous quarter carries over into the new quarter's template.
    await saveReport(handle.db, SYSTEM_ACTOR, {
      schoolId: setup.primary.id,
      period: '2025Q4',
      version: 0,
      values: { students_enrolled: 1180, electricity_kwh: 9000 },
    });
    const response = await download(app, schoolTemplateUrl(setup.primary.id, '2026Q1'), setup.sessions.principal);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(XLSX);
    expect(response.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent(`学校季度报表-${setup.primary.code}-2026Q1.xlsx`)}`);
    const sheet = (await workbookOf(response.rawPayload)).getWorksheet('季度报表')!;
    const codes: string[] = [];
    sheet.eachRow((row, n) => {
      const code = row.getCell(2).value;
      if (n > 4 && !row.getCell(2).isMerged && typeof code === 'string') codes.push(code);
    });
    expect(codes).toEqual(templateIndicators(setup.primary).map((i) => i.code));
    expect(sheet.getCell('A1').value).toBe(`'=实验小学 2026年第一季度 学校后勤数据填报表`);
    expect(sheet.getCell('D2').value).toBe(`'=实验小学`);
    expect(schoolValueCell(sheet, 'students_enrolled').value).toBe(1180);
    expect(schoolValueCell(sheet, 'electricity_kwh').value).toBeNull();
    expect(schoolValueCell(sheet, 'water_saving_level').dataValidation).toMatchObject({ type: 'list', formulae: ['"未获评,县级,市级,省级"'] });
    expect(schoolValueCell(sheet, 'open_kitchen').dataValidation).toMatchObject({ type: 'list', formulae: ['"是,否"'] });

    const noCanteen = (
      await workbookOf((await download(app, schoolTemplateUrl(setup.noCanteen.id, '2026Q1'), setup.sessions.otherPrincipal)).rawPayload)
    ).getWorksheet('季度报表')!;
    expect(() => schoolValueCell(noCanteen, 'canteen_staff')).toThrow();
  });

  it('round-trips the school template: values stored exactly, and the same file again changes nothing', async () => {
    const file = await bytes(await filledSchoolTemplate('2026Q1', TYPED));
    const first = await upload(app, setup.sessions.principal, file, { mode: 'draft' });
    expect(first.json()).toMatchObject({ ok: true, stored: 1, created: 1, errors: [] });
    expect(first.statusCode).toBe(200);
    const stored = await reportOf(handle, setup.primary.id, '2026Q1');
    expect(stored!.values).toEqual(QUARTER);
    expect(stored).toMatchObject({ status: 'draft', version: 1 });
    const history = await handle.db.selectFrom('auditLog').selectAll().where('entity', '=', 'report').where('entityId', '=', String(stored!.id)).execute();
    expect(history.map((h) => h.action)).toEqual(['report.import']);

    const audits = await auditCount(handle);
    const again = await upload(app, setup.sessions.principal, file, { mode: 'draft' });
    expect(again.json()).toMatchObject({ ok: true, stored: 0, unchanged: 1 });
    expect((await reportOf(handle, setup.primary.id, '2026Q1'))!.version).toBe(1);
    expect(await auditCount(handle)).toBe(audits);

    // Clearing a cell clears the stored value; the import is recorded.
    const cleared = await bytes(await filledSchoolTemplate('2026Q1', { ...TYPED, water_cost_yuan: null }));
    expect((await upload(app, setup.sessions.principal, cleared)).json()).toMatchObject({ ok: true, stored: 1, updated: 1 });
    const after = await reportOf(handle, setup.primary.id, '2026Q1');
    expect(after!.version).toBe(2);
    expect(after!.values.water_cost_yuan).toBeUndefined();
    expect(await auditCount(handle)).toBe(audits + 2);
  });

  it('round-trips the practice texts (本季度主要做法) through the school template and the county sheet, as typed', async () => {
    const practices = {
      insurance_practice: '召开家长会宣讲学平险自愿参保政策，做到“应保尽保”。',
      // A leading dash would run as a formula in a spreadsheet: written neutralised, read back as typed; line breaks kept.
      energy_practice: '-更换LED灯具120盏；\n-安装节水龙头40个。',
      green_practice: '=发动师生认领班级绿化责任区',
      canteen_practice: '推行校长陪餐制度，每周公示带量食谱。',
    };
    const file = await bytes(await filledSchoolTemplate('2025Q2', { ...TYPED, food_safety_grade_date: new Date(Date.UTC(2025, 4, 10)), ...practices }));
    expect((await upload(app, setup.sessions.principal, file, { mode: 'draft' })).json()).toMatchObject({ ok: true, stored: 1, errors: [] });
    expect((await reportOf(handle, setup.primary.id, '2025Q2'))!.values).toEqual({ ...QUARTER, food_safety_grade_date: '2025-05-10', ...practices });

    // The template downloaded again holds the texts (neutralised where needed) and uploads as no change.
    const again = await workbookOf((await download(app, schoolTemplateUrl(setup.primary.id, '2025Q2'), setup.sessions.principal)).rawPayload);
    const sheet = again.getWorksheet('季度报表')!;
    expect(schoolValueCell(sheet, 'energy_practice').value).toBe(`'${practices.energy_practice}`);
    expect(schoolValueCell(sheet, 'canteen_practice').value).toBe(practices.canteen_practice);
    expect((await upload(app, setup.sessions.principal, await bytes(again), { mode: 'draft' })).json()).toMatchObject({ ok: true, stored: 0, unchanged: 1 });

    // The county sheet carries them in their columns; a text over the limit is refused, naming the field and the rule.
    const county = await workbookOf((await download(app, countyTemplateUrl(setup.countyA.id, '2025Q2'), setup.sessions.officerA)).rawPayload);
    const countySheet = county.getWorksheet('全县汇总')!;
    const row = countyRow(countySheet, setup.primary);
    expect(countySheet.getCell(row, countyColumn(countySheet, 'green_practice')).value).toBe(`'${practices.green_practice}`);
    expect((await upload(app, setup.sessions.officerA, await bytes(county), { mode: 'draft' })).json()).toMatchObject({ ok: true, stored: 0 });
    countySheet.getCell(row, countyColumn(countySheet, 'insurance_practice')).value = '措'.repeat(501);
    const refused = await upload(app, setup.sessions.officerA, await bytes(county), { mode: 'draft' });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors).toContainEqual(
      expect.objectContaining({ code: 'insurance_practice', message: expect.stringContaining('保险工作本季度主要做法不能超过500字，现为501字') }),
    );
    expect((await reportOf(handle, setup.primary.id, '2025Q2'))!.values.insurance_practice).toBe(practices.insurance_practice);
  });

  it('imports the county sheet with reordered columns, title rows and trailing blank rows; the bureau stores approved reports', async () => {
    const response = await download(app, countyTemplateUrl(setup.countyA.id, '2025Q3'), setup.sessions.officerA);
    expect(response.statusCode).toBe(200);
    const workbook = await workbookOf(response.rawPayload);
    const sheet = workbook.getWorksheet('全县汇总')!;
    expect(sheet.getCell(3, countyColumn(sheet, 'electricity_kwh')).value).toBe('用电量（千瓦时）');
    // Rows: every active school of the county, none of another county.
    expect(() => countyRow(sheet, setup.foreign)).toThrow();
    const row = countyRow(sheet, setup.primary);
    for (const [code, value] of Object.entries({ ...TYPED, food_safety_grade_date: '2025/8/1' })) sheet.getCell(row, countyColumn(sheet, code)).value = value;
    // Move the electricity column to the far right and put a note column in its place.
    const from = countyColumn(sheet, 'electricity_kwh');
    const to = sheet.columnCount + 1;
    for (let r = 3; r <= sheet.rowCount; r++) {
      sheet.getCell(r, to).value = sheet.getCell(r, from).value;
      sheet.getCell(r, from).value = r === 3 ? '备注' : null;
    }
    sheet.getCell(sheet.rowCount + 5, 1).value = '   ';

    // An approved report must be complete: a row with one figure is refused, naming what is missing.
    const village = sheet.getCell(countyRow(sheet, setup.noCanteen), countyColumn(sheet, 'electricity_kwh'));
    village.value = 500;
    const partial = await upload(app, setup.sessions.officerA, await bytes(workbook), { mode: 'approved' });
    expect(partial.statusCode).toBe(422);
    expect(partial.json().errors).toContainEqual(
      expect.objectContaining({ code: 'students_enrolled', rule: 'required', row: Number(village.row), message: '请填写在校学生数。' }),
    );
    expect(await reportOf(handle, setup.primary.id, '2025Q3')).toBeUndefined();
    village.value = null;

    const result = await upload(app, setup.sessions.officerA, await bytes(workbook), { mode: 'approved' });
    expect(result.json().errors).toEqual([]);
    expect(result.json()).toMatchObject({ ok: true, stored: 1, created: 1, skipped: 2 });
    expect(result.json().warnings.map((w: { rule: string }) => w.rule)).toContain('no_code');
    const primary = await reportOf(handle, setup.primary.id, '2025Q3');
    expect(primary).toMatchObject({ status: 'approved', version: 1, values: { ...QUARTER, food_safety_grade_date: '2025-08-01' } });
    expect(primary!.reviewedAt).not.toBeNull();
    expect(await reportOf(handle, setup.noCanteen.id, '2025Q3')).toBeUndefined();
    const again = await upload(app, setup.sessions.officerA, await bytes(workbook), { mode: 'approved' });
    expect(again.json()).toMatchObject({ ok: true, stored: 0, unchanged: 1 });
  });

  it('tolerates numbers stored as text, full-width digits, thousands separators, rich text, saved formula results and date serials', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Sheet1');
    sheet.mergeCells('A1:F1');
    sheet.getCell('A1').value = '2024年第二季度 历史数据';
    sheet.addRow([]);
    sheet.addRow(['学校标识码', '季度', '在校学生数', '用电量', '学平险参保人数', '量化等级评定日期']);
    sheet.addRow(['school_code', 'period', 'students_enrolled', 'electricity_kwh', 'accident_insured', 'food_safety_grade_date']);
    sheet.addRow([
      { richText: [{ text: setup.primary.code.slice(0, 4) }, { text: setup.primary.code.slice(4) }] },
      '2024年第二季度',
      '１，２００',
      { formula: '1000+234.5', result: 1234.5 },
      '\u00A01 100\u00A0',
      45413,
    ]);
    for (let i = 0; i < 20; i++) sheet.addRow([]);
    const result = await upload(app, setup.sessions.officerA, await bytes(workbook));
    expect(result.json()).toMatchObject({ ok: true, stored: 1, errors: [] });
    expect((await reportOf(handle, setup.primary.id, '2024Q2'))!.values).toEqual({
      students_enrolled: 1200,
      electricity_kwh: 1234.5,
      accident_insured: 1100,
      food_safety_grade_date: '2024-05-01',
    });
  });

  it('refuses a wrong template, a legacy .xls file and a damaged one, storing nothing', async () => {
    const other = new ExcelJS.Workbook();
    other.addWorksheet('名单').addRows([
      ['姓名', '电话'],
      ['张三', '13800000000'],
    ]);
    const wrong = await upload(app, setup.sessions.officerA, await bytes(other));
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json()).toMatchObject({ ok: false, stored: 0, errors: [{ code: 'file', rule: 'wrong_template', sheet: null }] });
    expect(wrong.json().error.message).toContain('没有找到导入模板的表头');

    const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]);
    const legacy = await upload(app, setup.sessions.officerA, xls);
    expect(legacy.statusCode).toBe(415);
    expect(legacy.json().error.message).toContain('.xls');

    const good = await bytes(await filledSchoolTemplate('2026Q2', { students_enrolled: 1 }));
    const broken = await upload(app, setup.sessions.principal, good.subarray(0, good.length - 200));
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.rule).toBe('damaged');
    expect(await reportOf(handle, setup.primary.id, '2026Q2')).toBeUndefined();
  });

  it('refuses a formula saved without its result, naming the cell', async () => {
    const workbook = await filledSchoolTemplate('2026Q3', { students_enrolled: 900, staff_count: { formula: 'D6/10' } as ExcelJS.CellFormulaValue });
    const cell = schoolValueCell(workbook.getWorksheet('季度报表')!, 'staff_count');
    const response = await upload(app, setup.sessions.principal, await bytes(workbook));
    expect(response.statusCode).toBe(422);
    expect(response.json().errors).toEqual([
      expect.objectContaining({ sheet: '季度报表', row: Number(cell.row), column: 'D', code: 'staff_count', rule: 'formula_without_result' }),
    ]);
    expect(response.json().errors[0].message).toContain('没有保存计算结果');
    expect(await reportOf(handle, setup.primary.id, '2026Q3')).toBeUndefined();
  });

  it('refuses out-of-range values and broken cross-checks cell by cell, storing nothing from the file', async () => {
    const response = await download(app, countyTemplateUrl(setup.countyA.id, '2026Q4'), setup.sessions.officerA);
    const workbook = await workbookOf(response.rawPayload);
    const sheet = workbook.getWorksheet('全县汇总')!;
    const good = countyRow(sheet, setup.vocational);
    sheet.getCell(good, countyColumn(sheet, 'electricity_kwh')).value = 800;
    const village = countyRow(sheet, setup.noCanteen);
    const bad = countyRow(sheet, setup.primary);
    sheet.getCell(bad, countyColumn(sheet, 'students_enrolled')).value = 500;
    sheet.getCell(bad, countyColumn(sheet, 'accident_insured')).value = 600; // more insured than enrolled
    sheet.getCell(bad, countyColumn(sheet, 'meal_days')).value = 120; // a quarter has at most 92
    sheet.getCell(bad, countyColumn(sheet, 'open_kitchen')).value = '也许';
    sheet.getCell(village, countyColumn(sheet, 'canteen_staff')).value = 4; // no canteen
    const before = await auditCount(handle);
    const result = await upload(app, setup.sessions.officerA, await bytes(workbook));
    expect(result.statusCode).toBe(422);
    const cell = (code: string, row: number) => `${sheet.getColumn(countyColumn(sheet, code)).letter}${row}:${code}`;
    expect(
      result
        .json()
        .errors.map((e: { column: string; row: number; code: string }) => `${e.column}${e.row}:${e.code}`)
        .sort(),
    ).toEqual([cell('accident_insured', bad), cell('meal_days', bad), cell('open_kitchen', bad), cell('canteen_staff', village)].sort());
    const messages = result.json().errors.map((e: { message: string }) => e.message);
    expect(messages).toContain('供餐天数应在0至92天之间，填报值为120。');
    expect(messages).toContain('学平险参保人数（600）不能大于在校学生数（500）。');
    expect(result.json()).toMatchObject({ ok: false, stored: 0 });
    for (const school of [setup.vocational, setup.noCanteen, setup.primary]) expect(await reportOf(handle, school.id, '2026Q4')).toBeUndefined();
    expect(await auditCount(handle)).toBe(before);
  });

  it('refuses an oversize file and zip bombs, whether they declare their size or lie about it', async () => {
    const big = Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100 * 1024, 1)]);
    const oversize = await upload(small, setup.sessions.officerA, big);
    expect(oversize.statusCode).toBe(413);
    expect(oversize.json()).toMatchObject({ ok: false, stored: 0, error: { rule: 'too_large' } });
    expect(oversize.json().error.message).toBe('文件超过64KB的上限，已拒绝。请删除多余的工作表或拆分后再上传。');

    const zeros = Buffer.alloc(20 * 1024 * 1024);
    const honest = zip([...WORKBOOK_PARTS, { name: 'xl/worksheets/sheet1.xml', data: zeros }]);
    expect(honest.length).toBeLessThan(64 * 1024);
    const declared = await upload(small, setup.sessions.officerA, honest);
    expect(declared.statusCode).toBe(413);
    expect(declared.json().error).toMatchObject({ rule: 'zip_bomb' });
    expect(declared.json().error.message).toContain('压缩炸弹');

    const liar = zip([...WORKBOOK_PARTS, { name: 'xl/worksheets/sheet1.xml', data: zeros, declaredSize: 1000 }]);
    const lying = await upload(small, setup.sessions.officerA, liar);
    expect(lying.statusCode).toBe(413);
    expect(lying.json().error.rule).toBe('zip_bomb');
  });

  it('answers annotate=1 with the workbook, bad cells highlighted and commented, and stores nothing', async () => {
    const workbook = await filledSchoolTemplate('2027Q1', { ...TYPED, meal_days: 100, open_kitchen: '否' });
    const response = await upload(app, setup.sessions.principal, await bytes(workbook), { query: 'annotate=1', fileName: '我的报表.xlsx' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(XLSX);
    expect(response.headers['x-import-errors']).toBe('1');
    expect(Number(response.headers['x-import-warnings'])).toBeGreaterThanOrEqual(1);
    const annotated = await workbookOf(response.rawPayload);
    const sheet = annotated.getWorksheet('季度报表')!;
    const bad = schoolValueCell(sheet, 'meal_days');
    expect(bad.fill).toMatchObject({ pattern: 'solid', fgColor: { argb: 'FFFFC7CE' } });
    expect(JSON.stringify(bad.note)).toContain('供餐天数应在0至92天之间');
    expect(schoolValueCell(sheet, 'open_kitchen').fill).toMatchObject({ fgColor: { argb: 'FFFFEB9C' } });
    const list = annotated.getWorksheet('导入检查结果')!;
    expect(list.getCell('A2').value).toBe('错误');
    expect(list.getCell('C2').value).toBe(bad.address);
    expect(await reportOf(handle, setup.primary.id, '2027Q1')).toBeUndefined();

    // The annotated workbook, once corrected, imports like the template it came from.
    schoolValueCell(sheet, 'meal_days').value = 60;
    const fixed = await upload(app, setup.sessions.principal, await bytes(annotated));
    expect(fixed.json()).toMatchObject({ ok: true, stored: 1 });
  });

  it('keeps everyone to their own scope: files of another school or county, and approved imports, are refused', async () => {
    const { sessions } = setup;
    // Out of scope is answered as missing; a principal is refused the county sheet for its role.
    expect((await download(app, schoolTemplateUrl(setup.noCanteen.id, '2026Q1'), sessions.principal)).statusCode).toBe(404);
    expect((await download(app, countyTemplateUrl(setup.countyA.id, '2026Q1'), sessions.officerB)).statusCode).toBe(404);
    expect((await download(app, countyTemplateUrl(setup.countyA.id, '2026Q1'), sessions.principal)).statusCode).toBe(403);
    const anonymous = await app.inject({ method: 'GET', url: schoolTemplateUrl(setup.primary.id, '2026Q1') });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.message).toBe('请先登录。');

    // Another school's template, filled in by a principal: refused as an unknown identifier is, nothing stored.
    const theirs = await workbookOf((await download(app, schoolTemplateUrl(setup.noCanteen.id, '2028Q1'), sessions.officerA)).rawPayload);
    schoolValueCell(theirs.getWorksheet('季度报表')!, 'students_enrolled').value = 100;
    const foreign = await upload(app, sessions.principal, await bytes(theirs));
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json().errors).toEqual([
      expect.objectContaining({ code: 'school_code', rule: 'unknown', row: 2, column: 'B', message: `学校标识码 ${setup.noCanteen.code} 不存在，请核对。` }),
    ]);
    expect(await reportOf(handle, setup.noCanteen.id, '2028Q1')).toBeUndefined();
    // The same file naming an identifier that does not exist: the same answer, but for the identifier.
    const unknownCode = '9999999999';
    theirs.getWorksheet('季度报表')!.getCell('B2').value = unknownCode;
    const unknown = await upload(app, sessions.principal, await bytes(theirs));
    expect(unknown.statusCode).toBe(foreign.statusCode);
    expect(unknown.body.replaceAll(unknownCode, 'CODE')).toBe(foreign.body.replaceAll(setup.noCanteen.code, 'CODE'));

    // An officer of another county importing this county's sheet.
    const sheetA = await workbookOf((await download(app, countyTemplateUrl(setup.countyA.id, '2028Q1'), sessions.officerA)).rawPayload);
    const ws = sheetA.getWorksheet('全县汇总')!;
    ws.getCell(countyRow(ws, setup.primary), countyColumn(ws, 'students_enrolled')).value = 100;
    const officerB = await upload(app, sessions.officerB, await bytes(sheetA));
    expect(officerB.statusCode).toBe(422);
    expect(officerB.json().errors).toContainEqual(expect.objectContaining({ rule: 'unknown', message: `学校标识码 ${setup.primary.code} 不存在，请核对。` }));
    expect(await reportOf(handle, setup.primary.id, '2028Q1')).toBeUndefined();

    // Historical (approved) import is the bureau's alone; an unknown mode is refused.
    const own = await bytes(await filledSchoolTemplate('2028Q2', { students_enrolled: 100 }));
    const approved = await upload(app, sessions.principal, own, { mode: 'approved' });
    expect(approved.statusCode).toBe(403);
    expect(approved.json().error.message).toContain('只有教育局账号');
    expect((await upload(app, sessions.principal, own, { mode: 'final' })).statusCode).toBe(400);
    expect(await reportOf(handle, setup.primary.id, '2028Q2')).toBeUndefined();
  });

  it('takes multipart bodies only on the upload route, and only with proof of the same origin', async () => {
    const file = await bytes(await filledSchoolTemplate('2028Q3', { students_enrolled: 100 }));
    const token = setup.sessions.principal;
    expect((await upload(app, token, file, { headers: { origin: 'http://evil.test' } })).statusCode).toBe(403);
    expect((await upload(app, token, file, { headers: { origin: '', 'sec-fetch-site': 'cross-site' } })).statusCode).toBe(403);
    // A multipart POST without Origin or Sec-Fetch-Site proves nothing: refused (JSON requests keep their rule).
    expect((await upload(app, token, file, { headers: { origin: '' } })).statusCode).toBe(403);
    expect((await upload(app, token, file, { headers: { origin: '', 'sec-fetch-site': 'same-origin' } })).statusCode).toBe(200);
    expect((await upload(app, token, file, { url: '/trpc/reports.save' })).statusCode).toBe(415);
    expect((await upload(app, token, file, { url: '/api/templates/school-report.xlsx' })).statusCode).toBe(415);
  });

  it('exports the county workbook for a quarter and a year, and the completeness and review tables', async () => {
    const { sessions } = setup;
    const quarter = await download(app, `/api/export/county.xlsx?countyId=${setup.countyA.id}&period=2025Q3`, sessions.officerA);
    expect(quarter.statusCode).toBe(200);
    const sheet = (await workbookOf(quarter.rawPayload)).getWorksheet('全县数据')!;
    const headers = (sheet.getRow(2).values as unknown[]).slice(1);
    expect(headers.slice(0, 4)).toEqual(['学校标识码', '学校名称', '办学类型', '填报状态']);
    expect(headers).toContain('用电量（千瓦时）');
    expect(headers).toContain('校方责任险参保率（%）');
    const rows = new Map<string, ExcelJS.Row>();
    sheet.eachRow((row, n) => void (n > 2 && rows.set(String(row.getCell(1).value), row)));
    expect([...rows.keys()].sort()).toEqual([setup.primary.code, setup.noCanteen.code, setup.vocational.code].sort());
    const primary = rows.get(setup.primary.code)!;
    expect(primary.getCell(2).value).toBe(`'=实验小学`);
    expect(primary.getCell(4).value).toBe('已审核通过');
    expect(primary.getCell(headers.indexOf('用电量（千瓦时）') + 1).value).toBe(12345.5);
    expect(primary.getCell(headers.indexOf('校方责任险参保率（%）') + 1).value).toBe(100);
    expect(primary.getCell(headers.indexOf('节水型学校级别') + 1).value).toBe('市级');

    const year = await download(app, `/api/export/county.xlsx?countyId=${setup.countyA.id}&year=2025`, sessions.officerA);
    const yearSheet = (await workbookOf(year.rawPayload)).getWorksheet('全县数据')!;
    expect(yearSheet.getCell('D2').value).toBe('已报季度');
    expect(yearSheet.getCell('A1').value).toContain('2025年');

    expect((await download(app, `/api/export/county.xlsx?countyId=${setup.countyA.id}`, sessions.officerA)).statusCode).toBe(400);
    expect((await download(app, `/api/export/county.xlsx?countyId=${setup.countyA.id}&period=2025Q3`, sessions.officerB)).statusCode).toBe(404);

    const done = await download(app, `/api/export/completeness.xlsx?countyId=${setup.countyA.id}&period=2025Q3`, sessions.officerA);
    const doneSheet = (await workbookOf(done.rawPayload)).worksheets[0]!;
    expect((doneSheet.getRow(2).values as unknown[]).slice(1)).toEqual(['学校标识码', '学校名称', '办学类型', '填报状态', '报送时间', '是否逾期', '版本']);
    expect(doneSheet.rowCount).toBe(2 + 3);

    const queue = await download(app, `/api/export/review-queue.xlsx?countyId=${setup.countyA.id}`, sessions.officerA);
    expect(queue.statusCode).toBe(200);
    const queueSheet = (await workbookOf(queue.rawPayload)).worksheets[0]!;
    expect((queueSheet.getRow(2).values as unknown[]).slice(1)).toEqual([
      '学校标识码',
      '学校名称',
      '办学类型',
      '季度',
      '报送时间',
      '是否逾期',
      '预警数',
      '错误数',
    ]);
    expect((await download(app, `/api/export/review-queue.xlsx?countyId=${setup.countyA.id}`, sessions.principal)).statusCode).toBe(403);

    const league = await download(
      app,
      `/api/export/ranking.xlsx?countyId=${setup.countyA.id}&indicator=electricity_kwh&year=2025&quarter=3&includeSubmitted=1`,
      sessions.officerA,
    );
    expect(league.statusCode).toBe(200);
    const leagueSheet = (await workbookOf(league.rawPayload)).worksheets[0]!;
    const leagueHeaders = (leagueSheet.getRow(2).values as unknown[]).slice(1);
    expect(leagueHeaders.slice(0, 6)).toEqual(['名次', '学校标识码', '学校名称', '办学类型', '城乡分类', '用电量（千瓦时）']);
    const leagueRows: ExcelJS.Row[] = [];
    leagueSheet.eachRow((row, n) => void (n > 2 && leagueRows.push(row)));
    const primaryRank = leagueRows.find((row) => row.getCell(2).value === setup.primary.code)!;
    expect(primaryRank.getCell(6).value).toBe(12345.5);
    expect(typeof primaryRank.getCell(1).value).toBe('number');
    expect(leagueSheet.getCell('A1').value).toContain('用电量排名');
    expect((await download(app, `/api/export/ranking.xlsx?countyId=${setup.countyA.id}&indicator=no_such&year=2025`, sessions.officerA)).statusCode).toBe(400);
    expect(
      (await download(app, `/api/export/ranking.xlsx?countyId=${setup.countyA.id}&indicator=electricity_kwh&year=2025`, sessions.principal)).statusCode,
    ).toBe(403);
    expect(
      (await download(app, `/api/export/ranking.xlsx?countyId=${setup.countyA.id}&indicator=electricity_kwh&year=2025`, sessions.officerB)).statusCode,
    ).toBe(404);
  });
});
