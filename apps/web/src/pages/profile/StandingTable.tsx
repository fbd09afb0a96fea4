import { Group, Stack, Table, Text, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { BandBadge, MetBadge } from '../../shared/analytics/MetBadge';
import { changeColor, useFigures } from '../../shared/analytics/format';
import type { Catalogue, Standing } from '../../shared/trpc';
import { usePhone } from '../../shared/ui/usePhone';

/**
 * A school's indicators against its targets and the county and peer medians, with its place in the peer
 * group. Shows no other school's name or figure (principals see it too).
 */
export function StandingTable({
  standings,
  catalogue,
  selected,
  onSelect,
}: {
  standings: Standing[];
  catalogue: Catalogue;
  selected: string | null;
  onSelect: (code: string) => void;
}) {
  const { t } = useTranslation();
  const figures = useFigures(catalogue);
  const median = (code: string, v: number | null) => (v === null ? t('common.empty') : figures.value(code, v));
  const phone = usePhone();
  if (phone) {
    // On a phone a line per indicator: name and figure, then the comparisons as short labelled facts.
    const fact = (label: string, value: string, c?: string) => (
      <Text size="xs" c="dimmed">
        {label}
        {t('common.colon')}
        <Text span size="xs" c={c ?? 'dark'}>
          {value}
        </Text>
      </Text>
    );
    return (
      <Stack gap={0}>
        {standings.map((s, i) => (
          <Stack
            key={s.indicator}
            gap={4}
            px="sm"
            py={8}
            bg={s.indicator === selected ? 'blue.0' : undefined}
            style={i ? { borderTop: '1px solid var(--mantine-color-gray-3)' } : undefined}
          >
            <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
              <UnstyledButton
                fz="sm"
                c="blue.8"
                style={{ minWidth: 0 }}
                onClick={() => onSelect(s.indicator)}
                aria-label={t('overview.showTrend', { name: figures.name(s.indicator) })}
              >
                {figures.name(s.indicator)}
              </UnstyledButton>
              <Text size="sm" fw={500} className="num" style={{ flexShrink: 0 }}>
                {figures.value(s.indicator, s.value)}
              </Text>
            </Group>
            <Group gap="md" style={{ rowGap: 2 }}>
              {fact(t('analytics.changeOnLastYear'), figures.change(s.indicator, s.change), changeColor(figures.find(s.indicator), s.change))}
              {fact(t('schoolView.countyMedian'), median(s.indicator, s.countyMedian))}
              {fact(t('schoolView.peerMedian'), median(s.indicator, s.peerMedian))}
              {s.rank !== null && fact(t('schoolView.rank'), t('schoolView.rankOf', { rank: s.rank, of: s.of }))}
              <BandBadge band={s.band} />
            </Group>
            {s.target && (
              <Group gap="xs" wrap="nowrap">
                <MetBadge met={s.met} />
                <Text size="xs">{s.target.label}</Text>
              </Group>
            )}
          </Stack>
        ))}
      </Stack>
    );
  }
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table highlightOnHover verticalSpacing={4} fz="sm" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('analytics.indicator')}</Table.Th>
            <Table.Th ta="right">{t('schoolView.own')}</Table.Th>
            <Table.Th ta="right">{t('analytics.changeOnLastYear')}</Table.Th>
            <Table.Th>{t('league.target')}</Table.Th>
            <Table.Th>{t('league.met')}</Table.Th>
            <Table.Th ta="right">{t('schoolView.countyMedian')}</Table.Th>
            <Table.Th ta="right">{t('schoolView.peerMedian')}</Table.Th>
            <Table.Th ta="right">{t('schoolView.rank')}</Table.Th>
            <Table.Th>{t('league.band')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {standings.map((s) => (
            <Table.Tr key={s.indicator} bg={s.indicator === selected ? 'blue.0' : undefined}>
              <Table.Td>
                <UnstyledButton
                  fz="sm"
                  c="blue.8"
                  onClick={() => onSelect(s.indicator)}
                  aria-label={t('overview.showTrend', { name: figures.name(s.indicator) })}
                >
                  {figures.name(s.indicator)}
                </UnstyledButton>
              </Table.Td>
              <Table.Td ta="right" fw={500}>
                {figures.value(s.indicator, s.value)}
              </Table.Td>
              <Table.Td ta="right" c={changeColor(figures.find(s.indicator), s.change)}>
                {figures.change(s.indicator, s.change)}
              </Table.Td>
              <Table.Td>
                <Text size="xs">{s.target?.label ?? t('common.empty')}</Text>
              </Table.Td>
              <Table.Td>{s.target ? <MetBadge met={s.met} /> : null}</Table.Td>
              <Table.Td ta="right">{median(s.indicator, s.countyMedian)}</Table.Td>
              <Table.Td ta="right">{median(s.indicator, s.peerMedian)}</Table.Td>
              <Table.Td ta="right">{s.rank === null ? t('common.empty') : t('schoolView.rankOf', { rank: s.rank, of: s.of })}</Table.Td>
              <Table.Td>
                <BandBadge band={s.band} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
