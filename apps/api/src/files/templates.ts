import type { School, SheetSchool } from '@oversight/db';
import {
  allowedText,
  applies,
  COUNTY_KEYS,
  COUNTY_SHEET,
  DOMAIN_LABELS,
  DOMAINS,
  displayValue,
  dropDownOptions,
  headerWithUnit,
  periodLabel,
  SCHOOL_SHEET,
  templateIndicators,
  unitText,
  LOCATION_LABELS,
  OWNERSHIP_LABELS,
  ROSTER_COLUMNS,
  ROSTER_SHEET,
  rosterHeader,
  rosterOptions,
  SCHOOL_TYPE_LABELS,
  type Indicator,
  type Period,
  type ReportValues,
  type RosterKey,
} from '@oversight/domain';
import type ExcelJS from 'exceljs';
import { cellContent, NOT_APPLICABLE_FILL, newWorkbook, SECTION_FILL, styleHeader, titleRow } from './xlsx.js';

/** What a cell accepts, as a data validation: a drop-down for closed lists, a soft range check for numbers. */
function validation(ind: Indicator): ExcelJS.DataValidation | null {
  const options = dropDownOptions(ind);
  const prompt = { showInputMessage: true, promptTitle: ind.name.zh.slice(0, 32), prompt: allowedText(ind).slice(0, 255) };
  if (options) {
    return {
      type: 'list',
      allowBlank: true,
      formulae: [`"${options.join(',')}"`],
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: '请从列表中选择',
      error: allowedText(ind),
      ...prompt,
    };
  }
  if ((ind.valueType === 'integer' || ind.valueType === 'decimal') && ind.min !== undefined && ind.max !== undefined) {
    // A warning, not a stop: the server has the last word, and numbers typed as text must still get through.
    return {
      type: ind.valueType === 'integer' ? 'whole' : 'decimal',
      operator: 'between',
      allowBlank: true,
      formulae: [ind.min, ind.max],
      showErrorMessage: true,
      errorStyle: 'warning',
      errorTitle: '超出范围',
      error: allowedText(ind),
      ...prompt,
    };
  }
  return null;
}

/** A stored value as its template cell holds it: a school's own words are neutralised like any text a user typed. */
function sheetCell(ind: Indicator, value: ReportValues[string] | undefined): ExcelJS.CellValue {
  const shown = displayValue(ind, value);
  return ind.valueType === 'text' ? cellContent(shown) : shown;
}

function valueFormat(ind: Indicator): string | undefined {
  if (ind.valueType === 'date') return 'yyyy-mm-dd';
  if (ind.valueType === 'integer') return '0';
  return undefined;
}

const CODE_FONT: Partial<ExcelJS.Font> = { size: 8, color: { argb: 'FF808080' } };
/** Cells the system fills and reads back (the version): grey, like the codes, but readable. */
const SYSTEM_FONT: Partial<ExcelJS.Font> = { color: { argb: 'FF808080' } };

/**
 * A school's quarterly report: one sheet, indicators as rows grouped by domain, values filled in with what is
 * stored for the quarter (or carried over from the previous one), drop-downs for closed lists. “版本” holds the
 * stored report's version (0: none yet), so an upload made stale by a later save is refused, not applied.
 */
export function schoolTemplate(input: { school: School; period: Period; version: number; values: ReportValues }): ExcelJS.Workbook {
  const { school, period, version, values } = input;
  const workbook = newWorkbook();
  const sheet = workbook.addWorksheet(SCHOOL_SHEET.title);
  const h = SCHOOL_SHEET.headers;
  sheet.columns = [{ width: 34 }, { width: 16 }, { width: 14 }, { width: 18 }, { width: 56 }];
  titleRow(sheet, 1, `${school.name} ${periodLabel(period)} 学校后勤数据填报表`, 5);
  sheet.getRow(2).values = [SCHOOL_SHEET.schoolLabel, school.code, SCHOOL_SHEET.schoolNameLabel, cellContent(school.name)];
  sheet.getCell(2, 2).numFmt = '@';
  sheet.getRow(3).values = [
    SCHOOL_SHEET.periodLabel,
    period,
    SCHOOL_SHEET.versionLabel,
    version,
    '说明：只填写“填报值”一列；“指标代码”和“版本”供系统识别，请勿修改。',
  ];
  sheet.getCell(3, 4).alignment = { horizontal: 'left' };
  sheet.getCell(3, 4).font = SYSTEM_FONT;
  sheet.getCell(3, 5).alignment = { wrapText: true, vertical: 'top' };
  sheet.getRow(3).height = 30;
  for (const row of [2, 3]) for (const column of [1, 3]) sheet.getCell(row, column).font = { bold: true };
  const header = sheet.getRow(4);
  header.values = [h.name, h.code, h.unit, h.value, h.help];
  styleHeader(header);

  let row = 5;
  const indicators = templateIndicators(school);
  for (const domain of DOMAINS) {
    const own = indicators.filter((i) => i.domain === domain);
    if (!own.length) continue;
    sheet.mergeCells(row, 1, row, 5);
    const section = sheet.getCell(row, 1);
    section.value = DOMAIN_LABELS[domain].zh;
    section.font = { bold: true };
    section.fill = SECTION_FILL;
    row += 1;
    for (const ind of own) {
      const line = sheet.getRow(row);
      line.values = [ind.name.zh, ind.code, unitText(ind), sheetCell(ind, values[ind.code]), [allowedText(ind), ind.help?.zh].filter(Boolean).join('。')];
      line.getCell(2).font = CODE_FONT;
      line.getCell(5).alignment = { wrapText: true, vertical: 'top' };
      const cell = line.getCell(4);
      const dv = validation(ind);
      if (dv) cell.dataValidation = dv;
      const format = valueFormat(ind);
      if (format) cell.numFmt = format;
      if (ind.valueType === 'text') cell.alignment = { wrapText: true, vertical: 'top' };
      cell.border = { left: { style: 'thin' }, right: { style: 'thin' }, bottom: { style: 'hair' } };
      row += 1;
    }
  }
  sheet.views = [{ state: 'frozen', ySplit: 4 }];
  return workbook;
}

type RangeValidations = { dataValidations: { add(range: string, validation: ExcelJS.DataValidation): void } };

/**
 * The bureau's county sheet: one row per active school, one column per input indicator, a Chinese header row
 * and below it the narrow row of system codes the import maps columns by. Cells that do not apply to a school
 * (no canteen, not vocational) are shaded; stored values for the quarter are filled in.
 */
export function countyTemplate(input: { countyName: string; period: Period; schools: readonly SheetSchool[] }): ExcelJS.Workbook {
  const { period, schools } = input;
  const workbook = newWorkbook();
  const sheet = workbook.addWorksheet(COUNTY_SHEET.title);
  const indicators = templateIndicators();
  const width = COUNTY_KEYS.length + indicators.length;
  titleRow(sheet, 1, `${input.countyName} ${periodLabel(period)} 学校后勤数据汇总表`, width);
  titleRow(
    sheet,
    2,
    '说明：每所学校一行。第4行为系统代码，请勿修改或删除；“版本”列是下载时各校报表的版本，请勿修改（下载后报表被他人修改的，导入时会提示重新下载）；列的顺序可以调整，不需要的列可以删除。是/否及等级类指标请从下拉列表选择；灰色单元格表示该校不填报此项。',
    width,
    10,
  );
  const header = sheet.getRow(3);
  const codes = sheet.getRow(4);
  COUNTY_KEYS.forEach((key, i) => {
    header.getCell(i + 1).value = COUNTY_SHEET.keys[key];
    codes.getCell(i + 1).value = key;
  });
  indicators.forEach((ind, i) => {
    header.getCell(COUNTY_KEYS.length + i + 1).value = headerWithUnit(ind);
    codes.getCell(COUNTY_KEYS.length + i + 1).value = ind.code;
  });
  styleHeader(header);
  header.height = 48;
  codes.height = 12;
  codes.font = CODE_FONT;
  sheet.getColumn(1).width = 14;
  sheet.getColumn(1).numFmt = '@';
  sheet.getColumn(2).width = 24;
  sheet.getColumn(3).width = 9;
  sheet.getColumn(4).width = 6;
  indicators.forEach((ind, i) => {
    const column = sheet.getColumn(COUNTY_KEYS.length + i + 1);
    column.width = Math.max(10, Math.min(18, ind.name.zh.length * 2));
  });

  schools.forEach(({ school, reports }, index) => {
    const report = reports.get(period);
    const values = report?.values ?? {};
    const row = sheet.getRow(5 + index);
    row.getCell(1).value = school.code;
    row.getCell(2).value = cellContent(school.name);
    row.getCell(3).value = period;
    row.getCell(4).value = report?.version ?? 0;
    row.getCell(4).font = SYSTEM_FONT;
    indicators.forEach((ind, i) => {
      const cell = row.getCell(COUNTY_KEYS.length + i + 1);
      if (!applies(ind, school)) {
        cell.fill = NOT_APPLICABLE_FILL;
        return;
      }
      cell.value = sheetCell(ind, values[ind.code]);
      const format = valueFormat(ind);
      if (format) cell.numFmt = format;
    });
  });

  if (schools.length) {
    const last = 4 + schools.length;
    indicators.forEach((ind, i) => {
      const dv = validation(ind);
      const letter = sheet.getColumn(COUNTY_KEYS.length + i + 1).letter;
      if (dv) (sheet as unknown as RangeValidations).dataValidations.add(`${letter}5:${letter}${last}`, dv);
    });
  }
  sheet.views = [{ state: 'frozen', xSplit: 2, ySplit: 4 }];
  return workbook;
}

/** Rows of the roster that get drop-downs beyond the county's schools, for the schools a bureau adds. */
const ROSTER_SPARE_ROWS = 500;

/** A stored school as the roster's cells show it: labels, 是/否, numbers, the township's name. */
function rosterCells(school: School & { township: string | null }): Record<RosterKey, ExcelJS.CellValue> {
  return {
    code: school.code,
    name: cellContent(school.name),
    type: SCHOOL_TYPE_LABELS[school.type].zh,
    ownership: OWNERSHIP_LABELS[school.ownership].zh,
    location: LOCATION_LABELS[school.location].zh,
    boarding: school.boarding ? '是' : '否',
    buildingAreaM2: Number(school.buildingAreaM2),
    siteAreaM2: Number(school.siteAreaM2),
    hasCanteen: school.hasCanteen ? '是' : '否',
    township: school.township === null ? null : cellContent(school.township),
    contactName: school.contactName === null ? null : cellContent(school.contactName),
    contactPhone: school.contactPhone,
  };
}

/**
 * The bureau's school roster (学校名单): one row per active school of the county, filled in with what is stored,
 * rows below for new schools. Closed lists (type, ownership, location, 是/否, the county's townships) are drop-downs
 * reading from a hidden options sheet, so a list of any length fits; every column has an input prompt saying what
 * it takes. Imported by POST /api/import/schools (parseRoster), which finds the columns by their headers.
 */
export function rosterTemplate(input: {
  countyName: string;
  townships: readonly string[];
  schools: readonly (School & { township: string | null })[];
}): ExcelJS.Workbook {
  const workbook = newWorkbook();
  const sheet = workbook.addWorksheet(ROSTER_SHEET.title);
  const options = workbook.addWorksheet(ROSTER_SHEET.optionsTitle, { state: 'hidden' });
  const width = ROSTER_COLUMNS.length;
  titleRow(sheet, 1, `${input.countyName} 学校名单`, width);
  titleRow(
    sheet,
    2,
    '说明：每所学校一行，已按平台现有学校填好；新学校请在下方空行填写。按学校标识码对应：新的标识码新建学校并开设校长账号（账号名为学校标识码），已有的更新资料，与平台相同的不做改动；名单中没有的学校不会被删除。有任何错误时不保存任何数据。带下拉箭头的列请从列表选择；所属乡镇、校长（联系人）姓名和联系电话可不填。',
    width,
    10,
  );
  sheet.getRow(2).height = 44;
  const header = sheet.getRow(3);
  ROSTER_COLUMNS.forEach((column, i) => {
    header.getCell(i + 1).value = rosterHeader(column);
  });
  styleHeader(header);
  header.height = 32;
  const widths: Record<RosterKey, number> = {
    code: 14,
    name: 28,
    type: 16,
    ownership: 10,
    location: 10,
    boarding: 10,
    buildingAreaM2: 14,
    siteAreaM2: 12,
    hasCanteen: 10,
    township: 14,
    contactName: 16,
    contactPhone: 14,
  };
  ROSTER_COLUMNS.forEach((column, i) => {
    sheet.getColumn(i + 1).width = widths[column.key];
  });
  // Identifiers and phone numbers are text: Excel must not show 2151000001 as 2.15E+09 or drop a leading digit.
  for (const key of ['code', 'contactPhone'] as const) sheet.getColumn(ROSTER_COLUMNS.findIndex((c) => c.key === key) + 1).numFmt = '@';

  input.schools.forEach((school, index) => {
    const cells = rosterCells(school);
    const row = sheet.getRow(4 + index);
    ROSTER_COLUMNS.forEach((column, i) => {
      row.getCell(i + 1).value = cells[column.key];
    });
  });

  // The lists, one column each on the options sheet; the drop-downs refer to them.
  const lists: Partial<Record<RosterKey, string[]>> = {};
  for (const column of ROSTER_COLUMNS) {
    const words = column.key === 'township' ? [...input.townships] : rosterOptions(column.key);
    if (words?.length) lists[column.key] = words;
  }
  const last = 3 + input.schools.length + ROSTER_SPARE_ROWS;
  let listColumn = 0;
  ROSTER_COLUMNS.forEach((column, i) => {
    const letter = sheet.getColumn(i + 1).letter;
    const prompt = { showInputMessage: true, promptTitle: column.header.slice(0, 32), prompt: column.help.slice(0, 255) };
    const words = lists[column.key];
    let validation: ExcelJS.DataValidation;
    if (words) {
      listColumn += 1;
      const optionsColumn = options.getColumn(listColumn);
      optionsColumn.values = [column.header, ...words.map((w) => cellContent(w))];
      const range = `'${ROSTER_SHEET.optionsTitle}'!$${optionsColumn.letter}$2:$${optionsColumn.letter}$${words.length + 1}`;
      validation = {
        type: 'list',
        allowBlank: true,
        formulae: [range],
        showErrorMessage: true,
        errorStyle: 'stop',
        errorTitle: '请从列表中选择',
        error: column.help.slice(0, 255),
        ...prompt,
      };
    } else {
      // Text and numbers: a prompt only; the import has the last word on what is accepted.
      validation = { type: 'custom', allowBlank: true, formulae: ['TRUE'], showErrorMessage: false, ...prompt };
    }
    (sheet as unknown as RangeValidations).dataValidations.add(`${letter}4:${letter}${last}`, validation);
  });
  sheet.views = [{ state: 'frozen', xSplit: 2, ySplit: 3 }];
  return workbook;
}
