import { ActionIcon, Anchor, Box, Button, Group, Image, Modal, Paper, ScrollArea, Stack, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { usePhone } from '../ui/usePhone';
import {
  IconDownload,
  IconExternalLink,
  IconFile,
  IconFileTypeDoc,
  IconFileTypePdf,
  IconFileTypeXls,
  IconTrash,
  IconZoomIn,
  IconZoomOut,
} from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocale } from '../../i18n/labels';
import { evidenceKind, evidenceUrl, fileSize, type EvidenceFile } from './files';

const ICONS = { pdf: IconFileTypePdf, word: IconFileTypeDoc, excel: IconFileTypeXls, other: IconFile } as const;
const ICON_COLORS = { pdf: 'red.7', word: 'blue.7', excel: 'green.7', other: 'gray.6' } as const;

/** The picture of a file: its thumbnail for an image, an icon of its type otherwise. */
function Preview({ file }: { file: EvidenceFile }) {
  const kind = evidenceKind(file.type);
  if (kind === 'image') return <Image src={evidenceUrl(file.id, 'thumb')} alt={file.name} w={56} h={56} fit="cover" radius="sm" loading="lazy" />;
  const Icon = ICONS[kind];
  return (
    <Box w={56} h={56} style={{ display: 'grid', placeItems: 'center' }} c={ICON_COLORS[kind]} aria-hidden>
      <Icon size={40} stroke={1.4} />
    </Box>
  );
}

/** An image at full size in a modal: fitted to the window, or at its own size to read a certificate's small print. */
function ImageZoom({ file, onClose }: { file: EvidenceFile; onClose: () => void }) {
  const { t } = useTranslation();
  const phone = usePhone();
  const [actual, setActual] = useState(false);
  return (
    <Modal opened onClose={onClose} title={file.name} size="xl" fullScreen={phone} centered>
      <Stack gap="xs">
        <Group gap="xs">
          <Button size="xs" variant="default" leftSection={actual ? <IconZoomOut size={14} /> : <IconZoomIn size={14} />} onClick={() => setActual((a) => !a)}>
            {actual ? t('evidence.fit') : t('evidence.actualSize')}
          </Button>
          <Button size="xs" variant="default" component="a" href={evidenceUrl(file.id, 'download')} leftSection={<IconDownload size={14} />}>
            {t('evidence.download')}
          </Button>
        </Group>
        {actual ? (
          <ScrollArea h="75vh">
            <img src={evidenceUrl(file.id)} alt={file.name} style={{ display: 'block', maxWidth: 'none' }} />
          </ScrollArea>
        ) : (
          <Image src={evidenceUrl(file.id)} alt={file.name} fit="contain" mah="75vh" onClick={() => setActual(true)} style={{ cursor: 'zoom-in' }} />
        )}
      </Stack>
    </Modal>
  );
}

/**
 * Evidence files as tiles: a thumbnail or a type icon, the original name and size. An image opens enlarged in a modal, a PDF in the
 * browser's own viewer (a new tab), a Word or Excel file downloads. With `onRemove`, each tile has a remove button.
 */
export function EvidenceFiles({
  files,
  onRemove,
  removing,
  empty,
}: {
  files: readonly EvidenceFile[];
  onRemove?: (file: EvidenceFile) => void;
  removing?: EvidenceFile['id'] | null;
  empty?: ReactNode;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [zoomed, setZoomed] = useState<EvidenceFile | null>(null);
  if (!files.length) return empty ?? null;
  return (
    <>
      <Group gap="xs" align="stretch" data-evidence-files>
        {files.map((file) => {
          const kind = evidenceKind(file.type);
          const body = (
            <Group gap={8} wrap="nowrap" align="center">
              <Preview file={file} />
              <Box miw={0} maw={170}>
                <Text size="sm" truncate="end" title={file.name} dir="auto">
                  {file.name}
                </Text>
                <Text size="xs" c="dimmed">
                  {fileSize(file.size, locale)}
                  {kind === 'pdf' && <IconExternalLink size={12} style={{ marginLeft: 4, verticalAlign: -1 }} aria-hidden />}
                </Text>
              </Box>
            </Group>
          );
          const label = t(kind === 'image' ? 'evidence.zoom' : kind === 'pdf' ? 'evidence.openPdf' : 'evidence.downloadFile', { name: file.name });
          return (
            <Paper key={file.id} withBorder p={6} radius="sm" data-evidence={file.id} data-kind={kind}>
              <Group gap={4} wrap="nowrap" align="center">
                {kind === 'image' ? (
                  <UnstyledButton onClick={() => setZoomed(file)} aria-label={label}>
                    {body}
                  </UnstyledButton>
                ) : (
                  <Anchor
                    href={evidenceUrl(file.id, kind === 'pdf' ? undefined : 'download')}
                    target={kind === 'pdf' ? '_blank' : undefined}
                    rel="noopener"
                    underline="never"
                    c="inherit"
                    aria-label={label}
                  >
                    {body}
                  </Anchor>
                )}
                {onRemove && (
                  <Tooltip label={t('evidence.remove')}>
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      loading={removing === file.id}
                      onClick={() => onRemove(file)}
                      aria-label={t('evidence.removeNamed', { name: file.name })}
                    >
                      <IconTrash size={16} />
                    </ActionIcon>
                  </Tooltip>
                )}
              </Group>
            </Paper>
          );
        })}
      </Group>
      {zoomed && <ImageZoom file={zoomed} onClose={() => setZoomed(null)} />}
    </>
  );
}
