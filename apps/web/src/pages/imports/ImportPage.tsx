import { Alert, Anchor, Badge, Button, FileInput, Group, Paper, SegmentedControl, Select, Stack, Text, Title } from '@mantine/core';
import { IconDownload, IconFileSpreadsheet, IconUpload } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportResponse } from '@oversight/domain';
import { useLabel } from '../../i18n/labels';
import { useCatalogue } from '../../shared/catalogue';
import { useCounty } from '../../shared/county';
import { recentPeriods, reportingPeriod, usePeriodLabel } from '../../shared/periods';
import { isOverseer } from '../../shared/roles';
import { useMe } from '../../shared/session';
import { useTRPC } from '../../shared/trpc';
import { FindingsTable, UploadProgress, uploadWithProgress, type UploadPhase } from '../../shared/ui/Upload';

type Phase = UploadPhase<ImportResponse>;

const NOTHING_STORED: ImportResponse = { ok: false, stored: 0, created: 0, updated: 0, unchanged: 0, skipped: 0, values: 0, errors: [], warnings: [] };

/** Asks for the annotated copy of the workbook (bad cells highlighted and commented) and saves it. */
async function downloadAnnotated(file: File, mode: string, name: string): Promise<void> {
  const form = new FormData();
  form.append('mode', mode);
  form.append('file', file);
  const response = await fetch('/api/import/reports?annotate=1', { method: 'POST', body: form, credentials: 'same-origin' });
  if (!response.ok) throw new Error(String(response.status));
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Spreadsheets in: template downloads (the county sheet for the bureau, the school's report for a
 * principal), upload with progress, the per-cell report of errors and warnings, and the annotated workbook.
 */
export function ImportPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const me = useMe();
  const label = useLabel();
  const catalogue = useCatalogue();
  const bureau = isOverseer(me);
  const queryClient = useQueryClient();
  const periodLabel = usePeriodLabel();
  const { countyId } = useCounty();
  const periods = recentPeriods(reportingPeriod(), 8).reverse();
  const [period, setPeriod] = useState<string>(periods[0]!);
  const [mode, setMode] = useState<'draft' | 'approved'>('draft');
  const [file, setFile] = useState<File | null>(null);
  const [phase, setPhase] = useState<Phase>({ step: 'idle' });
  const [annotating, setAnnotating] = useState(false);
  const [annotateFailed, setAnnotateFailed] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new file or mode starts the page over.
  useEffect(() => setPhase({ step: 'idle' }), [file, mode]);

  const template = bureau
    ? countyId && `/api/templates/county-reports.xlsx?countyId=${countyId}&period=${period}`
    : me.schoolId && `/api/templates/school-report.xlsx?schoolId=${me.schoolId}&period=${period}`;
  const start = async () => {
    if (!file) return;
    const form = new FormData();
    form.append('mode', bureau ? mode : 'draft');
    form.append('file', file);
    setPhase({ step: 'uploading', percent: 0 });
    try {
      const { status, body } = await uploadWithProgress(
        '/api/import/reports',
        form,
        NOTHING_STORED,
        (percent) => setPhase({ step: 'uploading', percent }),
        () => setPhase({ step: 'checking' }),
      );
      setPhase({ step: 'done', status, result: body });
      if (body?.ok) void queryClient.invalidateQueries(trpc.reports.pathFilter());
    } catch {
      setPhase({ step: 'done', status: 0, result: { ...NOTHING_STORED, error: { message: t('errors.network') } } });
    }
  };
  const annotated = async () => {
    if (!file) return;
    setAnnotating(true);
    setAnnotateFailed(false);
    try {
      await downloadAnnotated(file, bureau ? mode : 'draft', t('imports.annotatedName', { name: file.name.replace(/\.xlsx$/i, '') }));
    } catch {
      setAnnotateFailed(true);
    } finally {
      setAnnotating(false);
    }
  };
  const indicatorName = (code: string) => {
    const ind = catalogue.data?.indicators.find((i) => i.code === code);
    return ind ? label(ind.name) : code;
  };
  const result = phase.step === 'done' ? phase.result : null;
  const busy = phase.step === 'uploading' || phase.step === 'checking';

  return (
    <>
      <Title order={2} mb={4}>
        {t('imports.heading')}
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        {bureau ? t('imports.introBureau') : t('imports.introSchool')}
      </Text>
      <Stack gap="md">
        <Paper p="sm">
          <Title order={4} mb="xs">
            {t('imports.step1')}
          </Title>
          <Group align="flex-end">
            <Select
              label={t('imports.period')}
              w={180}
              allowDeselect={false}
              data={periods.map((p) => ({ value: p, label: periodLabel(p) }))}
              value={period}
              onChange={(v) => v && setPeriod(v)}
            />
            {template ? (
              <Button component="a" href={template} variant="light" leftSection={<IconDownload size={16} />}>
                {bureau ? t('imports.countyTemplate') : t('imports.schoolTemplate')}
              </Button>
            ) : (
              <Text size="sm" c="dimmed">
                {t('county.choose')}
              </Text>
            )}
          </Group>
          <Text size="xs" c="dimmed" mt={6}>
            {t('imports.templateHint')}
          </Text>
        </Paper>
        <Paper p="sm">
          <Title order={4} mb="xs">
            {t('imports.step2')}
          </Title>
          <Stack gap="sm">
            {bureau && (
              <div>
                <Text size="sm" fw={500} mb={4}>
                  {t('imports.mode')}
                </Text>
                <SegmentedControl
                  value={mode}
                  onChange={(v) => setMode(v as 'draft' | 'approved')}
                  data={[
                    { value: 'draft', label: t('imports.modeDraft') },
                    { value: 'approved', label: t('imports.modeApproved') },
                  ]}
                />
                <Text size="xs" c="dimmed" mt={4}>
                  {mode === 'approved' ? t('imports.modeApprovedHint') : t('imports.modeDraftHint')}
                </Text>
              </div>
            )}
            <Group align="flex-end">
              <FileInput
                label={t('imports.file')}
                placeholder={t('imports.choose')}
                accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                leftSection={<IconFileSpreadsheet size={16} />}
                value={file}
                onChange={setFile}
                clearable
                w={360}
              />
              <Button leftSection={<IconUpload size={16} />} disabled={!file} loading={busy} onClick={() => void start()}>
                {t('imports.upload')}
              </Button>
            </Group>
            <UploadProgress phase={phase} />
          </Stack>
        </Paper>
        {result && (
          <Paper p="sm">
            <Title order={4} mb="xs">
              {t('imports.step3')}
            </Title>
            {result.ok ? (
              <Alert color="teal" title={t('imports.stored')}>
                {t('imports.storedLine', { created: result.created, updated: result.updated, unchanged: result.unchanged, values: result.values })}
              </Alert>
            ) : (
              <Alert color="red" title={t('imports.refused')}>
                {result.error?.message ?? t('imports.refusedLine', { count: result.errors.length })}
              </Alert>
            )}
            <Group gap="xs" my="sm">
              <Badge color="red" variant="light">
                {t('imports.errorCount', { count: result.errors.length })}
              </Badge>
              <Badge color="yellow" variant="light">
                {t('imports.warningCount', { count: result.warnings.length })}
              </Badge>
              {(result.errors.length > 0 || result.warnings.length > 0) && (
                <Anchor component="button" size="sm" onClick={() => void annotated()} disabled={annotating}>
                  {annotating ? t('imports.annotating') : t('imports.annotated')}
                </Anchor>
              )}
              {annotateFailed && (
                <Text size="xs" c="red">
                  {t('imports.annotateFailed')}
                </Text>
              )}
            </Group>
            {result.errors.length > 0 && (
              <>
                <Text size="sm" fw={600} c="red.8" mb={4}>
                  {t('imports.errors')}
                </Text>
                <FindingsTable findings={result.errors} color="red" subjectTitle={t('imports.indicator')} subject={indicatorName} />
              </>
            )}
            {result.warnings.length > 0 && (
              <>
                <Text size="sm" fw={600} c="yellow.8" mt="sm" mb={4}>
                  {t('imports.warnings')}
                </Text>
                <FindingsTable findings={result.warnings} color="yellow" subjectTitle={t('imports.indicator')} subject={indicatorName} />
              </>
            )}
          </Paper>
        )}
      </Stack>
    </>
  );
}
