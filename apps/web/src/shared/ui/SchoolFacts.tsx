import { Table } from '@mantine/core';
import { LOCATION_LABELS, OWNERSHIP_LABELS, SCHOOL_TYPE_LABELS } from '@oversight/domain';
import { useTranslation } from 'react-i18next';
import { useLabel, useLocale } from '../../i18n/labels';
import type { School } from '../trpc';

/** A school's registered facts as a two-column table; `brief` keeps the lines a home-page card needs. */
export function SchoolFacts({ school, countyName, brief }: { school: School; countyName?: string | undefined; brief?: boolean }) {
  const { t } = useTranslation();
  const label = useLabel();
  const locale = useLocale();
  const yesNo = (v: boolean) => (v ? t('profile.yes') : t('profile.no'));
  const area = (v: number) => t('profile.area', { value: v.toLocaleString(locale, { maximumFractionDigits: 0 }) });
  const rows: [string, string][] = [
    [t('schools.name'), school.name],
    [t('schools.code'), school.code],
    [t('schools.type'), label(SCHOOL_TYPE_LABELS[school.type])],
    ...(brief
      ? []
      : ([
          ...(countyName ? [[t('profile.county'), countyName]] : []),
          [t('schools.ownership'), label(OWNERSHIP_LABELS[school.ownership])],
          [t('schools.location'), label(LOCATION_LABELS[school.location])],
          [t('schools.boarding'), yesNo(school.boarding)],
          [t('schools.buildingArea'), area(school.buildingAreaM2)],
          [t('schools.siteArea'), area(school.siteAreaM2)],
        ] as [string, string][])),
    [t('schools.hasCanteen'), yesNo(school.hasCanteen)],
  ];
  return (
    <Table withRowBorders verticalSpacing={8} variant="vertical" layout="fixed">
      <Table.Tbody>
        {rows.map(([name, value]) => (
          <Table.Tr key={name}>
            <Table.Th w={brief ? 110 : 200}>{name}</Table.Th>
            <Table.Td>{value}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
