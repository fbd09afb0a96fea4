import { shiftPeriod, type Period } from '@oversight/domain';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { TrendChart } from '../../shared/analytics/TrendChart';
import { useFigures } from '../../shared/analytics/format';
import { useTRPC, type Catalogue, type Standing } from '../../shared/trpc';
import { QueryState } from '../../shared/ui/Loading';

/** One indicator of a school over 12 quarters against the county median (no other school's figure) and its target. */
export function SchoolTrend({ schoolId, standing, end, catalogue }: { schoolId: number; standing: Standing; end: Period; catalogue: Catalogue }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const figures = useFigures(catalogue);
  const ind = figures.find(standing.indicator);
  const trend = useQuery(trpc.analytics.trend.queryOptions({ schoolId, indicator: standing.indicator, from: shiftPeriod(end, -11), to: end }));
  const target = standing.target && standing.target.measure === 'value' && typeof standing.target.value === 'number' ? standing.target.value : null;
  return (
    <QueryState query={trend}>
      {(data) => (
        <TrendChart
          title={t('schoolView.trendTitle', { name: figures.name(standing.indicator) })}
          unit={figures.unit(ind)}
          points={data.points.map((p) => ({ period: p.period, own: typeof p.value === 'number' ? p.value : null, median: p.countyMedian }))}
          series={[
            { key: 'own', name: t('schoolView.own'), color: '#1c4f8a' },
            { key: 'median', name: t('schoolView.countyMedian'), color: '#868e96', dashed: true },
          ]}
          format={(v) => figures.number(v, ind?.unit === 'percent' ? 1 : 2)}
          target={target !== null ? { value: target, label: t('overview.targetLine', { value: figures.value(standing.indicator, target) }) } : null}
          height={240}
        />
      )}
    </QueryState>
  );
}
