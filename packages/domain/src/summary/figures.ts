import { change as yearChange, formulaParts, groupFigure, isNumeric, statusKey } from '../aggregate/group.js';
import type { SchoolWindow } from '../aggregate/window.js';
import { applies, indicator } from '../indicators/catalogue.js';
import { reportInputs } from '../indicators/formulas.js';
import type { Indicator } from '../indicators/types.js';
import type { Period } from '../periods.js';
import { statusLabel } from '../targets/validate.js';
import * as n from '../wording/numbers.js';
import { namesWithCount } from '../wording/sentences.js';
import { formatValue, formulaWords, schoolCount, windowLabel } from './format.js';
import type { Figure, FigureMap, FigureSource } from './types.js';

/** `{{fig:id}}`: how paragraphs refer to a figure. */
export const placeholder = (id: string): string => `{{fig:${id}}}`;

/**
 * The figures of one summary, collected while its text is written. An id names one computation: the sections
 * that quote the same figure (an achievement and the problem it reveals) get the same record.
 */
export class FigureBook {
  readonly figures: FigureMap = {};

  put(figure: Figure): Placed {
    this.figures[figure.id] ??= figure;
    return placed(this.figures[figure.id]!);
  }

  get(id: string): Placed | null {
    const figure = this.figures[id];
    return figure ? placed(figure) : null;
  }
}

const placed = (figure: Figure): Placed => ({ ref: placeholder(figure.id), value: figure.value ?? 0, figure });

/** A figure recorded in the book: its placeholder for the text, and its value for choosing the wording. */
export interface Placed {
  ref: string;
  value: number;
  figure: Figure;
}

/** What figures are computed over: the schools' windows, the quarters, and how to name a school. */
export interface FigureScope {
  book: FigureBook;
  windows: readonly SchoolWindow[];
  window: readonly Period[];
  comparable: { current: readonly SchoolWindow[]; previous: readonly SchoolWindow[] };
  previousWindow: readonly Period[];
  name(schoolId: number): string;
}

const name = (code: string) => indicator(code).name.zh;

/** Lists read out in full (seed 001 names every 放心食堂), up to a length a paragraph can hold. */
export const MAX_LISTED_NAMES = 40;
const allNames = (names: readonly string[]) => (names.length > MAX_LISTED_NAMES ? namesWithCount(names, '所学校', MAX_LISTED_NAMES) : names.join('、'));
const periodsOf = (windows: readonly SchoolWindow[]): Period[] => [...new Set(windows.flatMap((w) => w.periods))].sort();
const source = (s: Omit<FigureSource, 'statuses'>): FigureSource => ({ ...s, statuses: ['approved'] });

/** The schools whose reports a group figure of the indicator rests on. */
export function contributors(ind: Indicator, windows: readonly SchoolWindow[]): SchoolWindow[] {
  return windows.filter((w) => {
    if (!applies(ind, w.school)) return false;
    if (ind.formula) return formulaParts(ind.formula, reportInputs(w.values, w.school), w.end) !== null;
    const v = w.values[ind.code];
    return isNumeric(ind) ? typeof v === 'number' : typeof v === 'string' || typeof v === 'boolean';
  });
}

function describe(ind: Indicator, window: readonly Period[]): string {
  const when = windowLabel(window);
  if (ind.formula) return `${formulaWords(ind, name)}（各校${when}数据）`;
  if (ind.kind === 'flow') return `各校${when}各季度${ind.name.zh}之和`;
  return `各校${when}最近一个季度${ind.name.zh}之和`;
}

/**
 * A group figure of a numeric indicator (a sum, or for a derived one the ratio of sums), or null when no
 * school reported it. `windows` narrows the schools (a school type, one county).
 */
export function indicatorFigure(
  scope: FigureScope,
  id: string,
  code: string,
  options: { windows?: readonly SchoolWindow[]; label?: string } = {},
): Placed | null {
  const ind = indicator(code);
  const windows = options.windows ?? scope.windows;
  const figure = groupFigure(ind, windows);
  if (figure.type !== 'number' || figure.value === null) return null;
  const members = contributors(ind, windows);
  return scope.book.put({
    id,
    label: options.label ?? ind.name.zh,
    value: figure.value,
    text: formatValue(ind, figure.value),
    indicator: code,
    source: source({
      method: ind.formula?.denominator ? 'ratio_of_sums' : 'sum',
      indicator: code,
      schoolIds: members.map((w) => w.school.id),
      periods: periodsOf(members),
      description: describe(ind, scope.window),
    }),
  });
}

/**
 * How many schools hold one of the status values (their latest in the window); null when no school reported
 * the status. With `names`, the figure is written as the schools' names (“甲小学、乙小学共2所学校”).
 */
export function statusFigure(
  scope: FigureScope,
  id: string,
  code: string,
  values: readonly (string | boolean)[],
  options: { names?: boolean | 'all'; label?: string; windows?: readonly SchoolWindow[] } = {},
): (Placed & { names: string[] }) | null {
  const ind = indicator(code);
  const members = contributors(ind, options.windows ?? scope.windows);
  if (!members.length) return null;
  const keys = new Set(values.map(statusKey));
  const holders = members.filter((w) => keys.has(statusKey(w.values[code] as string | boolean)));
  const names = holders.map((w) => scope.name(w.school.id));
  const labels = values.map((v) => statusLabel(ind, v));
  const text = options.names === 'all' ? allNames(names) : options.names ? namesWithCount(names) : schoolCount(holders.length);
  const placed = scope.book.put({
    id,
    label: options.label ?? `${ind.name.zh}为“${labels.join('”或“')}”的学校数`,
    value: holders.length,
    text: text || '无',
    indicator: code,
    ...(options.names ? { names } : {}),
    source: source({
      method: 'count_status',
      indicator: code,
      schoolIds: holders.map((w) => w.school.id),
      periods: periodsOf(holders),
      statusValues: values.map(statusKey),
      description: `${ind.name.zh}（各校${windowLabel(scope.window)}最近一次填报）为“${labels.join('”或“')}”的学校数，共${members.length}所学校填报`,
    }),
  });
  return { ...placed, names };
}

/** How many schools reported an indicator at all (“全县共有71所学校参加校方责任险”). */
export function reportingFigure(scope: FigureScope, id: string, code: string, label: string, windows?: readonly SchoolWindow[]): Placed | null {
  const ind = indicator(code);
  const members = contributors(ind, windows ?? scope.windows);
  if (!members.length) return null;
  return scope.book.put({
    id,
    label,
    value: members.length,
    text: schoolCount(members.length),
    indicator: code,
    source: source({
      method: 'count_reporting',
      indicator: code,
      schoolIds: members.map((w) => w.school.id),
      periods: periodsOf(members),
      description: `${windowLabel(scope.window)}填报了${ind.name.zh}的学校数`,
    }),
  });
}

/**
 * The change on the same quarters of last year, like for like (only schools that reported both years count);
 * written “降低12%” / “增长3.5%” / “持平”. Null without a base.
 */
export function changeFigure(scope: FigureScope, id: string, code: string, label?: string): (Placed & { percent: number }) | null {
  const ind = indicator(code);
  const now = groupFigure(ind, scope.comparable.current);
  const before = groupFigure(ind, scope.comparable.previous);
  if (now.type !== 'number' || before.type !== 'number') return null;
  const c = yearChange(now.value, before.value);
  if (c.percent === null) return null;
  const members = contributors(ind, scope.comparable.current);
  const placed = scope.book.put({
    id,
    label: label ?? `${ind.name.zh}较上年同期变化`,
    value: c.percent,
    text: n.change(c.percent),
    indicator: code,
    source: source({
      method: 'change_percent',
      indicator: code,
      schoolIds: members.map((w) => w.school.id),
      periods: periodsOf(members),
      comparedPeriods: periodsOf(contributors(ind, scope.comparable.previous)),
      description: `（本期${ind.name.zh} − 上年同期${ind.name.zh}）÷ 上年同期${ind.name.zh} × 100%，仅计两年同期均有审核通过报表的学校`,
    }),
  });
  return { ...placed, percent: c.percent };
}

/** A list of schools picked by a rule (those whose energy use rose sharply, …), written as their names (or their number). */
export function schoolListFigure(
  scope: FigureScope,
  id: string,
  label: string,
  code: string | null,
  schools: readonly SchoolWindow[],
  description: string,
  options: { all?: boolean; count?: boolean; text?: string } = {},
): Placed & { names: string[] } {
  const names = schools.map((w) => scope.name(w.school.id));
  const placed = scope.book.put({
    id,
    label,
    value: schools.length,
    text: options.text ?? (options.count ? schoolCount(schools.length) : (options.all ? allNames(names) : namesWithCount(names)) || '无'),
    indicator: code,
    names,
    source: source({ method: 'schools_by_rule', indicator: code, schoolIds: schools.map((w) => w.school.id), periods: periodsOf(schools), description }),
  });
  return { ...placed, names };
}
