import { Badge, Box, Group, NativeSelect, Paper, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPaperclip } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useLabel } from '../../../i18n/labels';
import { useNotify } from '../../../shared/errors';
import { EvidenceFiles } from '../../../shared/evidence/EvidenceFiles';
import type { EvidenceFile } from '../../../shared/evidence/files';
import type { Indicator } from '../../../shared/trpc';
import { ConfirmDialog } from '../../../shared/ui/ConfirmDialog';
import type { FieldIssue } from '../IndicatorField';
import { EvidenceUpload } from './EvidenceUpload';
import { EvidenceError, removeEvidence, type EvidenceTarget } from './upload';

/** One place files attach to: an indicator (with what its evidence rule says is missing) or the domain as a whole. */
function Slot({
  title,
  target,
  files,
  needs,
  editable,
  schoolId,
  period,
  onUploaded,
  onRemove,
  removing,
  upload,
}: {
  title: string;
  target: EvidenceTarget;
  files: readonly EvidenceFile[];
  needs: readonly FieldIssue[];
  editable: boolean;
  schoolId: number;
  period: string;
  onUploaded: () => void;
  onRemove: (file: EvidenceFile) => void;
  removing: EvidenceFile['id'] | null;
  /** Instead of the upload button for this slot's own target. */
  upload?: ReactNode;
}) {
  const { t } = useTranslation();
  const anchor = 'indicator' in target ? { 'data-evidence-indicator': target.indicator } : { 'data-evidence-domain': target.domain };
  return (
    <Box py="xs" style={{ borderTop: '1px solid var(--mantine-color-gray-2)' }} {...anchor}>
      <Group gap="xs" mb={4}>
        <Text size="sm" fw={500}>
          {title}
        </Text>
        {needs.length > 0 && (
          <Badge size="sm" variant="light" color={needs.some((n) => n.severity === 'error') ? 'red' : 'orange'}>
            {t('evidence.needed')}
          </Badge>
        )}
      </Group>
      {needs.map((n) => (
        <Text key={n.message} size="xs" c={n.severity === 'error' ? 'red.8' : 'orange.9'} role="status">
          {n.message}
        </Text>
      ))}
      <Stack gap={6} mt={4}>
        <EvidenceFiles
          files={files}
          onRemove={editable ? onRemove : undefined}
          removing={removing}
          empty={
            <Text size="xs" c="dimmed">
              {t('evidence.none')}
            </Text>
          }
        />
        {editable && (upload ?? <EvidenceUpload schoolId={schoolId} period={period} target={target} targetName={title} onUploaded={onUploaded} />)}
      </Stack>
    </Box>
  );
}

/**
 * The evidence of one domain of the report form: a slot per indicator that needs or has files, and one for the domain as a whole.
 * While the report is editable files are added (several at once, or a photo from the phone's camera) and removed.
 */
export function EvidencePanel({
  schoolId,
  period,
  domain,
  domainName,
  indicators,
  choices,
  files,
  needs,
  editable,
  onChanged,
}: {
  schoolId: number;
  period: string;
  domain: string;
  domainName: string;
  /** The indicators of the domain that take evidence (by the catalogue's rules) or already have some: a slot each. */
  indicators: readonly Indicator[];
  /** Every indicator of the domain: a file may be attached to any of them from the domain's slot. */
  choices: readonly Indicator[];
  files: readonly EvidenceFile[];
  /** What is missing per indicator code (the report's evidence findings). */
  needs: (code: string) => readonly FieldIssue[];
  editable: boolean;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const label = useLabel();
  const notify = useNotify();
  const [confirming, setConfirming] = useState<EvidenceFile | null>(null);
  const [removing, setRemoving] = useState<EvidenceFile['id'] | null>(null);
  /** What the domain slot's upload attaches to: '' for the domain itself, else an indicator's code. */
  const [attachTo, setAttachTo] = useState('');
  const ofIndicator = (code: string) => files.filter((f) => f.indicator === code);
  const ofDomain = files.filter((f) => !f.indicator && f.domain === domain);

  const remove = async (file: EvidenceFile) => {
    setConfirming(null);
    setRemoving(file.id);
    try {
      await removeEvidence(file.id);
      notify.success(t('evidence.removed', { name: file.name }));
    } catch (error) {
      const message = error instanceof EvidenceError && error.serverMessage ? error.serverMessage : t('errors.network');
      notifications.show({ color: 'red', title: t('errors.title'), message: t('evidence.removeFailed', { name: file.name, message }), autoClose: 8000 });
    } finally {
      setRemoving(null);
      onChanged();
    }
  };

  const common = { editable, schoolId, period, onUploaded: onChanged, onRemove: setConfirming, removing };
  const count = indicators.reduce((n, i) => n + ofIndicator(i.code).length, ofDomain.length);
  return (
    <Paper withBorder p="sm" mt="md" data-evidence-panel={domain}>
      <Group gap="xs" justify="space-between">
        <Group gap={6}>
          <IconPaperclip size={16} aria-hidden />
          <Title order={5}>
            {t('evidence.heading')}
            {t('common.colon')}
            {domainName}
          </Title>
        </Group>
        <Text size="xs" c="dimmed">
          {t('evidence.count', { count })}
        </Text>
      </Group>
      {editable && (
        <Text size="xs" c="dimmed" mb={4}>
          {t('evidence.intro')}
        </Text>
      )}
      {indicators.map((indicator) => (
        <Slot
          key={indicator.code}
          title={label(indicator.name)}
          target={{ indicator: indicator.code }}
          files={ofIndicator(indicator.code)}
          needs={needs(indicator.code)}
          {...common}
        />
      ))}
      <Slot
        title={t('evidence.forDomain')}
        target={{ domain }}
        files={ofDomain}
        needs={[]}
        {...common}
        upload={
          <Stack gap={6}>
            <NativeSelect
              label={t('evidence.attachFor')}
              size="xs"
              maw={360}
              value={attachTo}
              onChange={(e) => setAttachTo(e.currentTarget.value)}
              data={[{ value: '', label: t('evidence.wholeDomain', { domain: domainName }) }, ...choices.map((i) => ({ value: i.code, label: label(i.name) }))]}
            />
            <EvidenceUpload
              schoolId={schoolId}
              period={period}
              target={attachTo ? { indicator: attachTo } : { domain }}
              targetName={attachTo ? label(choices.find((i) => i.code === attachTo)!.name) : t('evidence.forDomain')}
              onUploaded={onChanged}
            />
          </Stack>
        }
      />
      <ConfirmDialog
        opened={confirming !== null}
        title={t('evidence.removeTitle')}
        message={t('evidence.removeConfirm', { name: confirming?.name ?? '' })}
        confirmLabel={t('evidence.remove')}
        color="red"
        onConfirm={() => confirming && void remove(confirming)}
        onClose={() => setConfirming(null)}
      />
    </Paper>
  );
}
