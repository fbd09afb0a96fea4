import { Alert, Button, CloseButton, FileButton, Group, Progress, Stack, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconCamera, IconPaperclip } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EvidenceFile } from '@oversight/domain';
import { EVIDENCE_ACCEPT } from '../../../shared/evidence/files';
import { EvidenceError, uploadEvidence, type EvidenceTarget } from './upload';

interface Transfer {
  key: number;
  name: string;
  percent: number;
  error: string | null;
}

let nextKey = 0;

/**
 * Attaches files to one indicator or domain: a file picker (several at once) and, on a phone, the camera; each file uploads in turn
 * with its progress, and a refusal shows the server's own message under the button until dismissed.
 */
export function EvidenceUpload({
  schoolId,
  period,
  target,
  targetName,
  onUploaded,
}: {
  schoolId: number;
  period: string;
  target: EvidenceTarget;
  targetName: string;
  onUploaded: (file: EvidenceFile) => void;
}) {
  const { t } = useTranslation();
  // A phone (touch, or a narrow screen): the camera directly, besides the file picker.
  const touch = useMediaQuery('(pointer: coarse), (max-width: 48em)');
  const [transfers, setTransfers] = useState<Transfer[]>([]);
  const update = (key: number, change: Partial<Transfer>) => setTransfers((all) => all.map((x) => (x.key === key ? { ...x, ...change } : x)));

  const send = async (files: File[]) => {
    const queued = files.map((file) => ({ file, transfer: { key: nextKey++, name: file.name, percent: 0, error: null } satisfies Transfer }));
    setTransfers((all) => [...all.filter((x) => x.error !== null), ...queued.map((q) => q.transfer)]);
    for (const { file, transfer } of queued) {
      try {
        const stored = await uploadEvidence(schoolId, period, file, target, (percent) => update(transfer.key, { percent }));
        setTransfers((all) => all.filter((x) => x.key !== transfer.key));
        onUploaded(stored);
      } catch (error) {
        const message = error instanceof EvidenceError && error.serverMessage ? error.serverMessage : t('errors.network');
        update(transfer.key, { error: t('evidence.failed', { name: file.name, message }) });
      }
    }
  };

  return (
    <Stack gap={6}>
      <Group gap="xs">
        <FileButton onChange={(files) => files.length && void send(files)} accept={EVIDENCE_ACCEPT} multiple>
          {(props) => (
            <Button {...props} size="xs" variant="light" leftSection={<IconPaperclip size={14} />} aria-label={t('evidence.attachTo', { target: targetName })}>
              {t('evidence.attach')}
            </Button>
          )}
        </FileButton>
        {touch && (
          <FileButton onChange={(file) => file && void send([file])} accept="image/*" capture="environment">
            {(props) => (
              <Button {...props} size="xs" variant="default" leftSection={<IconCamera size={14} />} aria-label={t('evidence.cameraTo', { target: targetName })}>
                {t('evidence.camera')}
              </Button>
            )}
          </FileButton>
        )}
      </Group>
      {transfers.map((x) =>
        x.error === null ? (
          <div key={x.key} role="status" aria-live="polite">
            <Text size="xs" c="dimmed" truncate="end">
              {x.percent < 100 ? t('evidence.uploading', { name: x.name, percent: x.percent }) : t('evidence.checking', { name: x.name })}
            </Text>
            <Progress value={x.percent} size="sm" animated={x.percent >= 100} striped={x.percent >= 100} />
          </div>
        ) : (
          <Alert key={x.key} color="red" p="xs" role="alert">
            <Group gap="xs" wrap="nowrap" justify="space-between" align="flex-start">
              <Text size="sm">{x.error}</Text>
              <CloseButton size="sm" aria-label={t('evidence.dismiss')} onClick={() => setTransfers((all) => all.filter((y) => y.key !== x.key))} />
            </Group>
          </Alert>
        ),
      )}
    </Stack>
  );
}
