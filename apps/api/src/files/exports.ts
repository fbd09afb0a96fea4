import type { CompletenessRow, QueueItem, Ranking, RankingRow, SheetSchool } from '@oversight/db';
import {
  aggregateSchool,
  displayValue,
  headerWithUnit,
  indicatorValue,
  indicator as indicatorByCode,
  INDICATORS,
  LOCATION_LABELS,
  periodLabel,
  SCHOOL_TYPE_LABELS,
  targetRequirement,
  type Indicator,
  type Period,
  type QuarterReport,
  type SchoolType,
  REPORT_STATUS_LABELS,
} from '@oversight/domain';
import type ExcelJS from 'exceljs';
import { tableWorkbook, type TableColumn } from './xlsx.js';

// The same words as the app's status badges.
const typeName = (type: string) => SCHOOL_TYPE_LABELS[type as SchoolType]?.zh ?? type;
const yesNo = (flag: boolean) => (flag ? '是' : '否');
const TIME = 'yyyy-mm-dd hh:mm';

/** Values of reports the bureau counts: submitted or approved (drafts are the school's work in progress). */
const COUNTED = new Set(['submitted', 'approved']);

interface CountyRow {
  code: string;
  name: string;
  type: string;
  state: string;
  value: (ind: Indicator) => string | number | Date | null;
}

/**
 * The county workbook: one row per active school, every indicator of the catalogue (derived ones included)
 * with its unit in the header. For a quarter, the submitted or approved report; for a year, the year's
 * submitted and approved quarters rolled up by the catalogue's rules (flows add up, stocks and statuses take
 * the latest quarter, rates are ratios of the rolled-up sums).
 */
export function countyExport(input: { countyName: string; window: readonly Period[]; label: string; schools: readonly SheetSchool[] }): ExcelJS.Workbook {
  const single = input.window.length === 1;
  const rows: CountyRow[] = input.schools.map(({ school, reports }) => {
    const quarters: QuarterReport[] = input.window.flatMap((period) => {
      const report = reports.get(period);
      return report && COUNTED.has(report.status) ? [{ schoolId: school.id, period, values: report.values }] : [];
    });
    const window = aggregateSchool(school, quarters, input.window);
    const state = single ? REPORT_STATUS_LABELS[reports.get(input.window[0]!)?.status ?? 'missing'].zh : `${quarters.length}/${input.window.length}`;
    return {
      code: school.code,
      name: school.name,
      type: typeName(school.type),
      state,
      value: (ind) => {
        if (!window) return null;
        const value = indicatorValue(ind, window);
        return ind.formula ? (typeof value === 'number' ? Math.round(value * 100) / 100 : null) : displayValue(ind, value);
      },
    };
  });
  const columns: TableColumn<CountyRow>[] = [
    { header: '学校标识码', width: 14, value: (r) => r.code },
    { header: '学校名称', width: 24, value: (r) => r.name },
    { header: '办学类型', width: 14, value: (r) => r.type },
    { header: single ? '填报状态' : '已报季度', width: 10, value: (r) => r.state },
    ...INDICATORS.map(
      (ind): TableColumn<CountyRow> => ({
        header: headerWithUnit(ind),
        width: Math.max(10, Math.min(18, ind.name.zh.length * 2)),
        ...(ind.valueType === 'date' ? { format: 'yyyy-mm-dd' } : {}),
        value: (r) => r.value(ind),
      }),
    ),
  ];
  const note = single ? '（已报送及已审核的报表）' : '（按年汇总已报送及已审核的季度：流量累加，存量取最新季度，比率为合计之比）';
  return tableWorkbook({ title: `${input.countyName} ${input.label} 学校后勤数据${note}`, sheet: '全县数据', columns, rows });
}

export function completenessExport(input: { countyName: string; period: Period; rows: readonly CompletenessRow[] }): ExcelJS.Workbook {
  const columns: TableColumn<CompletenessRow>[] = [
    { header: '学校标识码', width: 14, value: (r) => r.code },
    { header: '学校名称', width: 24, value: (r) => r.name },
    { header: '办学类型', width: 14, value: (r) => typeName(r.type) },
    { header: '填报状态', width: 12, value: (r) => REPORT_STATUS_LABELS[r.status].zh },
    { header: '报送时间', width: 18, format: TIME, value: (r) => r.submittedAt },
    { header: '是否逾期', width: 10, value: (r) => yesNo(r.late) },
    { header: '版本', width: 8, value: (r) => r.version },
  ];
  return tableWorkbook({ title: `${input.countyName} ${periodLabel(input.period)} 填报进度`, sheet: '填报进度', columns, rows: input.rows });
}

export function reviewQueueExport(input: { countyName: string; period?: Period | undefined; rows: readonly QueueItem[] }): ExcelJS.Workbook {
  const columns: TableColumn<QueueItem>[] = [
    { header: '学校标识码', width: 14, value: (r) => r.code },
    { header: '学校名称', width: 24, value: (r) => r.name },
    { header: '办学类型', width: 14, value: (r) => typeName(r.type) },
    { header: '季度', width: 16, value: (r) => periodLabel(r.period as Period) },
    { header: '报送时间', width: 18, format: TIME, value: (r) => r.submittedAt },
    { header: '是否逾期', width: 10, value: (r) => yesNo(r.late) },
    { header: '预警数', width: 8, value: (r) => r.warnings },
    { header: '错误数', width: 8, value: (r) => r.errors },
  ];
  const when = input.period ? `${periodLabel(input.period)} ` : '';
  return tableWorkbook({ title: `${input.countyName} ${when}待审核报表`, sheet: '待审核', columns, rows: input.rows });
}

/** The league table as the page shows it: rank, school, value with its unit, change on last year, target, quartile. */
export function rankingExport(input: { title: string; ranking: Ranking }): ExcelJS.Workbook {
  const ind = indicatorByCode(input.ranking.indicator);
  const columns: TableColumn<RankingRow>[] = [
    { header: '名次', width: 6, value: (r) => r.rank },
    { header: '学校标识码', width: 14, value: (r) => r.code },
    { header: '学校名称', width: 24, value: (r) => r.name },
    { header: '办学类型', width: 14, value: (r) => typeName(r.type) },
    { header: '城乡分类', width: 8, value: (r) => LOCATION_LABELS[r.location].zh },
    { header: headerWithUnit(ind), width: 16, value: (r) => (r.value === null ? null : displayValue(ind, r.value)) },
    { header: '较上年同期变化（%）', width: 12, value: (r) => (r.change?.percent == null ? null : Math.round(r.change.percent * 10) / 10) },
    {
      header: '目标',
      width: 20,
      // In words, as the summaries write it: “达到95%以上”, “控制在…以内”, “较上年降低7%以上”.
      value: (r) => (r.target ? targetRequirement({ ...r.target, indicator: input.ranking.indicator, statusValue: null }) : null),
    },
    { header: '是否达标', width: 8, value: (r) => (r.met === null ? null : yesNo(r.met)) },
    { header: '四分位', width: 8, value: (r) => (r.band === null ? null : `第${r.band}档`) },
  ];
  return tableWorkbook({ title: input.title, sheet: '排名', columns, rows: input.ranking.rows });
}
