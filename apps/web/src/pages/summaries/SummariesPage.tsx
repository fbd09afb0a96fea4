import { Alert, Anchor, Badge, Button, Group, Loader, Paper, Select, Text, Title } from '@mantine/core';
import { IconFileText } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { YearSelect } from '../../shared/analytics/pickers';
import { ChooseCounty, useCounty } from '../../shared/county';
import { errorMessage } from '../../shared/errors';
import { Link, useNavigate } from '../../shared/navigation';
import { useDateFormat } from '../../shared/periods';
import { isOverseer } from '../../shared/roles';
import { useMe } from '../../shared/session';
import { useTRPC } from '../../shared/trpc';
import { ListTable } from '../../shared/ui/ListTable';
import { QueryError } from '../../shared/ui/Loading';
import { PageHeader } from '../../shared/ui/PageHeader';
import { IssuingUnitSetting } from './IssuingUnitSetting';
import { MeasuresPanel } from './MeasuresPanel';

/** Seconds since a job began, for the progress line while a draft is being computed. */
function useElapsed(running: boolean): number {
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    if (!running) return setSeconds(0);
    const started = Date.now();
    const timer = setInterval(() => setSeconds(Math.floor((Date.now() - started) / 1000)), 500);
    return () => clearInterval(timer);
  }, [running]);
  return seconds;
}

/** The annual summaries of the county (or the principal's school): list, and drafting a new one from the data. */
export function SummariesPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const me = useMe();
  const bureau = isOverseer(me);
  const navigate = useNavigate();
  const { dateTime } = useDateFormat();
  const queryClient = useQueryClient();
  const { countyId, county } = useCounty();
  const listCounty = bureau ? countyId : me.countyId;
  const [year, setYear] = useState(new Date().getFullYear());
  const [upTo, setUpTo] = useState<string>('0');
  const list = useQuery(trpc.summaries.list.queryOptions({ countyId: listCounty ?? 0 }, { enabled: listCounty !== null }));
  const onDrafted = (summary: { id: number }) => {
    void queryClient.invalidateQueries(trpc.summaries.pathFilter());
    navigate(`/summaries/${summary.id}`);
  };
  const draft = useMutation(trpc.summaries.draft.mutationOptions({ onSuccess: onDrafted }));
  const schoolDraft = useMutation(trpc.summaries.schoolDraft.mutationOptions({ onSuccess: onDrafted }));
  const pending = draft.isPending || schoolDraft.isPending;
  const failure = draft.error ?? schoolDraft.error;
  const elapsed = useElapsed(pending);
  const upToQuarter = upTo === '0' ? {} : { upToQuarter: Number(upTo) };
  const start = () =>
    bureau ? draft.mutate({ countyId: countyId!, year, ...upToQuarter }) : schoolDraft.mutate({ schoolId: me.schoolId!, year, ...upToQuarter });

  if (listCounty === null) return <ChooseCounty />;
  return (
    <>
      <PageHeader title={t('summaries.heading')} description={bureau ? t('summaries.intro', { county: county?.name ?? '' }) : t('summaries.introSchool')} />
      <Paper p="sm" mb="md">
        <Title order={4} mb="xs">
          {bureau ? t('summaries.newCounty') : t('summaries.newSchool')}
        </Title>
        <Group align="flex-end">
          <YearSelect value={year} onChange={setYear} />
          <Select
            label={t('summaries.upTo')}
            w={170}
            allowDeselect={false}
            data={[
              { value: '0', label: t('summaries.upToAuto') },
              ...([1, 2, 3, 4] as const).map((q) => ({ value: String(q), label: t(`summaries.part.q${q}`) })),
            ]}
            value={upTo}
            onChange={(v) => v && setUpTo(v)}
          />
          <Button leftSection={<IconFileText size={16} />} onClick={start} loading={pending}>
            {t('summaries.generate')}
          </Button>
        </Group>
        {pending && (
          <Group gap="xs" mt="sm" role="status" aria-live="polite">
            <Loader size="xs" />
            <Text size="sm" c="dimmed">
              {t('summaries.generating', { seconds: elapsed })}
            </Text>
          </Group>
        )}
        {failure && (
          <Alert color="red" mt="sm" title={t('errors.title')}>
            {errorMessage(failure, t)}
          </Alert>
        )}
        {bureau && countyId !== null && <IssuingUnitSetting countyId={countyId} />}
      </Paper>
      {bureau && countyId !== null && <MeasuresPanel countyId={countyId} year={year} />}
      <QueryError query={list} />
      <ListTable
        minHeight={140}
        fetching={list.isFetching && !list.data}
        records={list.data ?? []}
        idAccessor="id"
        columns={[
          {
            accessor: 'title',
            title: t('summaries.title'),
            render: (s) => (
              <Anchor component={Link} to={`/summaries/${s.id}`} size="sm">
                {s.title}
              </Anchor>
            ),
          },
          { accessor: 'year', title: t('analytics.year'), render: (s) => t('analytics.yearLabel', { year: s.year }) },
          {
            accessor: 'upToQuarter',
            title: t('summaries.upTo'),
            render: (s) => t(`summaries.part.q${s.upToQuarter}`),
          },
          { accessor: 'level', title: t('summaries.level'), render: (s) => t(`summaries.levels.${s.level}`) },
          {
            accessor: 'status',
            title: t('common.status'),
            render: (s) => (
              <Badge color={s.status === 'final' ? 'teal' : 'yellow'} variant="light" radius="sm">
                {t(`summaries.status.${s.status}`)}
              </Badge>
            ),
          },
          { accessor: 'version', title: t('summaries.version'), render: (s) => t('summaries.versionN', { version: s.version }) },
          { accessor: 'updatedAt', title: t('summaries.updatedAt'), render: (s) => dateTime(s.updatedAt) },
        ]}
      />
    </>
  );
}
