import { Anchor, Badge, Checkbox, Group, List, Paper, Select, SimpleGrid, Switch, Text, Title, Tooltip } from '@mantine/core';
import { isAdjustedIndicator, LOCATIONS, LOCATION_LABELS, SCHOOL_TYPES, SCHOOL_TYPE_LABELS, type Location, type SchoolType } from '@oversight/domain';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLabel } from '../../i18n/labels';
import { BandBadge, MetBadge } from '../../shared/analytics/MetBadge';
import { changeColor, useFigures } from '../../shared/analytics/format';
import { IndicatorSelect, QuarterSelect, YearSelect } from '../../shared/analytics/pickers';
import { useCatalogue } from '../../shared/catalogue';
import { ChooseCounty, useCounty } from '../../shared/county';
import { Link } from '../../shared/navigation';
import { useSortedPages } from '../../shared/table';
import { useTRPC, type RankingRow } from '../../shared/trpc';
import { ExportButton } from '../../shared/ui/ExportButton';
import { FilterBar, SearchInput } from '../../shared/ui/ListFilters';
import { ListTable } from '../../shared/ui/ListTable';
import { QueryError } from '../../shared/ui/Loading';
import { PageHeader } from '../../shared/ui/PageHeader';
import { DistributionChart } from './DistributionChart';
import { ModelPanel } from './ModelPanel';

const FURTHEST = 10;

/** Schools ranked on any indicator, within the county or a peer group, with targets, quartile bands and the distribution. */
export function LeaguePage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const label = useLabel();
  const { countyId } = useCounty();
  const catalogue = useCatalogue();
  const figures = useFigures(catalogue.data);
  const [indicator, setIndicator] = useState('accident_rate');
  const [year, setYear] = useState(new Date().getFullYear());
  const [quarter, setQuarter] = useState<0 | 1 | 2 | 3 | 4>(0);
  const [type, setType] = useState<SchoolType | null>(null);
  const [location, setLocation] = useState<Location | null>(null);
  const [includeSubmitted, setIncludeSubmitted] = useState(false);
  const [search, setSearch] = useState('');
  const [onlyNotMet, setOnlyNotMet] = useState(false);
  const [adjustedChoice, setAdjusted] = useState(false);
  // The fair comparison is made for electricity, water and energy, over the year so far.
  const adjusted = adjustedChoice && isAdjustedIndicator(indicator);
  const peerGroup = { ...(type ? { type } : {}), ...(location ? { location } : {}) };
  const ranking = useQuery(
    trpc.analytics.ranking.queryOptions(
      {
        countyId: countyId ?? 0,
        indicator,
        year,
        ...(quarter && !adjusted ? { quarter } : {}),
        includeSubmitted,
        ...(type || location ? { peerGroup } : {}),
        ...(adjusted ? { adjusted: true, sortBy: 'score' as const } : {}),
      },
      { enabled: countyId !== null, placeholderData: (previous) => previous },
    ),
  );
  const ind = figures.find(indicator);
  const exportQuery = new URLSearchParams({
    countyId: String(countyId ?? 0),
    indicator,
    year: String(year),
    ...(quarter ? { quarter: String(quarter) } : {}),
    ...(type ? { type } : {}),
    ...(location ? { location } : {}),
    ...(includeSubmitted ? { includeSubmitted: '1' } : {}),
  }).toString();
  const rows = useMemo(() => {
    const needle = search.trim();
    return (ranking.data?.rows ?? []).filter((r) => (!needle || r.name.includes(needle) || r.code.includes(needle)) && (!onlyNotMet || r.met === false));
  }, [ranking.data, search, onlyNotMet]);
  const { tableProps, setSortStatus } = useSortedPages<RankingRow>(
    rows,
    { columnAccessor: 'rank', direction: 'asc' },
    {
      pageSize: 25,
      sortValue: (r, column) =>
        column === 'change'
          ? (r.change?.percent ?? r.change?.difference ?? null)
          : column === 'met'
            ? r.met === null
              ? null
              : Number(r.met)
            : (r as unknown as Record<string, unknown>)[column],
    },
  );
  const furthest = (ranking.data?.rows ?? [])
    .filter((r) => r.met === false && r.shortfall !== null)
    .sort((a, b) => (b.shortfall ?? 0) - (a.shortfall ?? 0))
    .slice(0, FURTHEST);
  const format = (v: number) => figures.number(v, ind?.unit === 'percent' ? 1 : 2);
  const chooseAdjusted = (on: boolean) => {
    setAdjusted(on);
    setSortStatus(on ? { columnAccessor: 'score', direction: 'desc' } : { columnAccessor: 'rank', direction: 'asc' });
  };
  const adjustedColumns = adjusted
    ? [
        {
          accessor: 'expected',
          title: t('fair.expected'),
          sortable: true,
          textAlign: 'right' as const,
          render: (r: RankingRow) => (r.expected == null ? t('common.empty') : figures.value(indicator, r.expected)),
        },
        {
          accessor: 'actualToExpected',
          title: t('fair.ratio'),
          sortable: true,
          textAlign: 'right' as const,
          render: (r: RankingRow) => (r.actualToExpected == null ? t('common.empty') : figures.number(r.actualToExpected, 2)),
        },
        {
          accessor: 'score',
          title: t('fair.score'),
          sortable: true,
          textAlign: 'right' as const,
          render: (r: RankingRow) => (
            <Group gap={4} justify="flex-end" wrap="nowrap">
              {r.outlier && (
                <Tooltip label={t('fair.outlierHint')} multiline w={240}>
                  <Badge color="orange" variant="light" size="xs">
                    {t('fair.outlier')}
                  </Badge>
                </Tooltip>
              )}
              {r.score == null ? (
                <Tooltip label={r.scoreReason ?? ''} multiline w={240} disabled={!r.scoreReason}>
                  <Text size="sm" c="dimmed" data-testid="score-none">
                    {t('fair.noScore')}
                  </Text>
                </Tooltip>
              ) : (
                <Text size="sm" fw={600} data-testid="score">
                  {r.score}
                </Text>
              )}
            </Group>
          ),
        },
      ]
    : [];

  if (countyId === null) return <ChooseCounty />;
  return (
    <>
      <PageHeader title={t('league.heading')} description={t('league.intro')} />
      <Paper p="sm" mb="sm">
        <Group gap="sm" align="flex-end">
          {catalogue.data && <IndicatorSelect catalogue={catalogue.data} value={indicator} onChange={setIndicator} />}
          <YearSelect value={year} onChange={setYear} />
          <QuarterSelect value={adjusted ? 0 : quarter} onChange={setQuarter} disabled={adjusted} />
          <Select
            label={t('league.peerType')}
            placeholder={t('league.allTypes')}
            clearable
            w={150}
            data={SCHOOL_TYPES.map((s) => ({ value: s, label: label(SCHOOL_TYPE_LABELS[s]) }))}
            value={type}
            onChange={(v) => setType(v as SchoolType | null)}
          />
          <Select
            label={t('league.peerLocation')}
            placeholder={t('league.allLocations')}
            clearable
            w={130}
            data={LOCATIONS.map((s) => ({ value: s, label: label(LOCATION_LABELS[s]) }))}
            value={location}
            onChange={(v) => setLocation(v as Location | null)}
          />
          <Checkbox label={t('analytics.includeSubmitted')} checked={includeSubmitted} onChange={(e) => setIncludeSubmitted(e.currentTarget.checked)} mb={8} />
          {isAdjustedIndicator(indicator) && (
            <Tooltip label={t('fair.adjustedHint')} multiline w={280}>
              <Switch label={t('fair.adjusted')} checked={adjusted} onChange={(e) => chooseAdjusted(e.currentTarget.checked)} mb={8} />
            </Tooltip>
          )}
          <ExportButton href={`/api/export/ranking.xlsx?${exportQuery}`} />
        </Group>
      </Paper>
      <QueryError query={ranking} />
      {adjusted && countyId !== null && isAdjustedIndicator(indicator) && <ModelPanel countyId={countyId} year={year} indicator={indicator} />}
      {ranking.data && (
        <SimpleGrid cols={{ base: 1, lg: 3 }} spacing="sm" mb="sm">
          <div style={{ gridColumn: 'span 2' }}>
            <DistributionChart ranking={ranking.data} unit={figures.unit(ind)} format={format} name={figures.name(indicator)} />
          </div>
          <Paper p="sm">
            <Title order={5} mb={4}>
              {t('league.summaryHeading')}
            </Title>
            <Text size="sm">{t('league.countyFigure', { value: figures.figure(indicator, ranking.data.figure) })}</Text>
            <Text size="sm" c="dimmed" mb="sm">
              {t('league.reported', { reported: ranking.data.reported, schools: ranking.data.schools })}
            </Text>
            <Title order={5} mb={4}>
              {t('league.furthestHeading')}
            </Title>
            {furthest.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t('league.noneMissing')}
              </Text>
            ) : (
              <List size="sm" type="ordered" spacing={2}>
                {furthest.map((r) => (
                  <List.Item key={r.schoolId}>
                    <Anchor component={Link} to={`/profile/${r.schoolId}`} size="sm">
                      {r.name}
                    </Anchor>
                    {t('common.colon')}
                    {figures.value(indicator, r.value)}
                    {t('common.parenthesized', { text: t('targets.shortfall', { value: format(r.shortfall!) }) })}
                  </List.Item>
                ))}
              </List>
            )}
          </Paper>
        </SimpleGrid>
      )}
      <FilterBar mb="xs">
        <SearchInput placeholder={t('schools.searchPlaceholder')} value={search} onChange={setSearch} w={240} />
        <Checkbox label={t('league.onlyNotMet')} checked={onlyNotMet} onChange={(e) => setOnlyNotMet(e.currentTarget.checked)} />
        <Text size="xs" c="dimmed">
          {t('league.bandNote', { direction: ranking.data?.better === 'lower' ? t('league.lowerBetter') : t('league.higherBetter') })}
        </Text>
      </FilterBar>
      <ListTable
        aria-label={t('league.heading')}
        minHeight={160}
        fetching={ranking.isFetching}
        {...tableProps}
        idAccessor="schoolId"
        columns={[
          { accessor: 'rank', title: t('league.rank'), sortable: true, width: 70, render: (r) => r.rank ?? t('common.empty') },
          { accessor: 'code', title: t('schools.code'), sortable: true, width: 120 },
          {
            accessor: 'name',
            title: t('completeness.school'),
            sortable: true,
            render: (r) => (
              <Anchor component={Link} to={`/profile/${r.schoolId}`} size="sm">
                {r.name}
              </Anchor>
            ),
          },
          { accessor: 'type', title: t('schools.type'), sortable: true, render: (r) => label(SCHOOL_TYPE_LABELS[r.type]) },
          { accessor: 'location', title: t('schools.location'), sortable: true, render: (r) => label(LOCATION_LABELS[r.location]) },
          { accessor: 'value', title: figures.name(indicator), sortable: true, textAlign: 'right', render: (r) => figures.value(indicator, r.value) },
          {
            accessor: 'change',
            title: t('analytics.changeOnLastYear'),
            sortable: true,
            textAlign: 'right',
            render: (r) => (
              <Text size="sm" c={changeColor(ind, r.change)}>
                {figures.change(indicator, r.change)}
              </Text>
            ),
          },
          { accessor: 'target', title: t('league.target'), render: (r) => <Text size="xs">{r.target?.label ?? t('common.empty')}</Text> },
          { accessor: 'met', title: t('league.met'), sortable: true, render: (r) => (r.target ? <MetBadge met={r.met} /> : null) },
          { accessor: 'band', title: t('league.band'), sortable: true, render: (r) => <BandBadge band={r.band} /> },
          ...adjustedColumns,
        ]}
      />
    </>
  );
}
