import { useTranslation } from 'react-i18next';
import { CartesianGrid, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartCard } from '../../shared/analytics/ChartCard';
import type { Ranking } from '../../shared/trpc';

/** No chart draws more than this many marks; larger groups are thinned evenly (the table keeps every school). */
export const MAX_MARKS = 1000;

/** Evenly spaced items of a list, at most `max` (first and last kept). */
export function thin<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  return Array.from({ length: max }, (_, i) => items[Math.round((i * (items.length - 1)) / (max - 1))]!);
}

interface Mark {
  position: number;
  value: number;
  name: string;
  met: boolean | null;
}

/** Every school's value as a dot, lowest to highest, with the county median and the target as lines. */
export function DistributionChart({ ranking, unit, format, name }: { ranking: Ranking; unit: string; format: (v: number) => string; name: string }) {
  const { t } = useTranslation();
  const sorted = ranking.rows
    .flatMap((r) => (typeof r.value === 'number' ? [{ value: r.value, name: r.name, met: r.met }] : []))
    .sort((a, b) => a.value - b.value);
  const marks: Mark[] = thin(sorted, MAX_MARKS).map((m, i) => ({ ...m, position: i + 1 }));
  const median = ranking.distribution?.median ?? null;
  const groups = [
    { key: 'met', color: '#2f9e44', data: marks.filter((m) => m.met === true) },
    { key: 'notMet', color: '#e03131', data: marks.filter((m) => m.met === false) },
    { key: 'none', color: '#1c4f8a', data: marks.filter((m) => m.met === null) },
  ];
  return (
    <ChartCard
      title={t('league.distributionTitle', { name })}
      note={[unit ? t('analytics.unitNote', { unit }) : '', sorted.length > MAX_MARKS ? t('league.thinned', { shown: MAX_MARKS, total: sorted.length }) : '']
        .filter(Boolean)
        .join(' · ')}
      height={280}
      table={{
        columns: [t('league.statistic'), t('league.valueColumn')],
        rows: ranking.distribution
          ? [
              [t('league.min'), format(ranking.distribution.min)],
              [t('league.q1'), format(ranking.distribution.q1)],
              [t('league.median'), format(ranking.distribution.median)],
              [t('league.q3'), format(ranking.distribution.q3)],
              [t('league.max'), format(ranking.distribution.max)],
              ...(ranking.targetLine !== null ? [[t('league.target'), format(ranking.targetLine)]] : []),
            ]
          : [],
      }}
    >
      <ResponsiveContainer width="100%" height="100%">
        <ScatterChart margin={{ top: 12, right: 24, bottom: 8, left: 4 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
          <XAxis
            type="number"
            dataKey="position"
            name={t('league.position')}
            domain={[0, marks.length + 1]}
            tick={{ fontSize: 11 }}
            label={{ value: t('league.positionAxis'), position: 'insideBottomRight', offset: -4, fontSize: 11 }}
          />
          <YAxis type="number" dataKey="value" name={name} tick={{ fontSize: 11 }} width={60} tickFormatter={format} />
          <Tooltip
            cursor={{ strokeDasharray: '3 3' }}
            content={({ payload }) => {
              const m = payload?.[0]?.payload as Mark | undefined;
              return m ? (
                <div style={{ background: 'white', border: '1px solid #ced4da', padding: '4px 8px', fontSize: 12 }}>
                  <div>{m.name}</div>
                  <div>
                    {format(m.value)}
                    {unit && unit !== '%' ? ` ${unit}` : ''}
                    {m.met === true ? ` · ${t('analytics.met')}` : m.met === false ? ` · ${t('analytics.notMet')}` : ''}
                  </div>
                </div>
              ) : null;
            }}
          />
          {median !== null && (
            <ReferenceLine
              y={median}
              stroke="#495057"
              strokeDasharray="4 4"
              label={{ value: t('league.medianLine', { value: format(median) }), position: 'insideTopLeft', fontSize: 11 }}
            />
          )}
          {ranking.targetLine !== null && (
            <ReferenceLine
              y={ranking.targetLine}
              stroke="#c92a2a"
              strokeDasharray="6 3"
              label={{ value: t('league.targetLine', { value: format(ranking.targetLine) }), position: 'insideBottomRight', fontSize: 11, fill: '#c92a2a' }}
            />
          )}
          {groups.map((g) => g.data.length > 0 && <Scatter key={g.key} data={g.data} fill={g.color} isAnimationActive={false} r={3} />)}
        </ScatterChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}
