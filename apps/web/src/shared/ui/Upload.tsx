import { Progress, Table, Text } from '@mantine/core';
import type { ImportFinding } from '@oversight/domain';
import { useTranslation } from 'react-i18next';

/** Where an upload is: sending (with progress), being checked by the server, or answered. */
export type UploadPhase<T> = { step: 'idle' } | { step: 'uploading'; percent: number } | { step: 'checking' } | { step: 'done'; status: number; result: T };

/**
 * Sends a multipart form with XMLHttpRequest, for upload progress; the session cookie goes with it (same origin).
 * A refusal before the file is read (sign-in, role, too many imports) carries only `error`: `empty` fills the rest.
 */
export function uploadWithProgress<T extends object>(
  url: string,
  form: FormData,
  empty: T,
  onProgress: (percent: number) => void,
  onUploaded: () => void,
): Promise<{ status: number; body: T }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((e.loaded / e.total) * 100));
    xhr.upload.onload = onUploaded;
    xhr.onload = () => resolve({ status: xhr.status, body: { ...empty, ...(xhr.response as Partial<T> | null) } });
    xhr.onerror = () => reject(new Error('network'));
    xhr.send(form);
  });
}

/** The progress line of an upload while it is sent and checked. */
export function UploadProgress({ phase }: { phase: UploadPhase<unknown> }) {
  const { t } = useTranslation();
  if (phase.step === 'uploading') {
    return (
      <div role="status" aria-live="polite">
        <Text size="xs" c="dimmed">
          {t('imports.uploading', { percent: phase.percent })}
        </Text>
        <Progress value={phase.percent} size="sm" />
      </div>
    );
  }
  if (phase.step === 'checking') {
    return (
      <div role="status" aria-live="polite">
        <Text size="xs" c="dimmed">
          {t('imports.checking')}
        </Text>
        <Progress value={100} animated striped size="sm" />
      </div>
    );
  }
  return null;
}

/** An import's findings, one row per cell: sheet, row, column, what the cell is (`subject`), and the message. */
export function FindingsTable({
  findings,
  color,
  subjectTitle,
  subject,
}: {
  findings: ImportFinding[];
  color: string;
  subjectTitle: string;
  subject: (code: string) => string;
}) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={700} mah={420}>
      <Table striped withTableBorder fz="sm" verticalSpacing={3} stickyHeader>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={140}>{t('imports.sheet')}</Table.Th>
            <Table.Th w={60}>{t('imports.row')}</Table.Th>
            <Table.Th w={60}>{t('imports.column')}</Table.Th>
            <Table.Th w={200}>{subjectTitle}</Table.Th>
            <Table.Th>{t('imports.message')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {findings.map((f, i) => (
            <Table.Tr key={i}>
              <Table.Td>{f.sheet ?? t('imports.wholeFile')}</Table.Td>
              <Table.Td>{f.row ?? t('common.empty')}</Table.Td>
              <Table.Td>{f.column ?? t('common.empty')}</Table.Td>
              <Table.Td>{f.code ? subject(f.code) : t('common.empty')}</Table.Td>
              <Table.Td c={`${color}.9`}>{f.message}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
