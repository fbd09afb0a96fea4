import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useTranslation } from 'react-i18next';
import { usePeriodLabel, usePeriodLines } from '../periods';
import { ChartCard } from './ChartCard';

export interface TrendSeries {
  key: string;
  name: string;
  color: string;
  dashed?: boolean;
}

/**
 * Quarter by quarter (12 quarters: 12 marks per series), with a unit on the axis, a tooltip in words and an
 * optional target line; the same numbers as a table one click away.
 */
export function TrendChart({
  title,
  unit,
  points,
  series,
  format,
  target,
  height = 220,
}: {
  title: string;
  unit: string;
  points: ({ period: string } & Record<string, number | null | string>)[];
  series: TrendSeries[];
  format: (v: number) => string;
  target?: { value: number; label: string } | null;
  height?: number;
}) {
  const { t } = useTranslation();
  const periodLabel = usePeriodLabel();
  const periodLines = usePeriodLines();
  const show = (v: unknown) => (typeof v === 'number' ? format(v) : t('common.empty'));
  return (
    <ChartCard
      title={title}
      note={unit ? t('analytics.unitNote', { unit }) : undefined}
      height={height}
      table={{
        columns: [t('analytics.period'), ...series.map((s) => s.name)],
        rows: points.map((p) => [periodLabel(p.period), ...series.map((s) => show(p[s.key]))]),
      }}
    >
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={points} margin={{ top: 8, right: 16, bottom: 4, left: 4 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
          <XAxis dataKey="period" tickFormatter={(p: string) => periodLines(p).join('')} tick={{ fontSize: 11 }} interval="preserveStartEnd" />
          <YAxis tick={{ fontSize: 11 }} width={56} tickFormatter={(v: number) => format(v)} />
          <Tooltip
            labelFormatter={(p) => periodLabel(String(p))}
            formatter={(v, name) => [`${show(v)}${unit && unit !== '%' ? ` ${unit}` : unit === '%' ? '%' : ''}`, name]}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {target && (
            <ReferenceLine
              y={target.value}
              stroke="#c92a2a"
              strokeDasharray="6 3"
              label={{ value: target.label, position: 'insideTopRight', fontSize: 11, fill: '#c92a2a' }}
            />
          )}
          {series.map((s) => (
            <Line
              key={s.key}
              type="monotone"
              dataKey={s.key}
              name={s.name}
              stroke={s.color}
              strokeWidth={2}
              strokeDasharray={s.dashed ? '4 3' : undefined}
              dot={{ r: 2 }}
              connectNulls
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}
