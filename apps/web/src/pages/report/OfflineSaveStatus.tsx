import { Group, Text } from '@mantine/core';
import { IconAlertTriangle, IconCloudUpload, IconWifiOff } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { SaveState } from './useReportDraft';

/**
 * What the save bar says while edits cannot reach the server: not yet saved, how many are kept on this device, and
 * whether they go out when the browser is back online or on the next retry; and while someone else's changes to the
 * same fields wait for a choice. The usual states (saving, saved, refused) are the editor's own status.
 */
export function OfflineSaveStatus({ state, online, kept, keptOnDevice }: { state: SaveState; online: boolean; kept: number; keptOnDevice: boolean }) {
  const { t } = useTranslation();
  if (kept > 0 && !keptOnDevice) {
    return (
      <Group gap={4} wrap="nowrap" role="status">
        <IconAlertTriangle size={16} color="var(--mantine-color-red-8)" aria-hidden />
        <Text size="sm" c="red.8">
          {t('draftSync.notKept')}
        </Text>
      </Group>
    );
  }
  if (state.kind === 'offline') {
    const parts = [t('draftSync.notSaved'), online ? t('draftSync.unreachable') : t('draftSync.offline')];
    if (kept > 0) parts.push(t('draftSync.kept', { count: kept }));
    parts.push(online ? t('draftSync.retrying') : t('draftSync.whenOnline'));
    return (
      <Group gap={4} wrap="nowrap" role="status">
        {online ? (
          <IconCloudUpload size={16} color="var(--mantine-color-orange-8)" aria-hidden />
        ) : (
          <IconWifiOff size={16} color="var(--mantine-color-orange-8)" aria-hidden />
        )}
        <Text size="sm" c="orange.8">
          {parts.join(' · ')}
        </Text>
      </Group>
    );
  }
  if (state.kind === 'choosing') {
    return (
      <Text size="sm" c="orange.8" role="status">
        {t('draftSync.choosing')}
      </Text>
    );
  }
  return null;
}
