import { Alert, Badge, Button, FileInput, Group, Modal, Stack, Text, Title } from '@mantine/core';
import { ROSTER_COLUMN, type RosterAccount, type RosterKey, type RosterResponse } from '@oversight/domain';
import { IconDownload, IconFileSpreadsheet, IconPrinter, IconUpload } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { County } from '../../shared/county';
import { useTRPC } from '../../shared/trpc';
import { FindingsTable, UploadProgress, uploadWithProgress, type UploadPhase } from '../../shared/ui/Upload';

const NOTHING_STORED: RosterResponse = { ok: false, created: 0, updated: 0, unchanged: 0, accounts: [], errors: [], warnings: [] };

/**
 * Onboarding from the bureau's roster: download the county's roster (its schools filled in), upload it filled in,
 * see every finding by cell, or on success what was created and updated, and the account slips to print for the
 * accounts just opened (their one-time passwords are answered once: they live only in this page's memory).
 */
export function RosterImportModal({ county, onClose, onSlips }: { county: County; onClose: () => void; onSlips: (accounts: RosterAccount[]) => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [phase, setPhase] = useState<UploadPhase<RosterResponse>>({ step: 'idle' });
  const busy = phase.step === 'uploading' || phase.step === 'checking';
  const result = phase.step === 'done' ? phase.result : null;

  const start = async () => {
    if (!file) return;
    const form = new FormData();
    form.append('file', file);
    setPhase({ step: 'uploading', percent: 0 });
    try {
      const { status, body } = await uploadWithProgress(
        `/api/import/schools?countyId=${county.id}`,
        form,
        NOTHING_STORED,
        (percent) => setPhase({ step: 'uploading', percent }),
        () => setPhase({ step: 'checking' }),
      );
      setPhase({ step: 'done', status, result: body });
      if (body.ok) {
        void queryClient.invalidateQueries(trpc.schools.pathFilter());
        void queryClient.invalidateQueries(trpc.users.pathFilter());
      }
    } catch {
      setPhase({ step: 'done', status: 0, result: { ...NOTHING_STORED, error: { message: t('errors.network') } } });
    }
  };
  const column = (code: string) => (code in ROSTER_COLUMN ? ROSTER_COLUMN[code as RosterKey].header : code === 'file' ? t('imports.wholeFile') : code);
  // The accounts' one-time passwords are never shown again: closing after they were opened goes to their slips.
  const opened = result?.ok ? result.accounts : [];
  const close = () => (opened.length ? onSlips(opened) : onClose());

  return (
    <Modal opened onClose={close} title={t('roster.title')} size="xl" closeOnClickOutside={!opened.length}>
      <Stack gap="md">
        <Text size="sm">{t('roster.intro')}</Text>
        <div>
          <Title order={5} mb={6}>
            {t('roster.step1')}
          </Title>
          <Button component="a" href={`/api/templates/school-roster.xlsx?countyId=${county.id}`} variant="light" leftSection={<IconDownload size={16} />}>
            {t('roster.template')}
          </Button>
          <Text size="xs" c="dimmed" mt={6}>
            {t('roster.templateHint')}
          </Text>
        </div>
        <div>
          <Title order={5} mb={6}>
            {t('roster.step2')}
          </Title>
          <Group align="flex-end">
            <FileInput
              label={t('imports.file')}
              placeholder={t('imports.choose')}
              accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              leftSection={<IconFileSpreadsheet size={16} />}
              value={file}
              onChange={(f) => {
                setFile(f);
                setPhase({ step: 'idle' });
              }}
              clearable
              w={{ base: '100%', sm: 360 }}
            />
            <Button leftSection={<IconUpload size={16} />} disabled={!file} loading={busy} onClick={() => void start()}>
              {t('roster.upload')}
            </Button>
          </Group>
          <UploadProgress phase={phase} />
        </div>
        {result &&
          (result.ok ? (
            <Alert color="teal" title={t('roster.stored')}>
              <Stack gap="xs">
                <Text size="sm">
                  {t('roster.storedLine', { created: result.created, updated: result.updated, unchanged: result.unchanged, accounts: result.accounts.length })}
                </Text>
                {result.accounts.length > 0 && (
                  <>
                    <Text size="sm" fw={600}>
                      {t('roster.printNow')}
                    </Text>
                    <Group>
                      <Button leftSection={<IconPrinter size={16} />} onClick={() => onSlips(result.accounts)}>
                        {t('roster.slips', { count: result.accounts.length })}
                      </Button>
                    </Group>
                  </>
                )}
              </Stack>
            </Alert>
          ) : (
            <Alert color="red" title={t('imports.refused')}>
              {result.error?.message ?? t('imports.refusedLine', { count: result.errors.length })}
            </Alert>
          ))}
        {result && (result.errors.length > 0 || result.warnings.length > 0) && (
          <div>
            <Group gap="xs" mb="xs">
              <Badge color="red" variant="light">
                {t('imports.errorCount', { count: result.errors.length })}
              </Badge>
              <Badge color="yellow" variant="light">
                {t('imports.warningCount', { count: result.warnings.length })}
              </Badge>
            </Group>
            {result.errors.length > 0 && <FindingsTable findings={result.errors} color="red" subjectTitle={t('roster.column')} subject={column} />}
            {result.warnings.length > 0 && (
              <>
                <Text size="sm" fw={600} c="yellow.8" mt="sm" mb={4}>
                  {t('imports.warnings')}
                </Text>
                <FindingsTable findings={result.warnings} color="yellow" subjectTitle={t('roster.column')} subject={column} />
              </>
            )}
          </div>
        )}
      </Stack>
    </Modal>
  );
}
