import { Paper, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { EvidenceFiles } from './EvidenceFiles';
import type { EvidenceFile } from './files';

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

/** Files of the report as a whole (neither an indicator nor a domain), or a line saying the school attached none; nothing while loading. */
export function WholeReportEvidence({ files }: { files: readonly EvidenceFile[] | undefined }) {
  const { t } = useTranslation();
  // Nothing until the list has loaded (an empty list would read as “none attached”).
  if (!files) return null;
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
