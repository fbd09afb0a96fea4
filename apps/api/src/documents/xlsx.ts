import { appendixCaptions, type FigureMap, type SummaryChart, type SummaryTable, type TableColumn } from '@oversight/domain';
import type ExcelJS from 'exceljs';
import { cellContent, newWorkbook, styleHeader, titleRow } from '../files/xlsx.js';

/** Excel number formats for the appendix's column formats (percentages are stored as 0–100). */
const NUMBER_FORMAT: Record<TableColumn['format'], string | undefined> = {
  integer: '0',
  decimal: '0.00',
  percent: '0.0"%"',
  text: undefined,
};

/** Sheet names: at most 31 characters, none of : \ / ? * [ ]. */
const sheetName = (text: string) => text.replace(/[:\\/?*[\]]/g, '').slice(0, 31);

function tableSheet(workbook: ExcelJS.Workbook, title: string, table: SummaryTable): void {
  const sheet = workbook.addWorksheet(sheetName(table.title));
  titleRow(sheet, 1, title, table.columns.length);
  const header = sheet.getRow(2);
  table.columns.forEach((c, i) => {
    header.getCell(i + 1).value = c.label;
    sheet.getColumn(i + 1).width = c.format === 'text' ? 22 : 14;
  });
  styleHeader(header);
  const add = (values: (string | number | null)[], bold = false) => {
    const row = sheet.addRow(values.map((v) => cellContent(v)));
    table.columns.forEach((c, i) => {
      const format = NUMBER_FORMAT[c.format];
      if (format) row.getCell(i + 1).numFmt = format;
      if (bold) row.getCell(i + 1).font = { bold: true };
    });
  };
  for (const r of table.rows) add(r);
  if (table.total) add(table.total, true);
  sheet.views = [{ state: 'frozen', ySplit: 2, xSplit: 1 }];
}

function chartTable(chart: SummaryChart): SummaryTable {
  return {
    id: chart.id,
    title: `图表数据-${chart.title}`,
    columns: [
      { key: 'category', label: '类别', format: 'text' },
      ...chart.series.map((s) => ({ key: s.name, label: `${s.name}（${chart.unit}）`, format: 'decimal' as const })),
    ],
    rows: chart.categories.map((c, i) => [c, ...chart.series.map((s) => s.values[i] ?? null)]),
  };
}

/** Every figure the text quotes, with the query behind it: what an officer checks a number against. */
function sourcesSheet(workbook: ExcelJS.Workbook, title: string, figures: FigureMap, schoolName: (id: number) => string): void {
  const sheet = workbook.addWorksheet('数据来源');
  const columns = [
    ['编号', 18],
    ['数据项', 30],
    ['数值', 14],
    ['文中写法', 26],
    ['指标代码', 22],
    ['计算方法', 60],
    ['涉及季度', 22],
    ['涉及学校数', 12],
    ['涉及学校', 60],
  ] as const;
  titleRow(sheet, 1, `${title}：数据来源（均取自审核通过的季度报表）`, columns.length);
  const header = sheet.getRow(2);
  columns.forEach(([label, width], i) => {
    header.getCell(i + 1).value = label;
    sheet.getColumn(i + 1).width = width;
  });
  styleHeader(header);
  for (const f of Object.values(figures)) {
    sheet.addRow(
      [
        f.id,
        f.label,
        f.value,
        f.text,
        f.indicator,
        f.source.description,
        f.source.periods.join('、'),
        f.source.schoolIds.length,
        f.source.schoolIds.map(schoolName).join('、'),
      ].map((v) => cellContent(v)),
    );
  }
  sheet.views = [{ state: 'frozen', ySplit: 2 }];
}

/** The appendix as a workbook: one sheet per table, the charts' data, and where each figure comes from. */
export function summaryWorkbook(input: {
  title: string;
  tables: SummaryTable[];
  charts: SummaryChart[];
  figures: FigureMap;
  schoolName: (id: number) => string;
}): ExcelJS.Workbook {
  const workbook = newWorkbook();
  // 附件：未达到目标的学校名单 is the first sheet when the summary has one (the draft puts it first).
  const captions = appendixCaptions(input.tables);
  input.tables.forEach((t, i) => {
    tableSheet(workbook, `${input.title} ${captions[i]!.replace(/\s+/, '：')}`, t);
  });
  for (const c of input.charts) tableSheet(workbook, `${input.title}：${c.title}`, chartTable(c));
  sourcesSheet(workbook, input.title, input.figures, input.schoolName);
  return workbook;
}
