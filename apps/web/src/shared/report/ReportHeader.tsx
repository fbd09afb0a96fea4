import { Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useDateFormat, usePeriodLabel } from '../periods';
import type { ReportView, School } from '../trpc';
import { PageHeader } from '../ui/PageHeader';
import { shownStatus, StatusBadge } from '../ui/StatusBadge';

/** School, quarter, status, deadline and submission time: the line every report view opens with. */
export function ReportHeader({ report, school, actions }: { report: ReportView; school: School; actions?: ReactNode }) {
  const { t } = useTranslation();
  const periodLabel = usePeriodLabel();
  const { date, dateTime } = useDateFormat();
  return (
    <PageHeader title={t('report.heading', { school: school.name, period: periodLabel(report.period) })} actions={actions}>
      <Group gap="md">
        <StatusBadge status={shownStatus(report)} late={report.late} />
        <Text size="sm" c="dimmed">
          {t('report.deadline', { date: date(report.deadline) })}
        </Text>
        {report.submittedAt && (
          <Text size="sm" c="dimmed">
            {t('review.submittedAt')}
            {t('common.colon')}
            {dateTime(report.submittedAt)}
          </Text>
        )}
      </Group>
    </PageHeader>
  );
}
