import type { Change, GroupFigure, IndicatorValue } from '@oversight/domain';
import { useTranslation } from 'react-i18next';
import { useLabel, useLocale } from '../../i18n/labels';
import type { Catalogue, Indicator } from '../trpc';

/** Numbers, statuses and changes the way the analytics pages show them, in the current language. */
export function useFigures(catalogue: Catalogue | undefined) {
  const { t } = useTranslation();
  const label = useLabel();
  const locale = useLocale();
  const byCode = new Map((catalogue?.indicators ?? []).map((i) => [i.code, i]));
  const find = (code: string): Indicator | undefined => byCode.get(code);
  const unit = (ind: Indicator | undefined) => (ind && catalogue ? label(catalogue.units[ind.unit]) : '');
  const number = (n: number, digits = 1) => n.toLocaleString(locale, { maximumFractionDigits: digits });
  const digitsOf = (ind: Indicator | undefined) => (ind?.valueType === 'integer' && ind.kind !== 'derived' ? 0 : ind?.unit === 'percent' ? 1 : 2);
  const status = (ind: Indicator | undefined, v: string | boolean) =>
    typeof v === 'boolean'
      ? v
        ? t('common.yes')
        : t('common.no')
      : (ind?.options?.find((o) => o.value === v)?.label && label(ind.options.find((o) => o.value === v)!.label)) || v;

  /** A school's or the county's value with its unit (“95.3%”, “1,234 千瓦时”, “A级（优秀）”). */
  const value = (code: string, v: IndicatorValue | undefined): string => {
    const ind = find(code);
    if (v === null || v === undefined || v === '') return t('common.empty');
    if (typeof v === 'number') {
      const u = unit(ind);
      return u === '%' ? `${number(v, 1)}%` : u ? `${number(v, digitsOf(ind))} ${u}` : number(v, digitsOf(ind));
    }
    return status(ind, v);
  };
  /** A county figure: the number, or the schools per status (“A级（优秀）28所，B级（良好）6所”). */
  const figure = (code: string, f: GroupFigure): string => {
    if (f.type === 'number') return value(code, f.value);
    const parts = Object.entries(f.counts)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => t('analytics.statusCount', { status: status(find(code), k === 'true' ? true : k === 'false' ? false : k), count: n }));
    return parts.length ? parts.join(t('common.listSeparator')) : t('common.empty');
  };
  /** Change on last year: “+3.2%” (or percentage points for rates). */
  const change = (code: string, c: Change | null | undefined): string => {
    if (!c) return t('common.empty');
    const signed = (v: number) => {
      const r = Math.round(v * 10) / 10;
      return r === 0 ? number(0, 1) : `${r > 0 ? '+' : ''}${number(r, 1)}`;
    };
    if (find(code)?.unit === 'percent') return c.difference === null ? t('common.empty') : t('analytics.points', { value: signed(c.difference) });
    return c.percent === null ? t('common.empty') : `${signed(c.percent)}%`;
  };
  return { find, unit, number, value, figure, change, name: (code: string) => (find(code) ? label(find(code)!.name) : code) };
}

/** Whether a change is good news for the indicator (lower energy use is). */
export function changeColor(ind: Indicator | undefined, c: Change | null | undefined): string | undefined {
  const d = c?.difference;
  if (!ind?.better || d === null || d === undefined || d === 0) return undefined;
  return d > 0 === (ind.better === 'higher') ? 'teal.8' : 'red.8';
}
