import { Checkbox, Paper, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useLabel } from '../../../i18n/labels';
import { EvidenceFiles } from '../../../shared/evidence/EvidenceFiles';
import type { EvidenceFile } from '../../../shared/evidence/files';
import type { Catalogue } from '../../../shared/trpc';

/** Where a file is attached, in words: the indicator's name, the domain's, or the report as a whole. */
export function useAnchorName(catalogue: Catalogue) {
  const { t } = useTranslation();
  const label = useLabel();
  return (file: EvidenceFile) => {
    if (file.indicator) {
      const indicator = catalogue.indicators.find((i) => i.code === file.indicator);
      return indicator ? label(indicator.name) : file.indicator;
    }
    if (file.domain && file.domain in catalogue.domains) return label(catalogue.domains[file.domain as keyof Catalogue['domains']]);
    return t('evidence.wholeReport');
  };
}

/** The files beside the figures: an indicator's under its notes, a domain's under its heading (for ReportComparison's `aside`). */
export function evidenceAside(files: readonly EvidenceFile[]) {
  return (anchor: { indicator: string } | { domain: string }) => {
    const own = 'indicator' in anchor ? files.filter((f) => f.indicator === anchor.indicator) : files.filter((f) => !f.indicator && f.domain === anchor.domain);
    return own.length ? (
      <div style={{ marginTop: 4 }}>
        <EvidenceFiles files={own} />
      </div>
    ) : null;
  };
}

/** Files of the report as a whole (neither an indicator nor a domain), or a line saying the school attached none. */
export function WholeReportEvidence({ files }: { files: readonly EvidenceFile[] }) {
  const { t } = useTranslation();
  const whole = files.filter((f) => !f.indicator && !f.domain);
  if (files.length > 0 && whole.length === 0) return null;
  return (
    <Paper p="sm" mb="sm" withBorder>
      <Text size="sm" fw={600} mb={4}>
        {t('evidence.heading')}
      </Text>
      {whole.length ? (
        <EvidenceFiles files={whole} />
      ) : (
        <Text size="sm" c="dimmed">
          {t('evidence.reviewNone')}
        </Text>
      )}
    </Paper>
  );
}

/**
 * In the return dialog: the report's files to tick; each ticked file adds a line naming it (and what it supports) to the reason,
 * unticking takes the line out again, so the school reads which file to replace.
 */
export function ReturnFilePicker({
  files,
  catalogue,
  reason,
  onReason,
}: {
  files: readonly EvidenceFile[];
  catalogue: Catalogue;
  reason: string;
  onReason: (reason: string) => void;
}) {
  const { t } = useTranslation();
  const anchorName = useAnchorName(catalogue);
  if (!files.length) return null;
  const line = (file: EvidenceFile) => t('evidence.returnFileLine', { name: file.name, target: anchorName(file) });
  const lines = reason.split('\n');
  const ticked = files.filter((f) => lines.includes(line(f))).map((f) => String(f.id));
  const toggle = (ids: string[]) => {
    // The ticked files' lines first, in the list's order, then whatever the officer wrote themselves.
    const fileLines = new Set(files.map(line));
    const own = lines.filter((l) => !fileLines.has(l));
    const picked = files.filter((f) => ids.includes(String(f.id))).map(line);
    onReason([...picked, ...own].join('\n').trim());
  };
  return (
    <Checkbox.Group label={t('evidence.returnFiles')} description={t('evidence.returnFilesHint')} value={ticked} onChange={toggle}>
      <Stack gap={6} mt={6}>
        {files.map((file) => (
          <Checkbox key={file.id} value={String(file.id)} label={`${file.name}（${anchorName(file)}）`} />
        ))}
      </Stack>
    </Checkbox.Group>
  );
}
