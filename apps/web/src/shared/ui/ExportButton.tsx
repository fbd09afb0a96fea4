import { Button } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

/** Downloads the table on screen as .xlsx from a file route (same columns, Chinese headers); the session cookie goes along. */
export function ExportButton({ href }: { href: string | null }) {
  const { t } = useTranslation();
  if (!href) return null;
  return (
    <Button component="a" href={href} variant="default" leftSection={<IconDownload size={16} />}>
      {t('imports.exportXlsx')}
    </Button>
  );
}
