import { Button } from '@mantine/core';
import { IconFileZip } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

/**
 * Downloads every evidence file of the county for a year as one zip (a folder per school and quarter, original names), streamed by the
 * server; the session cookie goes along.
 */
export function CountyEvidenceZip({ countyId, year }: { countyId: number; year: number }) {
  const { t } = useTranslation();
  return (
    <Button
      component="a"
      href={`/api/evidence/county/${countyId}/${year}.zip`}
      variant="default"
      leftSection={<IconFileZip size={16} />}
      title={t('evidence.countyZipHint')}
    >
      {t('evidence.countyZip', { year })}
    </Button>
  );
}
