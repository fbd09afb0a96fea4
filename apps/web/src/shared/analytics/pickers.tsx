import { Select, type SelectProps } from '@mantine/core';
import { DOMAINS } from '@oversight/domain';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useLabel } from '../../i18n/labels';
import type { Catalogue, Indicator } from '../trpc';

/** Years an officer looks at: this one and the three before. */
export function recentYears(now = new Date()): number[] {
  const y = now.getFullYear();
  return [y, y - 1, y - 2, y - 3];
}

export function YearSelect({
  value,
  onChange,
  years = recentYears(),
  ...rest
}: { value: number; onChange: (year: number) => void; years?: number[] } & Omit<SelectProps, 'value' | 'onChange' | 'data'>) {
  const { t } = useTranslation();
  return (
    <Select
      label={t('analytics.year')}
      w={120}
      allowDeselect={false}
      data={years.map((y) => ({ value: String(y), label: t('analytics.yearLabel', { year: y }) }))}
      value={String(value)}
      onChange={(v) => v && onChange(Number(v))}
      {...rest}
    />
  );
}

/** A quarter of the year, or (0) the year so far. */
export function QuarterSelect({ value, onChange }: { value: 0 | 1 | 2 | 3 | 4; onChange: (q: 0 | 1 | 2 | 3 | 4) => void }) {
  const { t } = useTranslation();
  return (
    <Select
      label={t('analytics.window')}
      w={170}
      allowDeselect={false}
      data={[
        { value: '0', label: t('analytics.yearToDate') },
        ...[1, 2, 3, 4].map((q) => ({ value: String(q), label: t(`analytics.quarter${q as 1 | 2 | 3 | 4}`) })),
      ]}
      value={String(value)}
      onChange={(v) => v !== null && onChange(Number(v) as 0 | 1 | 2 | 3 | 4)}
    />
  );
}

/** Catalogue indicators grouped by domain, in catalogue order; `only` narrows the list (e.g. rankable ones). */
export function IndicatorSelect({
  catalogue,
  value,
  onChange,
  only = (i) => i.valueType !== 'date' && i.kind !== 'note',
  ...rest
}: { catalogue: Catalogue; value: string | null; onChange: (code: string) => void; only?: (i: Indicator) => boolean } & Omit<
  SelectProps,
  'value' | 'onChange' | 'data'
>) {
  const { t } = useTranslation();
  const label = useLabel();
  const data = useMemo(
    () =>
      DOMAINS.map((d) => ({
        group: label(catalogue.domains[d]),
        items: catalogue.indicators.filter((i) => i.domain === d && only(i)).map((i) => ({ value: i.code, label: label(i.name) })),
      })).filter((g) => g.items.length > 0),
    [catalogue, label, only],
  );
  return (
    <Select
      label={t('analytics.indicator')}
      searchable
      allowDeselect={false}
      nothingFoundMessage={t('common.noRecords')}
      maxDropdownHeight={360}
      w={260}
      data={data}
      value={value}
      onChange={(v) => v && onChange(v)}
      {...rest}
    />
  );
}
