import { Group, Select } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { QuarterSelect, YearSelect } from '../../shared/analytics/pickers';

export type PeerBasis = 'type' | 'location' | 'type_and_location';

/** Year, window and peer-group basis: the same three choices on the school profile and the principal's dashboard. */
export function ProfileControls(props: {
  year: number;
  setYear: (y: number) => void;
  quarter: 0 | 1 | 2 | 3 | 4;
  setQuarter: (q: 0 | 1 | 2 | 3 | 4) => void;
  basis: PeerBasis;
  setBasis: (b: PeerBasis) => void;
}) {
  const { t } = useTranslation();
  return (
    <Group align="flex-end">
      <YearSelect value={props.year} onChange={props.setYear} />
      <QuarterSelect value={props.quarter} onChange={props.setQuarter} />
      <Select
        label={t('schoolView.peerBasis')}
        w={200}
        allowDeselect={false}
        data={(['type', 'location', 'type_and_location'] as const).map((b) => ({ value: b, label: t(`schoolView.basis.${b}`) }))}
        value={props.basis}
        onChange={(v) => v && props.setBasis(v as PeerBasis)}
      />
    </Group>
  );
}
