import { Group, SegmentedControl, Text } from '@mantine/core';
import { ADJUSTED_INDICATORS } from '@oversight/domain';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartCard } from '../../shared/analytics/ChartCard';
import { useFigures } from '../../shared/analytics/format';
import { useCatalogue } from '../../shared/catalogue';
import { useTRPC } from '../../shared/trpc';

type Adjusted = (typeof ADJUSTED_INDICATORS)[number];

/** A school's actual use against what a school like it would use, year by year (each year by that year's model). */
export function ExpectationChart({ schoolId, year }: { schoolId: number; year: number }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const catalogue = useCatalogue();
  const figures = useFigures(catalogue.data);
  const [indicator, setIndicator] = useState<Adjusted>('electricity_kwh');
  const series = useQuery(trpc.analytics.schoolExpectations.queryOptions({ schoolId, toYear: year }, { placeholderData: (previous) => previous }));
  const rows = (series.data ?? []).filter((r) => r.indicator === indicator);
  const format = (v: number) => figures.number(v, 0);
  const show = (v: number | null) => (v === null ? t('common.empty') : format(v));
  const name = figures.name(indicator);
  const unit = figures.unit(figures.find(indicator));
  return (
    <div data-testid="expectation-chart">
      <Group justify="space-between" mb={4} wrap="wrap" gap="xs">
        <SegmentedControl
          size="xs"
          value={indicator}
          onChange={(v) => setIndicator(v as Adjusted)}
          data={ADJUSTED_INDICATORS.map((code) => ({ value: code, label: figures.name(code) }))}
        />
        <Text size="xs" c="dimmed">
          {t('fair.adjustedHint')}
        </Text>
      </Group>
      <ChartCard
        title={t('fair.profileTitle', { name })}
        note={unit ? t('analytics.unitNote', { unit }) : undefined}
        height={240}
        table={{
          columns: [t('analytics.year'), t('fair.actual'), t('fair.expected'), t('fair.ratio'), t('fair.score')],
          rows: rows.map((r) => [
            String(r.year),
            show(r.actual),
            show(r.expected),
            r.ratio === null ? t('common.empty') : figures.number(r.ratio, 2),
            r.score ?? r.reason ?? t('fair.noScore'),
          ]),
        }}
      >
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={rows.map((r) => ({ ...r, label: String(r.year) }))} margin={{ top: 8, right: 16, bottom: 4, left: 4 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
            <XAxis dataKey="label" tick={{ fontSize: 11 }} />
            <YAxis tick={{ fontSize: 11 }} width={64} tickFormatter={format} />
            <Tooltip formatter={(v, n) => [show(typeof v === 'number' ? v : null), n]} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Bar dataKey="actual" name={t('fair.actual')} fill="#228be6" isAnimationActive={false} />
            <Line dataKey="expected" name={t('fair.expected')} stroke="#f08c00" strokeWidth={2} dot isAnimationActive={false} connectNulls />
          </ComposedChart>
        </ResponsiveContainer>
      </ChartCard>
    </div>
  );
}
