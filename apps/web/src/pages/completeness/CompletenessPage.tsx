import { Badge, Button, Checkbox, Group, Pagination, Paper, SimpleGrid, Table, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { parsePeriod } from '@oversight/domain';
import { IconBellRinging, IconSelector, IconSortAscending, IconSortDescending } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ChooseCounty, useCounty } from '../../shared/county';
import { useNotify } from '../../shared/errors';
import { CountyEvidenceZip } from '../../shared/evidence/CountyEvidenceZip';
import { useNavigate } from '../../shared/navigation';
import { recentPeriods, reportingPeriod, usePeriodLabel, usePeriodLines } from '../../shared/periods';
import { useSortedPages } from '../../shared/table';
import { useTRPC } from '../../shared/trpc';
import { ConfirmDialog } from '../../shared/ui/ConfirmDialog';
import { ExportButton } from '../../shared/ui/ExportButton';
import { FilterBar, SearchInput } from '../../shared/ui/ListFilters';
import { QueryState } from '../../shared/ui/Loading';
import { PageHeader } from '../../shared/ui/PageHeader';
import { STATUS_COLORS, type ReportStatus } from '../../shared/ui/StatusBadge';
import { DeadlineSetting } from './DeadlineSetting';
import { EvidenceSetting } from './EvidenceSetting';

interface Cell {
  status: ReportStatus;
  late: boolean;
}

interface Row {
  schoolId: number;
  code: string;
  name: string;
  cells: Record<string, Cell | undefined>;
}

const PAGE_SIZE = 30;
const PENDING: readonly ReportStatus[] = ['missing', 'draft', 'returned'];

function StatusCell({ cell, title, onOpen }: { cell: Cell | undefined; title: string; onOpen: () => void }) {
  const { t } = useTranslation();
  if (!cell) return null;
  const color = STATUS_COLORS[cell.status];
  return (
    <Tooltip label={title} openDelay={300}>
      <UnstyledButton
        onClick={onOpen}
        aria-label={title}
        w="100%"
        py={2}
        ta="center"
        fz="xs"
        fw={500}
        bg={`var(--mantine-color-${color}-${cell.status === 'missing' ? 1 : 2})`}
        c={cell.late ? 'red.9' : `${color}.9`}
        style={{ borderRadius: 3, border: cell.late ? '1.5px solid var(--mantine-color-red-7)' : '1.5px solid transparent' }}
      >
        {t(`statusShort.${cell.status}`)}
        {cell.late ? `·${t('status.late')}` : ''}
      </UnstyledButton>
    </Tooltip>
  );
}

function SortHeader({
  label,
  column,
  sort,
  onSort,
}: {
  label: string;
  column: string;
  sort: { columnAccessor: unknown; direction: 'asc' | 'desc' };
  onSort: (column: string) => void;
}) {
  const active = sort.columnAccessor === column;
  const Icon = !active ? IconSelector : sort.direction === 'asc' ? IconSortAscending : IconSortDescending;
  return (
    <UnstyledButton onClick={() => onSort(column)} fw={600} fz="sm">
      <Group gap={4} wrap="nowrap">
        {label}
        <Icon size={14} />
      </Group>
    </UnstyledButton>
  );
}

/** Schools × the last eight quarters, coloured by status, late in red; one click reminds every school still missing. */
export function CompletenessPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const notify = useNotify();
  const navigate = useNavigate();
  const periodLabel = usePeriodLabel();
  const periodLines = usePeriodLines();
  const { countyId } = useCounty();
  const current = reportingPeriod();
  const periods = useMemo(() => recentPeriods(current, 8), [current]);
  const [search, setSearch] = useState('');
  const [onlyPending, setOnlyPending] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const matrix = useQuery(trpc.reports.matrix.queryOptions({ countyId: countyId ?? 0, periods }, { enabled: countyId !== null }));

  const rows = useMemo<Row[]>(() => {
    if (!matrix.data) return [];
    const needle = search.trim();
    const cells = matrix.data.cells as Record<string, Record<string, Cell>>;
    return matrix.data.schools
      .map((s) => ({ schoolId: s.schoolId, code: s.code, name: s.name, cells: cells[String(s.schoolId)] ?? {} }))
      .filter((r) => !needle || r.name.includes(needle) || r.code.includes(needle))
      .filter((r) => !onlyPending || PENDING.includes(r.cells[current]?.status ?? 'missing'));
  }, [matrix.data, search, onlyPending, current]);
  const { tableProps } = useSortedPages<Row>(rows, { columnAccessor: 'code', direction: 'asc' }, { pageSize: PAGE_SIZE });

  const summary = useMemo(() => {
    const all = (matrix.data?.schools ?? []).map((s) => (matrix.data!.cells as Record<string, Record<string, Cell>>)[String(s.schoolId)]?.[current]);
    return {
      total: all.length,
      submitted: all.filter((c) => c && (c.status === 'submitted' || c.status === 'approved')).length,
      approved: all.filter((c) => c?.status === 'approved').length,
      pending: all.filter((c) => !c || PENDING.includes(c.status)).length,
      late: all.filter((c) => c?.late).length,
    };
  }, [matrix.data, current]);

  const remind = useMutation(
    trpc.reports.remindMissing.mutationOptions({
      onSuccess: (result) => {
        setConfirming(false);
        notify.success(t('completeness.reminded', { count: result.reminded }));
      },
      onError: (error) => {
        setConfirming(false);
        notify.error(error);
      },
    }),
  );
  const sortBy = (column: string) =>
    tableProps.onSortStatusChange({
      columnAccessor: column,
      direction: tableProps.sortStatus.columnAccessor === column && tableProps.sortStatus.direction === 'asc' ? 'desc' : 'asc',
    });

  if (countyId === null) return <ChooseCounty />;
  return (
    <>
      <PageHeader
        title={t('completeness.heading')}
        description={t('completeness.intro')}
        actions={
          <>
            <ExportButton href={`/api/export/completeness.xlsx?countyId=${countyId}&period=${current}`} />
            <CountyEvidenceZip countyId={countyId} year={parsePeriod(current).year} />
            <Button color="orange" leftSection={<IconBellRinging size={16} />} onClick={() => setConfirming(true)} disabled={summary.pending === 0}>
              {t('completeness.remind')}
            </Button>
          </>
        }
      >
        <DeadlineSetting countyId={countyId} />
        <EvidenceSetting countyId={countyId} />
      </PageHeader>
      <SimpleGrid cols={{ base: 2, sm: 5 }} spacing="sm" mb="sm">
        {(
          [
            ['total', summary.total, 'gov'],
            ['submittedCount', summary.submitted, 'blue'],
            ['approvedCount', summary.approved, 'teal'],
            ['pendingCount', summary.pending, 'orange'],
            ['lateCount', summary.late, 'red'],
          ] as const
        ).map(([key, value, color]) => (
          <Paper key={key} p="sm">
            <Text size="xs" c="dimmed">
              {periodLabel(current)} · {t(`completeness.${key}`)}
            </Text>
            <Text size="xl" fw={700} c={`${color}.8`}>
              {value}
            </Text>
          </Paper>
        ))}
      </SimpleGrid>
      <FilterBar justify="space-between">
        <Group gap="md">
          <SearchInput placeholder={t('schools.searchPlaceholder')} label={t('completeness.filter')} value={search} onChange={setSearch} w={240} />
          <Checkbox label={t('completeness.onlyPending')} checked={onlyPending} onChange={(e) => setOnlyPending(e.currentTarget.checked)} />
        </Group>
        <Group gap={6}>
          <Text size="xs" c="dimmed">
            {t('completeness.legend')}
            {t('common.colon')}
          </Text>
          {(Object.keys(STATUS_COLORS) as ReportStatus[]).map((s) => (
            <Badge key={s} color={STATUS_COLORS[s]} variant="light" radius="sm">
              {t(`status.${s}`)}
            </Badge>
          ))}
          <Badge color="red" variant="outline" radius="sm">
            {t('status.late')}
          </Badge>
        </Group>
      </FilterBar>
      <QueryState query={matrix}>
        {() => (
          <Paper p={0}>
            <Table.ScrollContainer minWidth={960}>
              <Table stickyHeader withColumnBorders verticalSpacing={4} horizontalSpacing="xs" highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={110}>
                      <SortHeader label={t('schools.code')} column="code" sort={tableProps.sortStatus} onSort={sortBy} />
                    </Table.Th>
                    <Table.Th miw={180}>
                      <SortHeader label={t('completeness.school')} column="name" sort={tableProps.sortStatus} onSort={sortBy} />
                    </Table.Th>
                    {periods.map((p) => (
                      <Table.Th key={p} ta="center" fz="xs" fw={p === current ? 700 : 500} style={{ whiteSpace: 'nowrap', lineHeight: 1.3 }}>
                        {periodLines(p)[0]}
                        <br />
                        {periodLines(p)[1]}
                      </Table.Th>
                    ))}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {tableProps.records.map((row) => (
                    <Table.Tr key={row.schoolId}>
                      <Table.Td fz="sm">{row.code}</Table.Td>
                      <Table.Td fz="sm">{row.name}</Table.Td>
                      {periods.map((p) => (
                        <Table.Td key={p} p={3}>
                          <StatusCell
                            cell={row.cells[p]}
                            title={`${row.name} · ${periodLabel(p)} · ${t(`status.${row.cells[p]?.status ?? 'missing'}`)}${row.cells[p]?.late ? ` · ${t('status.late')}` : ''}`}
                            onOpen={() => navigate(`/review/${row.schoolId}/${p}`)}
                          />
                        </Table.Td>
                      ))}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Group justify="space-between" p="sm">
              <Text size="sm" c="dimmed">
                {t('common.pagination', {
                  from: tableProps.totalRecords ? (tableProps.page - 1) * PAGE_SIZE + 1 : 0,
                  to: Math.min(tableProps.page * PAGE_SIZE, tableProps.totalRecords),
                  total: tableProps.totalRecords,
                })}
              </Text>
              <Pagination size="sm" total={Math.ceil(tableProps.totalRecords / PAGE_SIZE)} value={tableProps.page} onChange={tableProps.onPageChange} />
            </Group>
          </Paper>
        )}
      </QueryState>
      <ConfirmDialog
        opened={confirming}
        title={t('completeness.remind')}
        message={t('completeness.remindConfirm', { period: periodLabel(current) })}
        confirmLabel={t('completeness.remindNow')}
        color="orange"
        loading={remind.isPending}
        onConfirm={() => remind.mutate({ countyId, period: current })}
        onClose={() => setConfirming(false)}
      />
    </>
  );
}
