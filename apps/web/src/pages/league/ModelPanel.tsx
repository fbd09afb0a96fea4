import { Alert, Anchor, Button, Group, List, NumberInput, Paper, SimpleGrid, Text, Title } from '@mantine/core';
import { OVERSIGHT_ROLES } from '@oversight/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CartesianGrid, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { useLabel } from '../../i18n/labels';
import { ChartCard } from '../../shared/analytics/ChartCard';
import { useFigures } from '../../shared/analytics/format';
import { useCatalogue } from '../../shared/catalogue';
import { errorMessage, useNotify } from '../../shared/errors';
import { Link } from '../../shared/navigation';
import { usePeriodLabel } from '../../shared/periods';
import { useMe } from '../../shared/session';
import { useTRPC } from '../../shared/trpc';
import { QueryError } from '../../shared/ui/Loading';

type Adjusted = 'electricity_kwh' | 'water_m3' | 'energy_kgce';

/**
 * How the fair comparison's expectation is made, for the bureau: the characteristics' effects in words, how well the
 * model fits (R², the schools it rests on, actual against expected), the schools far outside it, and the county's
 * degree days.
 */
export function ModelPanel({ countyId, year, indicator }: { countyId: number; year: number; indicator: Adjusted }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const label = useLabel();
  const periodLabel = usePeriodLabel();
  const catalogue = useCatalogue();
  const figures = useFigures(catalogue.data);
  const model = useQuery(trpc.analytics.model.queryOptions({ countyId, year, indicator }, { placeholderData: (previous) => previous }));
  const name = figures.name(indicator);
  const unit = figures.unit(figures.find(indicator));
  const format = (v: number) => figures.number(v, 0);
  const data = model.data;
  const points = (data?.points ?? []).map((p) => ({ ...p, x: p.expected, y: p.actual }));
  const max = Math.max(1, ...points.flatMap((p) => [p.x, p.y]));
  const min = Math.max(1, Math.min(max, ...points.flatMap((p) => [p.x, p.y])));
  return (
    <Paper p="sm" mb="sm" data-testid="model-panel">
      <Title order={5} mb={4}>
        {t('fair.modelHeading')}
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        {t('fair.modelIntro')}
      </Text>
      <QueryError query={model} />
      {data && data.reason !== null && <Alert color="gray">{t('fair.noModel', { reason: data.reason })}</Alert>}
      {data && data.reason === null && (
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="sm">
          <div>
            <Text size="sm" mb={4} data-testid="model-rests-on">
              {t('fair.restsOn', {
                province: data.province.name,
                n: data.n,
                considered: data.considered,
                r2: figures.number(data.r2 ?? 0, 2),
                from: data.window[0] ? periodLabel(data.window[0]) : '',
                to: data.window.at(-1) ? periodLabel(data.window.at(-1)!) : '',
              })}{' '}
              {data.climate.hdd || data.climate.cdd ? t('fair.climateIn') : t('fair.climateOut')}
            </Text>
            <Title order={6} mb={4}>
              {t('fair.effects')}
            </Title>
            <List size="sm" spacing={2} mb="sm" data-testid="model-effects">
              {data.effects.map((e) => (
                <List.Item key={e.key}>{label(e.text)}</List.Item>
              ))}
            </List>
            <Title order={6} mb={4}>
              {t('fair.outliersHeading')}
            </Title>
            {data.outliers.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t('fair.noOutliers')}
              </Text>
            ) : (
              <List size="sm" spacing={2} data-testid="model-outliers">
                {data.outliers.map((o) => (
                  <List.Item key={o.schoolId}>
                    <Anchor component={Link} to={`/profile/${o.schoolId}`} size="sm">
                      {o.name}
                    </Anchor>
                    {t('common.colon')}
                    {t('fair.ratioText', { percent: figures.number(o.ratio * 100, 0) })}
                  </List.Item>
                ))}
              </List>
            )}
          </div>
          <ChartCard
            title={t('fair.scatterTitle', { name })}
            note={unit ? t('analytics.unitNote', { unit }) : undefined}
            height={280}
            table={{
              columns: [t('completeness.school'), t('fair.actual'), t('fair.expected'), t('fair.ratio')],
              rows: points.map((p) => [p.name, format(p.actual), format(p.expected), figures.number(p.ratio, 2)]),
            }}
          >
            <ResponsiveContainer width="100%" height="100%">
              <ScatterChart margin={{ top: 8, right: 16, bottom: 16, left: 8 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
                <XAxis
                  type="number"
                  dataKey="x"
                  name={t('fair.expected')}
                  scale="log"
                  domain={[min * 0.8, max * 1.2]}
                  tickFormatter={format}
                  tick={{ fontSize: 11 }}
                />
                <YAxis
                  type="number"
                  dataKey="y"
                  name={t('fair.actual')}
                  scale="log"
                  domain={[min * 0.8, max * 1.2]}
                  tickFormatter={format}
                  tick={{ fontSize: 11 }}
                  width={64}
                />
                <Tooltip
                  formatter={(v, n) => [format(Number(v)), n]}
                  labelFormatter={() => ''}
                  content={({ payload }) => {
                    const p = payload?.[0]?.payload as (typeof points)[number] | undefined;
                    return p ? (
                      <Paper p={6} shadow="xs">
                        <Text size="xs" fw={600}>
                          {p.name}
                        </Text>
                        <Text size="xs">
                          {t('fair.actual')} {format(p.actual)} · {t('fair.expected')} {format(p.expected)}
                        </Text>
                      </Paper>
                    ) : null;
                  }}
                />
                <ReferenceLine
                  segment={[
                    { x: min * 0.8, y: min * 0.8 },
                    { x: max * 1.2, y: max * 1.2 },
                  ]}
                  stroke="#868e96"
                  strokeDasharray="4 4"
                />
                <Scatter data={points.filter((p) => !p.outlier)} fill="#228be6" isAnimationActive={false} />
                <Scatter data={points.filter((p) => p.outlier)} fill="#fa5252" isAnimationActive={false} />
              </ScatterChart>
            </ResponsiveContainer>
          </ChartCard>
        </SimpleGrid>
      )}
      <DegreeDaysForm countyId={countyId} year={year} />
    </Paper>
  );
}

/** The county's heating and cooling degree days of the year (the bureau enters them; optional). */
function DegreeDaysForm({ countyId, year }: { countyId: number; year: number }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const me = useMe();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const days = useQuery(trpc.analytics.degreeDays.queryOptions({ countyId }));
  const own = days.data?.find((d) => d.year === year);
  const [hdd, setHdd] = useState<number | string>('');
  const [cdd, setCdd] = useState<number | string>('');
  useEffect(() => {
    setHdd(own?.hdd ?? '');
    setCdd(own?.cdd ?? '');
  }, [own?.hdd, own?.cdd]);
  const save = useMutation(
    trpc.analytics.setDegreeDays.mutationOptions({
      onSuccess: (row) => {
        void queryClient.invalidateQueries(trpc.analytics.pathFilter());
        notify.success(t('fair.degreeDaysSaved', { year: row.year }));
      },
    }),
  );
  if (!OVERSIGHT_ROLES.includes(me.role)) return null;
  return (
    <Group gap="xs" align="flex-end" mt="sm">
      <Text size="sm" c="dimmed" mb={6}>
        {t('fair.degreeDays')}（{year}）
      </Text>
      <NumberInput size="xs" w={130} label={t('fair.hdd')} min={0} max={10000} value={hdd} onChange={setHdd} />
      <NumberInput size="xs" w={130} label={t('fair.cdd')} min={0} max={5000} value={cdd} onChange={setCdd} />
      <Button
        size="xs"
        variant="light"
        loading={save.isPending}
        disabled={hdd === '' || cdd === ''}
        onClick={() => save.mutate({ countyId, year, hdd: Number(hdd), cdd: Number(cdd) })}
      >
        {t('fair.saveDegreeDays')}
      </Button>
      {save.error && (
        <Text size="xs" c="red">
          {errorMessage(save.error, t)}
        </Text>
      )}
    </Group>
  );
}
