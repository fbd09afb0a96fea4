import { applies, DOMAINS, evaluateFormula, reportInputs, type IndicatorDomain, type Period } from '@oversight/domain';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useLabel, useLocale } from '../i18n/labels';
import { useTRPC, type Catalogue, type Indicator, type School } from './trpc';

/** The indicator catalogue from the server; it never changes while the app runs. */
export function useCatalogue() {
  const trpc = useTRPC();
  return useQuery(trpc.catalogue.list.queryOptions(undefined, { staleTime: Infinity, gcTime: Infinity }));
}

export interface DomainGroup {
  domain: IndicatorDomain;
  inputs: Indicator[];
  derived: Indicator[];
}

/** The indicators that apply to a school, grouped by domain in catalogue order. */
export function groupsFor(catalogue: Catalogue, school: School): DomainGroup[] {
  return DOMAINS.map((domain) => {
    const own = catalogue.indicators.filter((i) => i.domain === domain && applies(i, school));
    return { domain, inputs: own.filter((i) => i.kind !== 'derived'), derived: own.filter((i) => i.kind === 'derived') };
  }).filter((g) => g.inputs.length + g.derived.length > 0);
}

/** A derived indicator computed from a set of values (last year's, which the server does not derive). */
export function derive(indicator: Indicator, values: Record<string, unknown> | null, school: School, period: Period): number | null {
  if (!indicator.formula || !values) return null;
  return evaluateFormula(indicator.formula, reportInputs(values, school), period);
}

/** Shows a stored value the way the catalogue describes it: numbers grouped, yes/no, option labels, dates. */
export function useFormatValue(catalogue: Catalogue | undefined) {
  const { t } = useTranslation();
  const label = useLabel();
  const locale = useLocale();
  const unit = (indicator: Indicator) => (catalogue ? label(catalogue.units[indicator.unit]) : '');
  const value = (indicator: Indicator, v: unknown): string => {
    if (v === null || v === undefined || v === '') return t('common.empty');
    if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
    if (typeof v === 'number') return v.toLocaleString(locale, { maximumFractionDigits: indicator.valueType === 'integer' ? 0 : 2 });
    const option = indicator.options?.find((o) => o.value === v);
    return option ? label(option.label) : String(v);
  };
  return {
    unit,
    value,
    /** The value with its unit, for read-only tables. */
    withUnit: (indicator: Indicator, v: unknown) => {
      const text = value(indicator, v);
      const u = unit(indicator);
      return text === t('common.empty') || !u || typeof v !== 'number' ? text : `${text} ${u}`;
    },
    change: (current: unknown, previous: unknown): number | null =>
      typeof current === 'number' && typeof previous === 'number' && previous !== 0 ? ((current - previous) / previous) * 100 : null,
  };
}
