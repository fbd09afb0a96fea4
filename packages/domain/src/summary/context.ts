import type { SchoolWindow } from '../aggregate/window.js';
import { indicator } from '../indicators/catalogue.js';
import { shiftPeriod, type Period } from '../periods.js';
import { evaluateTarget, targetSchools, yearFrames, type TargetResult } from '../targets/evaluate.js';
import type { Target } from '../targets/types.js';
import { describeTarget } from '../targets/validate.js';
import * as n from '../wording/numbers.js';
import { areaSubject, asOf, schoolsConcerned } from '../wording/sentences.js';
import { FigureBook, type FigureScope, type Placed } from './figures.js';
import { formatValue, schoolCount, windowLabel } from './format.js';
import type { ReportExplanations, SummaryInput, SummaryLevel, SummarySchool } from './types.js';

/** One target of the year as the summary states it. */
export interface TargetState {
  target: Target;
  /** The target in words, from the summary's point of view (“全县学平险参保率达到95%以上”, “我校…”, “甲县…”). */
  label: string;
  result: TargetResult;
  /** Its figure: the county's actual value, the school's own value, or (each school) the schools that missed it. */
  figure: Placed;
  /** For a county's each-school target: the schools that missed it. */
  missedBy: SchoolWindow['school'][];
}

/** One row of 附件：未达到目标的学校名单: a school, what it fell short of, the standard, its figure and its own explanation. */
export interface MissedEntry {
  schoolId: number;
  school: string;
  indicator: string;
  target: string;
  actual: string;
  note: string;
}

export interface SummaryContext extends FigureScope {
  input: SummaryInput;
  level: SummaryLevel;
  /** 全县 / 全市 / 全区 / 我校. */
  subject: string;
  /** “2026年” or “截至2026年第三季度”. */
  when: string;
  partial: boolean;
  schools: ReadonlyMap<number, SummarySchool>;
  targets: TargetState[];
  /** Ids of the targets the text has stated already (each is stated once). */
  stated: Set<number>;
  /** The appendix's rows, added by the problems as the text is written (the body names no school). */
  missed: MissedEntry[];
  /** How many schools, in a problem's words: “个别学校”, “少数学校（2所）”, “全部7所学校”; “我校” in a school's summary. */
  concerned(count: number, total: number): string;
  /** A school's own name (also in a school's summary, where `name` says 我校). */
  realName(schoolId: number): string;
  /** The school's explanation on one of the indicators (its latest approved report of the window that has one), names removed. */
  explain(schoolId: number, codes: readonly string[]): string | null;
}

/** A target's measured value, written in its unit. */
export function actualText(target: Target, value: number): string {
  const ind = indicator(target.indicator);
  switch (target.measure) {
    case 'value':
      return formatValue(ind, value);
    case 'change_percent':
      return n.change(value);
    case 'status_count':
      return schoolCount(value);
    case 'status_share':
      return n.percent(value);
    case 'expected_ratio':
      return `实际与预期之比${value.toLocaleString('zh-CN', { maximumFractionDigits: 2 })}`;
    case 'score':
      return `能效得分${Math.round(value)}`;
  }
}

/**
 * The explanations of a school's approved reports in the window, latest quarter first; school names in them are
 * replaced (a county summary names no school among its problems) and 我校/本校 read as 学校.
 */
function explainer(input: SummaryInput, window: readonly Period[]): SummaryContext['explain'] {
  const inWindow = new Set(window);
  const bySchool = new Map<number, ReportExplanations[]>();
  for (const e of input.explanations ?? []) {
    if (!inWindow.has(e.period)) continue;
    bySchool.set(e.schoolId, [...(bySchool.get(e.schoolId) ?? []), e]);
  }
  for (const list of bySchool.values()) list.sort((a, b) => (a.period < b.period ? 1 : -1));
  const names = input.schools.map((s) => s.name).sort((a, b) => b.length - a.length);
  const clean = (text: string) => {
    let t = text.trim();
    for (const name of names) t = t.split(name).join(input.level === 'school' ? '我校' : '该校');
    if (input.level !== 'school') t = t.replace(/我校|本校/g, '该校');
    return t.replace(/[。；;，,.\s]+$/u, '');
  };
  return (schoolId, codes) => {
    for (const e of bySchool.get(schoolId) ?? []) {
      for (const code of codes) {
        const text = e.texts[code];
        if (typeof text === 'string' && text.trim()) return clean(text);
      }
    }
    return null;
  };
}

function schoolNamer(input: SummaryInput): (id: number) => string {
  const schools = new Map(input.schools.map((s) => [s.id, s]));
  const counties = new Map((input.counties ?? []).map((c) => [c.id, c.name]));
  return (id) => {
    if (input.level === 'school') return '我校';
    const school = schools.get(id);
    if (!school) return `学校${id}`;
    if (input.level !== 'city') return school.name;
    const county = counties.get(school.countyId) ?? '';
    return school.name.startsWith(county) ? school.name : `${county}${school.name}`;
  };
}

/** Official documents write 50000, not 50,000. */
export const plainNumbers = (text: string): string => text.replace(/(\d),(?=\d{3}(?!\d))/g, '$1');

function targetStates(input: SummaryInput, scope: FigureScope, frame: Parameters<typeof evaluateTarget>[3], subject: string): TargetState[] {
  const states: TargetState[] = [];
  const groups =
    input.level === 'school'
      ? [{ name: null as string | null, targets: input.targets.filter((t) => t.kind === 'each_school'), schools: input.schools }]
      : (input.level === 'city' ? (input.counties ?? []) : [input.unit]).map((c) => ({
          name: input.level === 'city' ? c.name : null,
          targets: input.targets.filter((t) => t.countyId === c.id),
          schools: input.schools.filter((s) => s.countyId === c.id),
        }));
  for (const group of groups) {
    for (const target of group.targets) {
      const result = evaluateTarget(target, group.targets, group.schools, frame);
      const members = targetSchools(target, group.targets, group.schools);
      if (input.level === 'school' && !members.length) continue;
      const own =
        input.level === 'school'
          ? describeTarget({ ...target, schoolTypes: null, schoolId: members[0]!.id }, '我校')
          : describeTarget(target, target.schoolId !== null ? scope.name(target.schoolId) : undefined);
      const label = plainNumbers(group.name !== null ? `${group.name}${own.replace(/^全县/, '')}` : own.replace(/^全县/, subject));
      const missed = (result.checks ?? []).filter((c) => c.met === false).map((c) => c.schoolId);
      const missedBy = group.schools.filter((s) => missed.includes(s.id));
      const each = target.kind === 'each_school';
      const value =
        input.level === 'school'
          ? typeof result.checks?.[0]?.value === 'number'
            ? result.checks[0].value
            : null
          : each
            ? missed.length
            : typeof result.actual === 'number'
              ? result.actual
              : null;
      const missedNames = missedBy.map((s) => scope.name(s.id));
      // The schools that missed an each-school target are counted, not named: the appendix lists them.
      const text =
        input.level !== 'school' && each ? schoolsConcerned(missed.length, members.length) || '无' : value === null ? '暂无数据' : actualText(target, value);
      const figure = scope.book.put({
        id: `target_${target.id}`,
        label: input.level !== 'school' && each ? `未达到“${label}”的学校` : `${label}（实际）`,
        value,
        text,
        indicator: target.indicator,
        ...(input.level !== 'school' && each ? { names: missedNames } : {}),
        target: { id: target.id, label, met: result.met },
        source: {
          method: 'target',
          indicator: target.indicator,
          schoolIds: members.map((s) => s.id),
          periods: [...scope.window],
          statuses: ['approved'],
          description: `目标“${label}”，按${windowLabel(scope.window)}审核通过的报表测算；适用学校${members.length}所，有数据${result.reported}所`,
        },
      });
      states.push({ target, label, result, figure, missedBy });
    }
  }
  return states;
}

/** Everything the section writers share: the aggregated windows, figures, names and targets. */
export function summaryContext(input: SummaryInput): SummaryContext {
  const frames = yearFrames(input.schools, input.reports, input.year, input.upToQuarter, input.adjusted);
  const window = frames.yearToDate.window;
  const subject = input.level === 'school' ? '我校' : areaSubject(input.unit.name, input.level);
  const scope: FigureScope = {
    book: new FigureBook(),
    windows: frames.yearToDate.windows,
    window,
    comparable: frames.yearToDate.comparable,
    previousWindow: window.map((p: Period) => shiftPeriod(p, -4)),
    name: schoolNamer(input),
  };
  return {
    ...scope,
    input,
    level: input.level,
    subject,
    when: asOf(input.year, input.upToQuarter),
    partial: input.upToQuarter !== 4,
    schools: new Map(input.schools.map((s) => [s.id, s])),
    targets: targetStates(input, scope, frames.yearToDate, subject),
    stated: new Set(),
    missed: [],
    concerned: (count, total) => (input.level === 'school' ? '我校' : schoolsConcerned(count, total)),
    realName: (id) => (input.level === 'school' ? (input.schools.find((s) => s.id === id)?.name ?? scope.name(id)) : scope.name(id)),
    explain: explainer(input, window),
  };
}
