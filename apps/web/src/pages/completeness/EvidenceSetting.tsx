import { Select } from '@mantine/core';
import { ADMIN_ROLES, shiftPeriod, type Period } from '@oversight/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage, useNotify } from '../../shared/errors';
import { reportingPeriod, recentPeriods, usePeriodLabel } from '../../shared/periods';
import { useMe } from '../../shared/session';
import { useTRPC } from '../../shared/trpc';
import { SettingRow } from '../../shared/ui/SettingRow';

const NONE = 'none';

/**
 * From which quarter the county's reports must carry the evidence (佐证材料) the catalogue names: none until a bureau
 * admin chooses one, so a county announces the rule to its schools before submissions start being refused for it.
 */
export function EvidenceSetting({ countyId }: { countyId: number }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const me = useMe();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const periodLabel = usePeriodLabel();
  const setting = useQuery(trpc.evidence.requiredFrom.queryOptions({ countyId }));
  const [choice, setChoice] = useState<string>(NONE);
  useEffect(() => {
    if (setting.data) setChoice(setting.data.from ?? NONE);
  }, [setting.data]);
  const save = useMutation(
    trpc.evidence.setRequiredFrom.mutationOptions({
      onSuccess: (result) => {
        void queryClient.invalidateQueries(trpc.evidence.pathFilter());
        void queryClient.invalidateQueries(trpc.reports.pathFilter());
        notify.success(result.from ? t('evidence.requiredFromSaved', { period: periodLabel(result.from) }) : t('evidence.requiredFromLifted'));
      },
    }),
  );
  if (!setting.data) return null;
  const current = setting.data.from;
  // The quarter being reported, the two after it and the three before; a quarter set earlier stays choosable.
  const quarters = recentPeriods(shiftPeriod(reportingPeriod(), 2), 6).reverse();
  if (current && !quarters.includes(current)) quarters.push(current);
  const options = [{ value: NONE, label: t('evidence.requiredFromNone') }, ...quarters.map((q) => ({ value: q, label: periodLabel(q) }))];
  return (
    <SettingRow
      mt={4}
      label={t('evidence.requiredFromLabel')}
      value={current ? periodLabel(current) : t('evidence.requiredFromNone')}
      editable={ADMIN_ROLES.includes(me.role)}
      saveLabel={t('evidence.requiredFromSave')}
      changed={choice !== (current ?? NONE)}
      saving={save.isPending}
      onSave={() => save.mutate({ countyId, from: choice === NONE ? null : (choice as Period) })}
    >
      <Select
        aria-label={t('evidence.requiredFromLabel')}
        size="xs"
        w={170}
        data={options}
        value={choice}
        onChange={(v) => setChoice(v ?? NONE)}
        allowDeselect={false}
        error={save.error ? errorMessage(save.error, t) : undefined}
      />
    </SettingRow>
  );
}
