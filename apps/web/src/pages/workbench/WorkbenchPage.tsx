import { Alert, Anchor, Badge, Button, Card, Grid, Group, Stack, Table, Text, Title } from '@mantine/core';
import { IconArrowRight, IconBell } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ChooseCounty, useCounty } from '../../shared/county';
import { useNotify } from '../../shared/errors';
import { Link } from '../../shared/navigation';
import { reportingPeriod, useDateFormat, usePeriodLabel } from '../../shared/periods';
import { useMe } from '../../shared/session';
import { useTRPC, type Workbench } from '../../shared/trpc';
import { QueryState } from '../../shared/ui/Loading';
import { PageHeader } from '../../shared/ui/PageHeader';
import { StatusBadge } from '../../shared/ui/StatusBadge';

/** At most this many rows per card; the card links to the full list. */
const SHOWN = 8;

function AwaitingReview({ bench }: { bench: Workbench }) {
  const { t } = useTranslation();
  const periodLabel = usePeriodLabel();
  const { date } = useDateFormat();
  const items = bench.awaitingReview;
  return (
    <Card p="md" data-testid="workbench-review">
      <Group justify="space-between" mb="sm">
        <Title order={3}>{t('workbench.review', { count: items.length })}</Title>
        <Anchor component={Link} to="/review" size="sm">
          {t('workbench.all')}
        </Anchor>
      </Group>
      {!items.length ? (
        <Alert color="teal">{t('workbench.nothingToReview')}</Alert>
      ) : (
        <Table fz="sm" highlightOnHover>
          <Table.Tbody>
            {items.slice(0, SHOWN).map((i) => (
              <Table.Tr key={`${i.schoolId}-${i.period}`}>
                <Table.Td>
                  <Anchor component={Link} to={`/review/${i.schoolId}/${i.period}`}>
                    {i.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>{periodLabel(i.period)}</Table.Td>
                <Table.Td c="dimmed">{i.submittedAt ? date(i.submittedAt) : ''}</Table.Td>
                <Table.Td ta="right">
                  {i.warnings > 0 && (
                    <Badge color="orange" variant="light" size="sm">
                      {t('workbench.warnings', { count: i.warnings })}
                    </Badge>
                  )}
                  {i.late && (
                    <Badge color="red" variant="light" size="sm" ml={4}>
                      {t('workbench.late')}
                    </Badge>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {items.length > SHOWN && (
        <Text size="xs" c="dimmed" mt="xs">
          {t('workbench.more', { count: items.length - SHOWN })}
        </Text>
      )}
    </Card>
  );
}

function NotReported({ bench, countyId }: { bench: Workbench; countyId: number }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const periodLabel = usePeriodLabel();
  const { date } = useDateFormat();
  const remind = useMutation(
    trpc.reports.remindMissing.mutationOptions({
      onSuccess: (r) => {
        notify.success(t('workbench.reminded', { count: r.reminded }));
        void queryClient.invalidateQueries(trpc.reports.workbench.pathFilter());
      },
      onError: (e) => notify.error(e),
    }),
  );
  const rows = bench.notReported;
  return (
    <Card p="md" data-testid="workbench-missing">
      <Group justify="space-between" mb={4}>
        <Title order={3}>{t('workbench.notReported', { period: periodLabel(bench.period), count: rows.length })}</Title>
        <Anchor component={Link} to="/completeness" size="sm">
          {t('workbench.completeness')}
        </Anchor>
      </Group>
      <Text size="sm" c={bench.deadlinePassed ? 'red' : 'dimmed'} mb="sm">
        {t(bench.deadlinePassed ? 'workbench.deadlinePassed' : 'workbench.deadline', { date: date(bench.deadline) })}
      </Text>
      {!rows.length ? (
        <Alert color="teal">{t('workbench.allReported')}</Alert>
      ) : (
        <>
          <Table fz="sm">
            <Table.Tbody>
              {rows.slice(0, SHOWN).map((r) => (
                <Table.Tr key={r.schoolId}>
                  <Table.Td>
                    <Anchor component={Link} to={`/reports/${r.schoolId}/${bench.period}`}>
                      {r.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td ta="right">
                    {r.status === 'missing' ? (
                      <Badge color="gray" variant="light" size="sm">
                        {t('workbench.missing')}
                      </Badge>
                    ) : (
                      <StatusBadge status={r.status} late={r.late} />
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {rows.length > SHOWN && (
            <Text size="xs" c="dimmed" mt="xs">
              {t('workbench.more', { count: rows.length - SHOWN })}
            </Text>
          )}
          <Group justify="flex-end" mt="sm">
            <Button size="xs" leftSection={<IconBell size={14} />} loading={remind.isPending} onClick={() => remind.mutate({ countyId, period: bench.period })}>
              {t('workbench.remind')}
            </Button>
          </Group>
        </>
      )}
    </Card>
  );
}

function AtRisk({ bench }: { bench: Workbench }) {
  const { t } = useTranslation();
  const w = bench.warnings;
  return (
    <Card p="md" data-testid="workbench-targets">
      <Title order={3} mb="sm">
        {t('workbench.targets', { year: w.year })}
      </Title>
      {w.upToQuarter === null ? (
        <Text size="sm" c="dimmed">
          {t('overview.warnings.noData')}
        </Text>
      ) : !w.warnings.length ? (
        <Alert color="teal">{t('overview.warnings.none')}</Alert>
      ) : (
        <Stack gap={4}>
          <Text size="sm">{t('workbench.atRisk', { count: w.schoolsAtRisk })}</Text>
          {w.warnings.map((x) => (
            <Text key={x.target.id} size="xs" c="dimmed">
              {x.target.label}：{t('overview.warnings.atRisk', { count: x.atRisk.length, schools: x.schools })}
            </Text>
          ))}
        </Stack>
      )}
      <Button component={Link} to="/overview#target-warnings" variant="light" size="xs" mt="sm" rightSection={<IconArrowRight size={14} />}>
        {t('workbench.toWarnings')}
      </Button>
    </Card>
  );
}

/** The officer's start page: reports awaiting review, schools not yet reported with the deadline, targets at risk. */
export function WorkbenchPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const me = useMe();
  const { countyId, county } = useCounty();
  const period = reportingPeriod();
  const bench = useQuery(trpc.reports.workbench.queryOptions({ countyId: countyId ?? 0, period }, { enabled: countyId !== null }));
  if (countyId === null) return <ChooseCounty />;
  return (
    <>
      <PageHeader title={t('workbench.heading', { county: county?.name ?? '' })} description={t('home.welcome', { name: me.displayName })} />
      <QueryState query={bench}>
        {(data) => (
          <Grid gap="md">
            <Grid.Col span={{ base: 12, md: 7 }}>
              <AwaitingReview bench={data} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 5 }}>
              <Stack gap="md">
                <NotReported bench={data} countyId={countyId} />
                <AtRisk bench={data} />
              </Stack>
            </Grid.Col>
          </Grid>
        )}
      </QueryState>
    </>
  );
}
