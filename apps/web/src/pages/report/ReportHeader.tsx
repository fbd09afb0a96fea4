import { Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReportView, School } from '../../app/trpc';
import { PageHeader } from '../../components/PageHeader';
import { useDateFormat, usePeriodLabel } from '../../components/periods';
import { shownStatus, StatusBadge } from '../../components/StatusBadge';

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
