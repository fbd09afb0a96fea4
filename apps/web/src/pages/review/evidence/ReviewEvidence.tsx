import { Checkbox, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useLabel } from '../../../i18n/labels';
import type { EvidenceFile } from '../../../shared/evidence/files';
import type { Catalogue } from '../../../shared/trpc';
import { withFileLines } from './reason';

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
  const toggle = (ids: string[]) => onReason(withFileLines(reason, files.map(line), files.filter((f) => ids.includes(String(f.id))).map(line)));
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
