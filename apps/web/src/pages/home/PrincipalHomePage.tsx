import { Alert, Anchor, Button, Card, Grid, Group, Stack, Table, Text, Title, UnstyledButton } from '@mantine/core';
import { shiftPeriod } from '@oversight/domain';
import { IconArrowRight, IconBell, IconChevronRight } from '@tabler/icons-react';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNotify } from '../../shared/errors';
import { Link } from '../../shared/navigation';
import { recentPeriods, reportingPeriod, useDateFormat, usePeriodLabel } from '../../shared/periods';
import { useMe } from '../../shared/session';
import { useTRPC, type ReportView } from '../../shared/trpc';
import { LoadError, PageLoader, QueryState } from '../../shared/ui/Loading';
import { PageHeader } from '../../shared/ui/PageHeader';
import { SchoolFacts } from '../../shared/ui/SchoolFacts';
import { shownStatus, StatusBadge } from '../../shared/ui/StatusBadge';
import { usePhone } from '../../shared/ui/usePhone';

const reportPath = (r: Pick<ReportView, 'schoolId' | 'period'>) => `/reports/${r.schoolId}/${r.period}`;

function TaskCard({ report }: { report: ReportView }) {
  const { t } = useTranslation();
  const periodLabel = usePeriodLabel();
  const { date } = useDateFormat();
  const status = shownStatus(report);
  const daysLeft = Math.ceil((report.deadline.getTime() - Date.now()) / 86_400_000);
  const action = status === 'missing' ? 'home.fill' : status === 'draft' || status === 'returned' ? 'home.continue' : 'home.view';
  return (
    <Card p="md">
      <Title order={3} mb="sm">
        {t('home.currentTask')}
      </Title>
      <Stack gap="sm">
        <Group gap="sm">
          <Text fw={600} size="lg">
            {periodLabel(report.period)}
          </Text>
          <StatusBadge status={status} late={report.late} />
        </Group>
        <Group gap="xs">
          <Text size="sm" c="dimmed">
            {t('home.deadline')}
            {t('common.colon')}
          </Text>
          <Text size="sm" fw={500}>
            {date(report.deadline)}
          </Text>
          {status !== 'submitted' && status !== 'approved' && (
            <Text size="sm" c={daysLeft < 0 ? 'red' : daysLeft <= 5 ? 'orange' : 'dimmed'}>
              {t('common.parenthesized', { text: daysLeft < 0 ? t('home.deadlinePassed') : t('home.daysLeft', { days: daysLeft }) })}
            </Text>
          )}
        </Group>
        {status === 'returned' && report.returnReason && (
          <Alert color="orange" title={t('home.returnedNotice')}>
            {t('report.returned', { reason: report.returnReason })}
          </Alert>
        )}
        <Group>
          <Button component={Link} to={reportPath(report)} rightSection={<IconArrowRight size={16} />}>
            {t(action)}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

function Reminders({ schoolId }: { schoolId: number }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const { dateTime } = useDateFormat();
  const reminders = useQuery(trpc.reports.reminders.queryOptions({ schoolId }));
  const dismiss = useMutation(
    trpc.reports.dismissReminder.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries(trpc.reports.reminders.pathFilter()),
      onError: notify.error,
    }),
  );
  return (
    <Card p="md">
      <Group gap="xs" mb="sm">
        <IconBell size={18} />
        <Title order={3}>{t('home.reminders')}</Title>
      </Group>
      <QueryState query={reminders}>
        {(list) =>
          list.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('home.noReminders')}
            </Text>
          ) : (
            <Stack gap="xs">
              {list.map((r) => (
                <Alert key={r.id} color="orange" variant="light" p="xs">
                  <Text size="sm">{r.message}</Text>
                  <Group justify="space-between" mt={4}>
                    <Text size="xs" c="dimmed">
                      {dateTime(r.createdAt)}
                    </Text>
                    <Button size="compact-xs" variant="subtle" onClick={() => dismiss.mutate({ schoolId, reminderId: r.id })}>
                      {t('home.dismiss')}
                    </Button>
                  </Group>
                </Alert>
              ))}
            </Stack>
          )
        }
      </QueryState>
    </Card>
  );
}

function PastQuarters({ schoolId, before }: { schoolId: number; before: string }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const periodLabel = usePeriodLabel();
  const { dateTime } = useDateFormat();
  const phone = usePhone();
  const periods = recentPeriods(shiftPeriod(before as ReportView['period'], -1), 8).reverse();
  const reports = useQueries({ queries: periods.map((period) => trpc.reports.get.queryOptions({ schoolId, period })) });
  const failed = reports.find((r) => r.error);
  return (
    <Card p="md">
      <Title order={3} mb="sm">
        {t('home.pastQuarters')}
      </Title>
      {failed ? (
        <LoadError error={failed.error} onRetry={() => reports.forEach((r) => void r.refetch())} />
      ) : reports.some((r) => r.isPending) ? (
        <PageLoader />
      ) : phone ? (
        <Stack gap={0}>
          {reports.map(({ data: r }) =>
            r ? (
              <UnstyledButton
                key={r.period}
                component={Link}
                to={reportPath(r)}
                py="xs"
                aria-label={`${periodLabel(r.period)} ${t('home.view')}`}
                style={{ borderTop: '1px solid var(--mantine-color-gray-3)' }}
              >
                <Group justify="space-between" wrap="nowrap" gap="sm">
                  <div>
                    <Text size="sm" fw={500}>
                      {periodLabel(r.period)}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {t('review.submittedAt')}
                      {t('common.colon')}
                      {r.submittedAt ? dateTime(r.submittedAt) : t('common.empty')}
                    </Text>
                  </div>
                  <Group gap={4} wrap="nowrap" style={{ flexShrink: 0 }}>
                    <StatusBadge status={shownStatus(r)} late={r.late} />
                    <IconChevronRight size={16} color="var(--mantine-color-gray-6)" />
                  </Group>
                </Group>
              </UnstyledButton>
            ) : null,
          )}
        </Stack>
      ) : (
        <Table striped highlightOnHover withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('report.period')}</Table.Th>
              <Table.Th>{t('common.status')}</Table.Th>
              <Table.Th>{t('review.submittedAt')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {reports.map(({ data: r }) =>
              r ? (
                <Table.Tr key={r.period}>
                  <Table.Td>{periodLabel(r.period)}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={shownStatus(r)} late={r.late} />
                  </Table.Td>
                  <Table.Td>{r.submittedAt ? dateTime(r.submittedAt) : t('common.empty')}</Table.Td>
                  <Table.Td ta="right">
                    <Anchor component={Link} to={reportPath(r)} size="sm">
                      {t('home.view')}
                    </Anchor>
                  </Table.Td>
                </Table.Tr>
              ) : null,
            )}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

/** The principal's start page: this quarter's task and deadline, the bureau's reminders, past quarters. */
export function PrincipalHomePage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const me = useMe();
  const schoolId = me.schoolId ?? 0;
  const period = reportingPeriod();
  const school = useQuery(trpc.schools.get.queryOptions({ schoolId }, { enabled: me.schoolId !== null }));
  const task = useQuery(trpc.reports.get.queryOptions({ schoolId, period }, { enabled: me.schoolId !== null }));
  return (
    <>
      <PageHeader title={t('home.heading')} description={t('home.welcome', { name: school.data?.name ?? me.displayName })} />
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="md">
            <QueryState query={task}>{(report) => <TaskCard report={report} />}</QueryState>
            <PastQuarters schoolId={schoolId} before={period} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack gap="md">
            <Reminders schoolId={schoolId} />
            <Card p="md">
              <Group justify="space-between" mb="sm">
                <Title order={3}>{t('home.schoolCard')}</Title>
                <Anchor component={Link} to="/my-school" size="sm">
                  {t('home.moreInfo')}
                </Anchor>
              </Group>
              <QueryState query={school}>{(s) => <SchoolFacts school={s} brief />}</QueryState>
            </Card>
          </Stack>
        </Grid.Col>
      </Grid>
    </>
  );
}
