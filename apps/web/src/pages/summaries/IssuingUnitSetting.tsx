import { TextInput } from '@mantine/core';
import { ADMIN_ROLES, ISSUING_UNIT_MAX } from '@oversight/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage, useNotify } from '../../shared/errors';
import { useMe } from '../../shared/session';
import { useTRPC } from '../../shared/trpc';
import { SettingRow } from '../../shared/ui/SettingRow';

/**
 * The county's issuing unit (发文单位: 教育局, 教育和体育局, 教育科技局…), by default the county's name + 教育局: the name
 * new summaries are titled, signed and named with. Bureau admins change it; officers read it.
 */
export function IssuingUnitSetting({ countyId }: { countyId: number }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const me = useMe();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const setting = useQuery(trpc.summaries.issuingUnit.queryOptions({ countyId }));
  const [name, setName] = useState('');
  useEffect(() => {
    if (setting.data) setName(setting.data.issuingUnit);
  }, [setting.data]);
  const save = useMutation(
    trpc.summaries.setIssuingUnit.mutationOptions({
      onSuccess: (result) => {
        void queryClient.invalidateQueries(trpc.summaries.issuingUnit.queryFilter({ countyId }));
        notify.success(t('summaries.issuingUnitSaved', { name: result.issuingUnit }));
      },
    }),
  );
  if (!setting.data) return null;
  return (
    <SettingRow
      mt="xs"
      label={t('summaries.issuingUnitLabel')}
      value={setting.data.issuingUnit}
      editable={ADMIN_ROLES.includes(me.role)}
      saveLabel={t('summaries.issuingUnitSave')}
      changed={name.trim() !== setting.data.issuingUnit}
      saving={save.isPending}
      onSave={() => save.mutate({ countyId, issuingUnit: name })}
    >
      <TextInput
        aria-label={t('summaries.issuingUnitLabel')}
        size="xs"
        w={220}
        maxLength={ISSUING_UNIT_MAX + 10}
        placeholder={setting.data.defaultName}
        value={name}
        onChange={(e) => setName(e.currentTarget.value)}
        error={save.error ? errorMessage(save.error, t) : undefined}
      />
    </SettingRow>
  );
}
