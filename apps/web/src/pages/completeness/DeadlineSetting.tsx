import { Button, Group, NumberInput, Text } from '@mantine/core';
import { ADMIN_ROLES } from '@oversight/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage, useNotify } from '../../shared/errors';
import { useMe } from '../../shared/session';
import { useTRPC } from '../../shared/trpc';

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
  const canEdit = ADMIN_ROLES.includes(me.role);
  if (!deadline.data) return null;
  if (!canEdit) {
    return (
      <Text size="sm" c="dimmed">
        {t('completeness.deadlineLabel')} {deadline.data.days} {t('completeness.deadlineDays')}
      </Text>
    );
  }
  return (
    <Group gap="xs" align="flex-start">
      <Text size="sm" c="dimmed" mt={6}>
        {t('completeness.deadlineLabel')}
      </Text>
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
      <Text size="sm" c="dimmed" mt={6}>
        {t('completeness.deadlineDays')}
      </Text>
      <Button
        size="xs"
        variant="light"
        disabled={days === deadline.data.days || days === ''}
        loading={save.isPending}
        onClick={() => save.mutate({ countyId, days: Number(days) })}
      >
        {t('completeness.deadlineSave')}
      </Button>
    </Group>
  );
}
