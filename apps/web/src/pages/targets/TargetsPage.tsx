import { Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { SCHOOL_TYPE_LABELS, TARGET_KIND_LABELS } from '@oversight/domain';
import { IconCopy, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLabel } from '../../i18n/labels';
import { MetBadge } from '../../shared/analytics/MetBadge';
import { useFigures } from '../../shared/analytics/format';
import { YearSelect } from '../../shared/analytics/pickers';
import { useCatalogue } from '../../shared/catalogue';
import { ChooseCounty, useCounty } from '../../shared/county';
import { useNotify } from '../../shared/errors';
import { useTRPC } from '../../shared/trpc';
import { ConfirmDialog } from '../../shared/ui/ConfirmDialog';
import { ListTable } from '../../shared/ui/ListTable';
import { QueryError, QueryState } from '../../shared/ui/Loading';
import { PageHeader } from '../../shared/ui/PageHeader';
import { RowAction, RowActions } from '../../shared/ui/RowActions';
import { AttainmentTable } from './AttainmentTable';
import { emptyTarget, TargetForm, type TargetDraft } from './TargetForm';

/** Next year (targets are set ahead), this year and the two before. */
const THIS_YEAR = new Date().getFullYear();
const TARGET_YEARS = [THIS_YEAR + 1, THIS_YEAR, THIS_YEAR - 1, THIS_YEAR - 2];

/** The county's targets for a year: set, edit, remove, copy from last year; attainment below. */
export function TargetsPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const label = useLabel();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const { countyId } = useCounty();
  const catalogue = useCatalogue();
  const figures = useFigures(catalogue.data);
  const [year, setYear] = useState(new Date().getFullYear());
  const [editing, setEditing] = useState<TargetDraft | null>(null);
  const [removing, setRemoving] = useState<{ id: number; label: string } | null>(null);
  const [copying, setCopying] = useState(false);
  const input = { countyId: countyId ?? 0, year };
  const list = useQuery(trpc.targets.list.queryOptions(input, { enabled: countyId !== null }));
  const attainment = useQuery(trpc.targets.attainment.queryOptions(input, { enabled: countyId !== null }));
  const refresh = () => {
    void queryClient.invalidateQueries(trpc.targets.pathFilter());
    void queryClient.invalidateQueries(trpc.analytics.pathFilter());
  };
  const remove = useMutation(
    trpc.targets.remove.mutationOptions({
      onSuccess: () => {
        notify.success(t('targets.removed', { label: removing?.label ?? '' }));
        setRemoving(null);
        refresh();
      },
      onError: (e) => {
        setRemoving(null);
        notify.error(e);
      },
    }),
  );
  const copy = useMutation(
    trpc.targets.copyFromPreviousYear.mutationOptions({
      onSuccess: (r) => {
        setCopying(false);
        notify.success(t('targets.copied', { copied: r.copied, kept: r.kept, dropped: r.dropped }));
        refresh();
      },
      onError: (e) => {
        setCopying(false);
        notify.error(e);
      },
    }),
  );

  if (countyId === null) return <ChooseCounty />;
  const firstIndicator = catalogue.data?.indicators.find((i) => i.valueType !== 'date' && i.kind !== 'note')?.code ?? '';
  const metOf = new Map((attainment.data?.items ?? []).map((a) => [a.target.id, a.yearToDate.met]));

  return (
    <>
      <PageHeader
        title={t('targets.heading')}
        description={t('targets.intro')}
        actions={
          <>
            <YearSelect value={year} onChange={setYear} years={TARGET_YEARS} />
            <Button variant="default" leftSection={<IconCopy size={16} />} onClick={() => setCopying(true)} mt={24}>
              {t('targets.copy', { year: year - 1 })}
            </Button>
            <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing(emptyTarget(firstIndicator))} disabled={!catalogue.data} mt={24}>
              {t('targets.create')}
            </Button>
          </>
        }
      />
      <QueryError query={list} />
      <ListTable
        highlightOnHover={false}
        minHeight={140}
        fetching={list.isFetching && !list.data}
        records={list.data ?? []}
        idAccessor="id"
        columns={[
          {
            accessor: 'label',
            title: t('targets.target'),
            render: (r) => (
              <Text size="sm" fw={500}>
                {r.label}
              </Text>
            ),
          },
          { accessor: 'indicator', title: t('analytics.indicator'), render: (r) => figures.name(r.indicator) },
          {
            accessor: 'kind',
            title: t('targets.kind'),
            render: (r) => (
              <Badge variant="light" color={r.kind === 'each_school' ? 'blue' : 'grape'} radius="sm">
                {label(TARGET_KIND_LABELS[r.kind])}
              </Badge>
            ),
          },
          {
            accessor: 'scope',
            title: t('targets.scope'),
            render: (r) =>
              r.schoolName ??
              (r.schoolTypes ? r.schoolTypes.map((s) => label(SCHOOL_TYPE_LABELS[s])).join(t('common.listSeparator')) : t('targets.allApplicable')),
          },
          { accessor: 'met', title: t('targets.yearToDate'), render: (r) => <MetBadge met={metOf.has(r.id) ? metOf.get(r.id) : undefined} /> },
          {
            accessor: 'actions',
            title: t('common.actions'),
            textAlign: 'right',
            width: 96,
            render: (r) => (
              <RowActions>
                <RowAction
                  label={t('common.edit')}
                  subject={r.label}
                  icon={<IconPencil size={16} />}
                  onClick={() =>
                    setEditing({
                      id: r.id,
                      indicator: r.indicator,
                      kind: r.kind,
                      measure: r.measure,
                      comparator: r.comparator,
                      value: r.value,
                      statusValue: r.statusValue,
                      schoolTypes: r.schoolTypes ?? [],
                      schoolId: r.schoolId,
                    })
                  }
                />
                <RowAction
                  label={t('targets.remove')}
                  subject={r.label}
                  color="red"
                  icon={<IconTrash size={16} />}
                  onClick={() => setRemoving({ id: r.id, label: r.label })}
                />
              </RowActions>
            ),
          },
        ]}
      />
      <Stack gap="xs" mt="lg">
        <Title order={3}>{t('targets.attainmentHeading', { year })}</Title>
        <QueryState query={attainment}>
          {(report) => (
            <>
              <Paper p="xs" bg="gray.0">
                <Group gap="md">
                  <Text size="sm">
                    {report.upToQuarter ? t('targets.windowNote', { quarter: t(`analytics.quarter${report.upToQuarter}`) }) : t('targets.noData')}
                  </Text>
                  <Badge color={report.fullYear.basis === 'projection' ? 'orange' : 'teal'} variant="outline" radius="sm">
                    {report.fullYear.basis === 'projection' ? t('targets.projection') : t('targets.actual')}
                  </Badge>
                  <Text size="xs" c="dimmed">
                    {report.fullYear.label}
                  </Text>
                </Group>
              </Paper>
              {catalogue.data && <AttainmentTable report={report} catalogue={catalogue.data} />}
            </>
          )}
        </QueryState>
      </Stack>
      {editing && catalogue.data && (
        <TargetForm key={editing.id ?? 'new'} catalogue={catalogue.data} countyId={countyId} year={year} initial={editing} onClose={() => setEditing(null)} />
      )}
      <ConfirmDialog
        opened={removing !== null}
        title={t('targets.remove')}
        message={removing ? t('targets.removeConfirm', { label: removing.label }) : ''}
        confirmLabel={t('targets.remove')}
        color="red"
        loading={remove.isPending}
        onConfirm={() => removing && remove.mutate({ id: removing.id })}
        onClose={() => setRemoving(null)}
      />
      <ConfirmDialog
        opened={copying}
        title={t('targets.copy', { year: year - 1 })}
        message={t('targets.copyConfirm', { from: year - 1, to: year })}
        confirmLabel={t('common.confirm')}
        loading={copy.isPending}
        onConfirm={() => copy.mutate(input)}
        onClose={() => setCopying(false)}
      />
    </>
  );
}
