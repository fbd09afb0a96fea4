import { parsePeriod, periodLabel, periodOf, shiftPeriod, type Period } from '@oversight/domain';
import { useTranslation } from 'react-i18next';

/** The quarter schools report now: the one that ended last (its deadline falls in the running quarter). */
export function reportingPeriod(now = new Date()): Period {
  return shiftPeriod(periodOf(now), -1);
}

/** `count` quarters ending with `last`, oldest first. */
export function recentPeriods(last: Period, count: number): Period[] {
  return Array.from({ length: count }, (_, i) => shiftPeriod(last, i - count + 1));
}

/** “2026年第一季度” or “Q1 2026”. */
export function usePeriodLabel(): (period: string) => string {
  const { i18n } = useTranslation();
  return (p) => periodLabel(p as Period, i18n.language === 'en' ? 'en' : 'zh');
}

/** Dates and times in China time, whatever the browser's zone. */
export function useDateFormat() {
  const { i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en-GB' : 'zh-CN';
  return {
    date: (d: Date) => d.toLocaleDateString(locale, { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }),
    dateTime: (d: Date) =>
      d.toLocaleString(locale, { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }),
    time: (d: Date) => d.toLocaleTimeString(locale, { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', second: '2-digit' }),
  };
}

/** A quarter in two short lines for narrow table headers: [“2026年”, “第三季度”] or [“2026”, “Q3”]. */
export function usePeriodLines(): (period: string) => [string, string] {
  const label = usePeriodLabel();
  return (p) => {
    const { year } = parsePeriod(p);
    const text = label(p);
    const rest = text.replace(String(year), '').replace(/^年/, '').trim();
    return [text.startsWith(String(year)) ? `${year}年` : String(year), rest];
  };
}
