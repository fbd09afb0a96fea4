import { Badge } from '@mantine/core';
import { IconCheck, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

/** Badges in narrow table cells keep their whole word. */
const NO_SHRINK = { flexShrink: 0 } as const;
const FULL_LABEL = { label: { overflow: 'visible' as const } };

/** Met (green), not met (red) or not yet decidable (grey): the one signal every target shows. */
export function MetBadge({ met, size = 'sm' }: { met: boolean | null | undefined; size?: 'xs' | 'sm' | 'md' }) {
  const { t } = useTranslation();
  if (met === undefined) return null;
  if (met === null)
    return (
      <Badge color="gray" variant="light" size={size} radius="sm" style={NO_SHRINK} styles={FULL_LABEL}>
        {t('analytics.pending')}
      </Badge>
    );
  return met ? (
    <Badge color="teal" variant="filled" size={size} radius="sm" style={NO_SHRINK} styles={FULL_LABEL} leftSection={<IconCheck size={12} />}>
      {t('analytics.met')}
    </Badge>
  ) : (
    <Badge color="red" variant="filled" size={size} radius="sm" style={NO_SHRINK} styles={FULL_LABEL} leftSection={<IconX size={12} />}>
      {t('analytics.notMet')}
    </Badge>
  );
}

/** Quartile band 1 (best quarter) to 4. */
export function BandBadge({ band }: { band: 1 | 2 | 3 | 4 | null }) {
  const { t } = useTranslation();
  if (band === null) return null;
  const colors = ['teal', 'blue', 'yellow', 'red'] as const;
  return (
    <Badge color={colors[band - 1]} variant="light" radius="sm">
      {t(`analytics.band${band}`)}
    </Badge>
  );
}
