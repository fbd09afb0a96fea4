import { Group, Paper, Stack, Table, Text } from '@mantine/core';
import type { Period } from '@oversight/domain';
import { Fragment, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useLabel } from '../../i18n/labels';
import { derive, groupsFor, useFormatValue } from '../catalogue';
import type { Catalogue, Indicator, ReportView, School } from '../trpc';
import { usePhone } from '../ui/usePhone';

function ChangeCell({ change, limit }: { change: number | null; limit: number | undefined }) {
  if (change === null)
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  const big = limit !== undefined && Math.abs(change) > limit;
  return (
    <Text size="sm" c={big ? 'orange.9' : 'dimmed'} fw={big ? 600 : undefined}>
      {change > 0 ? '+' : ''}
      {change.toFixed(1)}%
    </Text>
  );
}

/**
 * A report read-only, beside the same quarter last year: every indicator of the school grouped by domain,
 * the year-on-year change, and the checks' findings with the school's explanations. Rows with warnings are
 * yellow, rows with errors red — what the officer reviews and what a principal sees once submitted.
 */
export function ReportComparison({
  report,
  school,
  catalogue,
  aside,
}: {
  report: ReportView;
  school: School;
  catalogue: Catalogue;
  /** What else to show beside an indicator's notes or under a domain's heading (the evidence files). */
  aside?: (anchor: { indicator: string } | { domain: string }) => ReactNode;
}) {
  const { t } = useTranslation();
  const label = useLabel();
  const format = useFormatValue(catalogue);
  const period = report.period as Period;
  const issuesOf = (code: string) => report.issues.filter((i) => i.code === code);
  const phone = usePhone();

  const row = (indicator: Indicator, current: unknown, previous: unknown, derived: boolean) => {
    const issues = issuesOf(indicator.code);
    const error = issues.some((i) => i.severity === 'error');
    const warning = issues.some((i) => i.severity === 'warning');
    const explanation = report.explanations[indicator.code];
    const evidence = derived ? null : aside?.({ indicator: indicator.code });
    const notes = (issues.length > 0 || explanation || evidence) && (
      <Stack gap={2}>
        {issues.map((i) => (
          <Text key={i.message} size="xs" c={i.severity === 'error' ? 'red.8' : 'orange.9'}>
            {i.message}
          </Text>
        ))}
        {explanation && (
          <Text size="xs">
            <Text span fw={600} size="xs">
              {t('report.explanation')}
              {t('common.colon')}
            </Text>
            {explanation}
          </Text>
        )}
        {evidence}
      </Stack>
    );
    const bg = error ? 'red.0' : warning ? 'yellow.1' : undefined;
    if (phone) {
      // A line per indicator on a phone: name and figure, then last year and the change, then the notes.
      return (
        <Stack
          key={indicator.code}
          gap={2}
          px="sm"
          py={6}
          bg={bg}
          data-indicator={indicator.code}
          style={{ borderTop: '1px solid var(--mantine-color-gray-3)' }}
        >
          <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
            <Text size="sm" fs={derived ? 'italic' : undefined} c={derived ? 'gray.7' : undefined} style={{ minWidth: 0 }}>
              {label(indicator.name)}
            </Text>
            <Text size="sm" fw={500} className="num" style={{ flexShrink: 0 }}>
              {format.withUnit(indicator, current)}
            </Text>
          </Group>
          <Group justify="space-between" wrap="nowrap" gap="sm">
            <Text size="xs" c="dimmed">
              {t('report.lastYearValue', { value: format.withUnit(indicator, previous) })}
            </Text>
            <ChangeCell change={format.change(current, previous)} limit={indicator.jumpPercent} />
          </Group>
          {notes}
        </Stack>
      );
    }
    return (
      <Table.Tr key={indicator.code} bg={bg} data-indicator={indicator.code}>
        <Table.Td>
          <Text size="sm" fs={derived ? 'italic' : undefined} c={derived ? 'gray.7' : undefined}>
            {label(indicator.name)}
          </Text>
        </Table.Td>
        <Table.Td className="num">
          <Text size="sm" fw={500}>
            {format.withUnit(indicator, current)}
          </Text>
        </Table.Td>
        <Table.Td className="num">
          <Text size="sm" c="dimmed">
            {format.withUnit(indicator, previous)}
          </Text>
        </Table.Td>
        <Table.Td className="num">
          <ChangeCell change={format.change(current, previous)} limit={indicator.jumpPercent} />
        </Table.Td>
        <Table.Td>{notes}</Table.Td>
      </Table.Tr>
    );
  };

  if (phone) {
    return (
      <Stack gap="sm">
        {groupsFor(catalogue, school).map((group) => (
          <Paper key={group.domain} p={0} style={{ overflow: 'hidden' }}>
            <Stack gap={4} px="sm" py={6} bg="gray.1">
              <Text size="sm" fw={600}>
                {label(catalogue.domains[group.domain])}
              </Text>
              {aside?.({ domain: group.domain })}
            </Stack>
            {group.inputs.map((i) => row(i, report.values[i.code], report.lastYear?.[i.code], false))}
            {group.derived.map((i) => row(i, report.derived[i.code], derive(i, report.lastYear, school, period), true))}
          </Paper>
        ))}
      </Stack>
    );
  }
  return (
    <Table withTableBorder withColumnBorders verticalSpacing={6} bg="white">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w="28%">{t('report.indicator')}</Table.Th>
          <Table.Th w={150} ta="right">
            {t('report.value')}
          </Table.Th>
          <Table.Th w={150} ta="right">
            {t('report.lastYear')}
          </Table.Th>
          <Table.Th w={90} ta="right">
            {t('report.change')}
          </Table.Th>
          <Table.Th>{t('report.notes')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {groupsFor(catalogue, school).map((group) => (
          <Fragment key={group.domain}>
            <Table.Tr bg="gray.1">
              <Table.Td colSpan={5}>
                <Text size="sm" fw={600}>
                  {label(catalogue.domains[group.domain])}
                </Text>
                {aside?.({ domain: group.domain })}
              </Table.Td>
            </Table.Tr>
            {group.inputs.map((i) => row(i, report.values[i.code], report.lastYear?.[i.code], false))}
            {group.derived.map((i) => row(i, report.derived[i.code], derive(i, report.lastYear, school, period), true))}
          </Fragment>
        ))}
      </Table.Tbody>
    </Table>
  );
}
