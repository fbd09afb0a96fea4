import { Alert, Badge, Checkbox, Group, Paper, Progress, SimpleGrid, Stack, Table, Tabs, Text, Title, UnstyledButton } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLabel } from '../../i18n/labels';
import { MetBadge } from '../../shared/analytics/MetBadge';
import { TrendChart } from '../../shared/analytics/TrendChart';
import { changeColor, useFigures } from '../../shared/analytics/format';
import { QuarterSelect, YearSelect } from '../../shared/analytics/pickers';
import { useCatalogue } from '../../shared/catalogue';
import { ChooseCounty, useCounty } from '../../shared/county';
import { usePeriodLabel } from '../../shared/periods';
import { useTRPC, type Catalogue, type Overview } from '../../shared/trpc';
import { QueryState } from '../../shared/ui/Loading';
import { PageHeader } from '../../shared/ui/PageHeader';
import { CountyComparison } from './CountyComparison';

type Domain = Overview['domains'][number];
type Figure = Domain['figures'][number];

const STATUS_COLORS = ['#1c7ed6', '#2f9e44', '#f08c00', '#c92a2a', '#868e96', '#7048e8'];

function TargetCards({ overview, catalogue }: { overview: Overview; catalogue: Catalogue }) {
  const { t } = useTranslation();
  const figures = useFigures(catalogue);
  const checks = overview.domains.flatMap((d) => d.figures.flatMap((f) => f.targets.map((c) => ({ ...c, indicator: f.indicator }))));
  if (!checks.length) return <Alert color="gray">{t('overview.noTargets')}</Alert>;
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="xs">
      {checks.map((c) => (
        <Paper
          key={c.id}
          p="xs"
          withBorder
          style={{ borderLeft: `4px solid var(--mantine-color-${c.met === true ? 'teal' : c.met === false ? 'red' : 'gray'}-6)` }}
        >
          <Group justify="space-between" wrap="nowrap" align="flex-start">
            <Text size="sm" fw={500}>
              {c.label}
            </Text>
            <MetBadge met={c.met} />
          </Group>
          <Text size="xs" c="dimmed" mt={2}>
            {c.kind === 'each_school'
              ? t('overview.schoolsNotMet', { count: c.schoolsNotMet ?? 0, schools: c.schools })
              : t('overview.actual', {
                  value:
                    c.actual === null
                      ? t('common.empty')
                      : c.measure === 'change_percent' || c.measure === 'status_share'
                        ? `${figures.number(Number(c.actual), 1)}%`
                        : c.measure === 'status_count'
                          ? t('analytics.schoolsCount', { count: Number(c.actual) })
                          : figures.value(c.indicator, c.actual),
                })}
            {t('common.listSeparator')}
            {t('overview.reported', { reported: c.reported, schools: c.schools })}
          </Text>
        </Paper>
      ))}
    </SimpleGrid>
  );
}

function Completeness({ overview }: { overview: Overview }) {
  const { t } = useTranslation();
  const periodLabel = usePeriodLabel();
  return (
    <Stack gap={6}>
      {overview.completeness.map((c) => (
        <div key={c.period}>
          <Group justify="space-between">
            <Text size="xs">{periodLabel(c.period)}</Text>
            <Text size="xs" c="dimmed">
              {t('overview.completenessLine', {
                approved: c.approved,
                submitted: c.submitted,
                inProgress: c.inProgress,
                missing: c.missing,
                schools: c.schools,
              })}
            </Text>
          </Group>
          <Progress.Root size="lg" aria-label={`${periodLabel(c.period)} ${t('overview.completeness')}`}>
            <Progress.Section value={(c.approved / Math.max(1, c.schools)) * 100} color="teal" />
            <Progress.Section value={(c.submitted / Math.max(1, c.schools)) * 100} color="blue" />
            <Progress.Section value={(c.inProgress / Math.max(1, c.schools)) * 100} color="yellow" />
            <Progress.Section value={(c.missing / Math.max(1, c.schools)) * 100} color="gray.4" />
          </Progress.Root>
        </div>
      ))}
    </Stack>
  );
}

/** The chart of one figure over 12 quarters: a line for a number, a line per value for a status. */
function FigureTrend({ figure, catalogue }: { figure: Figure; catalogue: Catalogue }) {
  const { t } = useTranslation();
  const label = useLabel();
  const figures = useFigures(catalogue);
  const ind = figures.find(figure.indicator);
  const target = figure.targets.find((c) => c.measure === 'value' && typeof c.value === 'number');
  if (figure.figure.type === 'number') {
    const points = figure.trend.map((p) => ({ period: p.period, value: 'value' in p ? p.value : null }));
    return (
      <TrendChart
        title={t('overview.trendTitle', { name: figures.name(figure.indicator) })}
        unit={figures.unit(ind)}
        points={points}
        series={[{ key: 'value', name: t('overview.countyFigure'), color: '#1c4f8a' }]}
        format={(v) => figures.number(v, ind?.unit === 'percent' ? 1 : 2)}
        target={
          target ? { value: Number(target.value), label: t('overview.targetLine', { value: figures.value(figure.indicator, Number(target.value)) }) } : null
        }
      />
    );
  }
  const keys = [...new Set(figure.trend.flatMap((p) => ('counts' in p ? Object.keys(p.counts) : [])))];
  const name = (k: string) =>
    ind?.valueType === 'boolean'
      ? k === 'true'
        ? t('common.yes')
        : t('common.no')
      : ind?.options?.find((o) => o.value === k)
        ? label(ind.options.find((o) => o.value === k)!.label)
        : k;
  const points = figure.trend.map((p) => ({
    period: p.period,
    ...Object.fromEntries(keys.map((k) => [k, 'counts' in p ? (p.counts[k] ?? 0) : null])),
  }));
  return (
    <TrendChart
      title={t('overview.trendStatusTitle', { name: figures.name(figure.indicator) })}
      unit={t('analytics.schoolsUnit')}
      points={points}
      series={keys.map((k, i) => ({ key: k, name: name(k), color: STATUS_COLORS[i % STATUS_COLORS.length]! }))}
      format={(v) => figures.number(v, 0)}
    />
  );
}

function DomainPanel({ domain, catalogue }: { domain: Domain; catalogue: Catalogue }) {
  const { t } = useTranslation();
  const figures = useFigures(catalogue);
  const initial =
    domain.figures.find((f) => f.targets.length > 0) ?? domain.figures.find((f) => figures.find(f.indicator)?.kind === 'derived') ?? domain.figures[0];
  const [selected, setSelected] = useState(initial?.indicator ?? null);
  const figure = domain.figures.find((f) => f.indicator === selected) ?? initial;
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="sm" mt="sm">
      <Paper p={0}>
        <Table highlightOnHover verticalSpacing={4} fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('analytics.indicator')}</Table.Th>
              <Table.Th ta="right">{t('overview.figure')}</Table.Th>
              <Table.Th ta="right">{t('analytics.changeOnLastYear')}</Table.Th>
              <Table.Th>{t('overview.targets')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {domain.figures.map((f) => (
              <Table.Tr key={f.indicator} bg={f.indicator === figure?.indicator ? 'blue.0' : undefined}>
                <Table.Td>
                  <UnstyledButton
                    fz="sm"
                    c="blue.8"
                    onClick={() => setSelected(f.indicator)}
                    aria-label={t('overview.showTrend', { name: figures.name(f.indicator) })}
                  >
                    {figures.name(f.indicator)}
                  </UnstyledButton>
                </Table.Td>
                <Table.Td ta="right" fw={500}>
                  {figures.figure(f.indicator, f.figure)}
                </Table.Td>
                <Table.Td ta="right" c={changeColor(figures.find(f.indicator), f.change)} style={{ whiteSpace: 'nowrap' }}>
                  {figures.change(f.indicator, f.change)}
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {f.targets.map((c) => (
                      <Group key={c.id} gap={4} wrap="nowrap">
                        <MetBadge met={c.met} size="xs" />
                        <Text size="xs" c="dimmed">
                          {c.label}
                        </Text>
                      </Group>
                    ))}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      {figure && <FigureTrend key={figure.indicator} figure={figure} catalogue={catalogue} />}
    </SimpleGrid>
  );
}

/** The bureau's dashboard: targets met or not, completeness, and each domain's figures with 12-quarter trends. */
export function OverviewPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const label = useLabel();
  const periodLabel = usePeriodLabel();
  const { countyId, county, selectable } = useCounty();
  const catalogue = useCatalogue();
  const [year, setYear] = useState(new Date().getFullYear());
  const [quarter, setQuarter] = useState<0 | 1 | 2 | 3 | 4>(0);
  const [includeSubmitted, setIncludeSubmitted] = useState(false);
  const input = useMemo(
    () => ({ countyId: countyId ?? 0, year, ...(quarter ? { quarter } : {}), includeSubmitted }),
    [countyId, year, quarter, includeSubmitted],
  );
  const overview = useQuery(
    trpc.analytics.overview.queryOptions(input as Parameters<typeof trpc.analytics.overview.queryOptions>[0], { enabled: countyId !== null }),
  );

  if (countyId === null) return <ChooseCounty />;
  return (
    <>
      <PageHeader
        title={t('overview.heading', { county: county?.name ?? '' })}
        description={t('overview.intro')}
        actions={
          <Group align="flex-end">
            <YearSelect value={year} onChange={setYear} />
            <QuarterSelect value={quarter} onChange={setQuarter} />
            <Checkbox
              label={t('analytics.includeSubmitted')}
              checked={includeSubmitted}
              onChange={(e) => setIncludeSubmitted(e.currentTarget.checked)}
              mb={8}
            />
          </Group>
        }
      />
      <QueryState query={overview}>
        {(data) =>
          !catalogue.data ? null : (
            <Stack gap="md">
              <Text size="sm" c="dimmed">
                {data.window.length
                  ? t('overview.window', { from: periodLabel(data.window[0]!), to: periodLabel(data.window.at(-1)!), schools: data.schools })
                  : t('overview.noWindow')}
                {data.includeSubmitted ? t('overview.withSubmitted') : t('overview.approvedOnly')}
              </Text>
              <SimpleGrid cols={{ base: 1, md: 3 }} spacing="sm">
                <Paper p="sm" style={{ gridColumn: 'span 2' }}>
                  <Group justify="space-between" mb="xs">
                    <Title order={4}>{t('overview.targetsHeading')}</Title>
                    <Group gap={6}>
                      <Badge color="teal" variant="light">
                        {t('overview.metCount', { count: data.targets.met })}
                      </Badge>
                      <Badge color="red" variant="light">
                        {t('overview.notMetCount', { count: data.targets.notMet })}
                      </Badge>
                      <Badge color="gray" variant="light">
                        {t('overview.pendingCount', { count: data.targets.pending })}
                      </Badge>
                    </Group>
                  </Group>
                  <TargetCards overview={data} catalogue={catalogue.data} />
                </Paper>
                <Paper p="sm">
                  <Title order={4} mb="xs">
                    {t('overview.completeness')}
                  </Title>
                  <Completeness overview={data} />
                </Paper>
              </SimpleGrid>
              <Tabs defaultValue={data.domains.find((d) => d.domain === 'insurance')?.domain ?? data.domains[0]?.domain} keepMounted={false}>
                <Tabs.List>
                  {data.domains.map((d) => (
                    <Tabs.Tab key={d.domain} value={d.domain}>
                      {label(d.label)}
                    </Tabs.Tab>
                  ))}
                </Tabs.List>
                {data.domains.map((d) => (
                  <Tabs.Panel key={d.domain} value={d.domain}>
                    <DomainPanel domain={d} catalogue={catalogue.data!} />
                  </Tabs.Panel>
                ))}
              </Tabs>
              {selectable && <CountyComparison catalogue={catalogue.data} year={year} quarter={quarter} includeSubmitted={includeSubmitted} />}
            </Stack>
          )
        }
      </QueryState>
    </>
  );
}
