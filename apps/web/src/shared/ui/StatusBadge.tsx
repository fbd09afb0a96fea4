import { Badge, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export type ReportStatus = 'draft' | 'submitted' | 'approved' | 'returned' | 'missing';

/** One colour per report state, used by the matrix, the queue and the forms alike. */
export const STATUS_COLORS: Record<ReportStatus, string> = {
  missing: 'gray',
  draft: 'yellow',
  submitted: 'blue',
  returned: 'orange',
  approved: 'teal',
};

/** A report that was never saved shows as missing. */
export const shownStatus = (r: { status: Exclude<ReportStatus, 'missing'>; version: number }): ReportStatus => (r.version === 0 ? 'missing' : r.status);

export function StatusBadge({ status, late }: { status: ReportStatus; late?: boolean }) {
  const { t } = useTranslation();
  return (
    <Group gap={4} wrap="nowrap">
      <Badge color={STATUS_COLORS[status]} variant="light" radius="sm">
        {t(`status.${status}`)}
      </Badge>
      {late && (
        <Badge color="red" variant="filled" radius="sm">
          {t('status.late')}
        </Badge>
      )}
    </Group>
  );
}

/** Whether an account or a school is in use. */
export function ActiveBadge({ active }: { active: boolean }) {
  const { t } = useTranslation();
  return (
    <Badge color={active ? 'teal' : 'gray'} variant="light">
      {active ? t('common.active') : t('common.inactive')}
    </Badge>
  );
}
