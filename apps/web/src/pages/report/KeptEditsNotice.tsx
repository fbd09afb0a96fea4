import { Alert, Button, Group, Text } from '@mantine/core';
import { IconDeviceFloppy } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../shared/session';
import { browserStorage, keptEditsKey, readKeptEdits, writeKeptEdits } from './keptEdits';
import { editCount, noEdits } from './pendingEdits';

/**
 * On a report that can no longer be edited (submitted or locked while edits waited on this device): says that the
 * edits are still kept here and come back when the report is open again, and lets the user let go of them.
 */
export function KeptEditsNotice({ schoolId, period }: { schoolId: number; period: string }) {
  const { t } = useTranslation();
  const me = useMe();
  const storage = useMemo(browserStorage, []);
  const key = keptEditsKey(me.id, schoolId, period);
  const [kept, setKept] = useState(() => readKeptEdits(storage, key));
  if (!kept) return null;
  return (
    <Alert color="orange" icon={<IconDeviceFloppy size={18} />} mb="sm" title={t('draftSync.keptTitle', { count: editCount(kept) })}>
      <Text size="sm">{t('draftSync.keptReadonly')}</Text>
      <Group mt="xs">
        <Button
          size="xs"
          variant="default"
          onClick={() => {
            writeKeptEdits(storage, key, noEdits(kept.baseVersion));
            setKept(null);
          }}
        >
          {t('draftSync.discard')}
        </Button>
      </Group>
    </Alert>
  );
}
