import { Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartCard } from '../../shared/analytics/ChartCard';
import { MetBadge } from '../../shared/analytics/MetBadge';
import { changeColor, useFigures } from '../../shared/analytics/format';
import { IndicatorSelect } from '../../shared/analytics/pickers';
import { useTRPC, type Catalogue } from '../../shared/trpc';
import { QueryState } from '../../shared/ui/Loading';

/** County against county on one indicator, for city and province officers: ranked table and bars. */
export function CountyComparison({
  catalogue,
  year,
  quarter,
  includeSubmitted,
}: {
  catalogue: Catalogue;
  year: number;
  quarter: number;
  includeSubmitted: boolean;
}) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const figures = useFigures(catalogue);
  const [indicator, setIndicator] = useState('accident_rate');
  const compare = useQuery(
    trpc.analytics.compareCounties.queryOptions({ indicator, year, ...(quarter ? { quarter: quarter as 1 | 2 | 3 | 4 } : {}), includeSubmitted }),
  );
  const ind = figures.find(indicator);
  return (
    <Paper p="sm">
      <Group justify="space-between" align="flex-end" mb="sm">
        <Title order={4}>{t('overview.compareHeading')}</Title>
        <IndicatorSelect catalogue={catalogue} value={indicator} onChange={setIndicator} />
      </Group>
      <QueryState query={compare}>
        {(data) => {
          const numeric = data.counties.filter((c) => c.figure.type === 'number');
          return (
            <Stack gap="sm">
              <Table verticalSpacing={4} fz="sm" striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={60}>{t('league.rank')}</Table.Th>
                    <Table.Th>{t('overview.county')}</Table.Th>
                    <Table.Th ta="right">{figures.name(indicator)}</Table.Th>
                    <Table.Th ta="right">{t('analytics.changeOnLastYear')}</Table.Th>
                    <Table.Th>{t('overview.targets')}</Table.Th>
                    <Table.Th ta="right">{t('overview.reportsIn')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.counties.map((c) => (
                    <Table.Tr key={c.countyId}>
                      <Table.Td>{c.rank ?? t('common.empty')}</Table.Td>
                      <Table.Td>{c.name}</Table.Td>
                      <Table.Td ta="right" fw={500}>
                        {figures.figure(indicator, c.figure)}
                      </Table.Td>
                      <Table.Td ta="right" c={changeColor(ind, c.change)}>
                        {figures.change(indicator, c.change)}
                      </Table.Td>
                      <Table.Td>
                        {c.targets.map((x) => (
                          <Group key={x.id} gap={4} wrap="nowrap">
                            <MetBadge met={x.met} size="xs" />
                            <Text size="xs">{x.label}</Text>
                          </Group>
                        ))}
                      </Table.Td>
                      <Table.Td ta="right">
                        {c.completeness.reported}/{c.completeness.expected}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              {numeric.length > 0 && (
                <ChartCard
                  title={figures.name(indicator)}
                  note={figures.unit(ind) ? t('analytics.unitNote', { unit: figures.unit(ind) }) : undefined}
                  table={{ columns: [t('overview.county'), figures.name(indicator)], rows: numeric.map((c) => [c.name, figures.figure(indicator, c.figure)]) }}
                >
                  <ResponsiveContainer width="100%" height="100%">
                    <BarChart data={numeric.map((c) => ({ name: c.name, value: c.figure.type === 'number' ? c.figure.value : null }))}>
                      <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
                      <XAxis dataKey="name" tick={{ fontSize: 11 }} />
                      <YAxis tick={{ fontSize: 11 }} width={56} />
                      <Tooltip formatter={(v) => [figures.value(indicator, typeof v === 'number' ? v : null), figures.name(indicator)]} />
                      <Bar dataKey="value" fill="#1c4f8a" isAnimationActive={false} />
                    </BarChart>
                  </ResponsiveContainer>
                </ChartCard>
              )}
            </Stack>
          );
        }}
      </QueryState>
    </Paper>
  );
}
