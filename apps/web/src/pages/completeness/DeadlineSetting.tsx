import { NumberInput } from '@mantine/core';
import { ADMIN_ROLES } from '@oversight/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage, useNotify } from '../../shared/errors';
import { useMe } from '../../shared/session';
import { useTRPC } from '../../shared/trpc';
import { SettingRow } from '../../shared/ui/SettingRow';

/** The county's deadline (days after a quarter ends); bureau admins may change it. */
export function DeadlineSetting({ countyId }: { countyId: number }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const me = useMe();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const deadline = useQuery(trpc.reports.deadline.queryOptions({ countyId }));
  const [days, setDays] = useState<number | string>('');
  useEffect(() => {
    if (deadline.data) setDays(deadline.data.days);
  }, [deadline.data]);
  const save = useMutation(
    trpc.reports.setDeadline.mutationOptions({
      onSuccess: (result) => {
        void queryClient.invalidateQueries(trpc.reports.pathFilter());
        notify.success(t('completeness.deadlineSaved', { days: result.days }));
      },
    }),
  );
  if (!deadline.data) return null;
  return (
    <SettingRow
      label={t('completeness.deadlineLabel')}
      value={`${deadline.data.days} ${t('completeness.deadlineDays')}`}
      editable={ADMIN_ROLES.includes(me.role)}
      unit={t('completeness.deadlineDays')}
      saveLabel={t('completeness.deadlineSave')}
      changed={days !== deadline.data.days && days !== ''}
      saving={save.isPending}
      onSave={() => save.mutate({ countyId, days: Number(days) })}
    >
      <NumberInput
        aria-label={t('completeness.deadlineLabel')}
        size="xs"
        w={80}
        min={0}
        max={90}
        allowDecimal={false}
        allowNegative={false}
        value={days}
        onChange={setDays}
        error={save.error ? errorMessage(save.error, t) : undefined}
      />
    </SettingRow>
  );
}
