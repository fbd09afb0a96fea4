import { Anchor, Badge, Button, Group, Select, Text } from '@mantine/core';
import { SCHOOL_TYPE_LABELS, type SchoolType } from '@oversight/domain';
import { IconChecks, IconInfoCircle } from '@tabler/icons-react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLabel } from '../../i18n/labels';
import { ChooseCounty, useCounty } from '../../shared/county';
import { useNotify } from '../../shared/errors';
import { Link, useNavigate } from '../../shared/navigation';
import { recentPeriods, reportingPeriod, useDateFormat, usePeriodLabel } from '../../shared/periods';
import { useSortedPages } from '../../shared/table';
import { useTRPC, type ReviewQueueItem as QueueItem } from '../../shared/trpc';
import { ExportButton } from '../../shared/ui/ExportButton';
import { FilterBar } from '../../shared/ui/ListFilters';
import { ListTable } from '../../shared/ui/ListTable';
import { QueryError } from '../../shared/ui/Loading';
import { PageHeader } from '../../shared/ui/PageHeader';

const clean = (item: QueueItem) => item.warnings === 0 && item.errors === 0;
const keyOf = (item: QueueItem) => `${item.schoolId}-${item.period}`;

/** Submitted reports awaiting review; clean ones can be approved together. */
export function ReviewQueuePage() {
  const { t } = useTranslation();
  const label = useLabel();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const navigate = useNavigate();
  const periodLabel = usePeriodLabel();
  const { dateTime } = useDateFormat();
  const { countyId } = useCounty();
  const [period, setPeriod] = useState<string | null>(null);
  const [selected, setSelected] = useState<QueueItem[]>([]);
  const queue = useQuery(
    trpc.reports.reviewQueue.queryOptions(
      { countyId: countyId ?? 0, period: period ?? undefined },
      { enabled: countyId !== null, placeholderData: keepPreviousData },
    ),
  );
  const { tableProps } = useSortedPages<QueueItem>(queue.data, { columnAccessor: 'submittedAt', direction: 'asc' });

  const approveMany = useMutation(
    trpc.reports.approveMany.mutationOptions({
      onSuccess: (result) => {
        setSelected([]);
        void queryClient.invalidateQueries(trpc.reports.pathFilter());
        notify.success(t('review.approveManyDone', { approved: result.approved }));
        const names = new Map((queue.data ?? []).map((i) => [`${i.schoolId}-${i.period}`, i.name]));
        for (const failure of result.results.filter((r) => !r.ok)) {
          notify.error(
            new Error(
              t('review.approveManyFailed', { school: names.get(`${failure.schoolId}-${failure.period}`) ?? failure.schoolId, message: failure.message }),
            ),
          );
        }
      },
      onError: notify.error,
    }),
  );

  const periods = recentPeriods(reportingPeriod(), 8).reverse();
  return (
    <>
      <PageHeader
        title={t('review.queueHeading')}
        description={t('review.queueIntro')}
        actions={
          <>
            <ExportButton href={countyId === null ? null : `/api/export/review-queue.xlsx?countyId=${countyId}${period ? `&period=${period}` : ''}`} />
            <Button
              color="teal"
              leftSection={<IconChecks size={16} />}
              disabled={selected.length === 0 || countyId === null}
              loading={approveMany.isPending}
              onClick={() =>
                countyId !== null &&
                approveMany.mutate({ countyId, items: selected.map(({ schoolId, period: p, version }) => ({ schoolId, period: p, version })) })
              }
            >
              {t('review.approveSelected', { count: selected.length })}
            </Button>
          </>
        }
      />
      {countyId === null && <ChooseCounty />}
      <FilterBar>
        <Select
          aria-label={t('report.period')}
          w={200}
          placeholder={t('review.allPeriods')}
          clearable
          data={periods.map((p) => ({ value: p, label: periodLabel(p) }))}
          value={period}
          onChange={(v) => {
            setPeriod(v);
            setSelected([]);
          }}
        />
        <Group gap={6}>
          <IconInfoCircle size={16} color="var(--mantine-color-dimmed)" />
          <Text size="xs" c="dimmed">
            {t('review.onlyClean')}
          </Text>
        </Group>
      </FilterBar>
      <QueryError query={queue} />
      <ListTable<QueueItem>
        minHeight={180}
        fetching={queue.isFetching}
        idAccessor={keyOf}
        noRecordsText={t('review.nothing')}
        {...tableProps}
        selectedRecords={selected}
        onSelectedRecordsChange={setSelected}
        isRecordSelectable={clean}
        getRecordSelectionCheckboxProps={(item) => ({ 'aria-label': t('review.selectReport', { school: item.name, period: periodLabel(item.period) }) })}
        allRecordsSelectionCheckboxProps={{ 'aria-label': t('review.selectAll') }}
        onRowClick={({ record }) => navigate(`/review/${record.schoolId}/${record.period}`)}
        columns={[
          { accessor: 'code', title: t('schools.code'), sortable: true, width: 120 },
          { accessor: 'name', title: t('schools.name'), sortable: true },
          { accessor: 'type', title: t('schools.type'), sortable: true, render: (i) => label(SCHOOL_TYPE_LABELS[i.type as SchoolType]) },
          { accessor: 'period', title: t('report.period'), sortable: true, render: (i) => periodLabel(i.period) },
          {
            accessor: 'submittedAt',
            title: t('review.submittedAt'),
            sortable: true,
            render: (i) => (
              <Group gap={4} wrap="nowrap">
                <Text size="sm">{i.submittedAt ? dateTime(i.submittedAt) : t('common.empty')}</Text>
                {i.late && (
                  <Badge color="red" size="xs">
                    {t('status.late')}
                  </Badge>
                )}
              </Group>
            ),
          },
          {
            accessor: 'errors',
            title: t('review.errors'),
            sortable: true,
            textAlign: 'right',
            render: (i) =>
              i.errors ? (
                <Badge color="red" variant="light">
                  {i.errors}
                </Badge>
              ) : (
                '0'
              ),
          },
          {
            accessor: 'warnings',
            title: t('review.warnings'),
            sortable: true,
            textAlign: 'right',
            render: (i) =>
              i.warnings ? (
                <Badge color="orange" variant="light">
                  {i.warnings}
                </Badge>
              ) : (
                '0'
              ),
          },
          {
            accessor: 'open',
            title: '',
            textAlign: 'right',
            render: (i) => (
              <Anchor component={Link} to={`/review/${i.schoolId}/${i.period}`} size="sm" onClick={(e) => e.stopPropagation()}>
                {t('review.open')}
              </Anchor>
            ),
          },
        ]}
      />
    </>
  );
}
