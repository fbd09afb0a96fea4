import { Badge, Group, List, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MetBadge } from '../../shared/analytics/MetBadge';
import { useFigures } from '../../shared/analytics/format';
import type { Attainment, Catalogue } from '../../shared/trpc';
import { ListTable } from '../../shared/ui/ListTable';

type Report = Attainment;
type Item = Report['items'][number];
type Result = Item['yearToDate'];

const SHOWN_SCHOOLS = 12;

/** Year so far and full year (actual or a labelled projection) for every target; each-school targets list the schools missing it. */
export function AttainmentTable({ report, catalogue }: { report: Report; catalogue: Catalogue }) {
  const { t } = useTranslation();
  const figures = useFigures(catalogue);
  const [expanded, setExpanded] = useState<number[]>([]);
  const projected = report.fullYear.basis === 'projection';

  const measured = (item: Item, r: Result) => {
    const target = item.target;
    if (target.kind === 'each_school') {
      const missing = r.checks?.filter((c) => c.met === false).length ?? 0;
      return t('targets.schoolsMissing', { missing, schools: r.schools, reported: r.reported });
    }
    if (r.actual === null) return t('common.empty');
    if (target.measure === 'change_percent')
      return typeof r.actual === 'number' ? `${r.actual > 0 ? '+' : ''}${figures.number(r.actual, 1)}%` : String(r.actual);
    if (target.measure === 'status_share') return typeof r.actual === 'number' ? `${figures.number(r.actual, 1)}%` : String(r.actual);
    if (target.measure === 'status_count') return t('analytics.schoolsCount', { count: Number(r.actual) });
    return figures.value(target.indicator, r.actual);
  };
  const cell = (item: Item, r: Result) => (
    <Group gap={6} wrap="nowrap">
      <MetBadge met={r.met} />
      <Text size="sm">{measured(item, r)}</Text>
    </Group>
  );

  return (
    <ListTable
      striped={false}
      highlightOnHover={false}
      minHeight={120}
      records={report.items}
      idAccessor={(i) => i.target.id}
      rowExpansion={{
        allowMultiple: true,
        expanded: { recordIds: expanded, onRecordIdsChange: setExpanded },
        content: ({ record }) => {
          const missing = (record.yearToDate.checks ?? []).filter((c) => c.met === false);
          if (record.target.kind !== 'each_school') return null;
          return (
            <Stack gap={4} p="sm" bg="gray.0">
              <Text size="sm" fw={500}>
                {missing.length ? t('targets.missingSchools', { count: missing.length }) : t('targets.allMet')}
              </Text>
              <List size="sm" spacing={2}>
                {missing.slice(0, SHOWN_SCHOOLS).map((c) => (
                  <List.Item key={c.schoolId}>
                    {c.name}
                    {t('common.colon')}
                    {record.target.measure === 'change_percent' && typeof c.value === 'number'
                      ? `${figures.number(c.value, 1)}%`
                      : figures.value(record.target.indicator, c.value)}
                    {c.shortfall !== null &&
                      c.shortfall > 0 &&
                      t('common.parenthesized', { text: t('targets.shortfall', { value: figures.number(c.shortfall, 2) }) })}
                  </List.Item>
                ))}
              </List>
              {missing.length > SHOWN_SCHOOLS && (
                <Text size="xs" c="dimmed">
                  {t('targets.andMore', { count: missing.length - SHOWN_SCHOOLS })}
                </Text>
              )}
            </Stack>
          );
        },
      }}
      columns={[
        {
          accessor: 'label',
          title: t('targets.target'),
          render: (i) => (
            <Text size="sm" fw={500}>
              {i.target.label}
            </Text>
          ),
        },
        { accessor: 'yearToDate', title: t('targets.yearToDate'), render: (i) => cell(i, i.yearToDate) },
        {
          accessor: 'fullYear',
          title: (
            <Group gap={4} wrap="nowrap">
              {t('targets.fullYear')}
              <Badge size="xs" color={projected ? 'orange' : 'teal'} variant="outline" radius="sm">
                {projected ? t('targets.projection') : t('targets.actual')}
              </Badge>
            </Group>
          ),
          render: (i) => cell(i, i.fullYear),
        },
        {
          accessor: 'basis',
          title: t('targets.basis'),
          render: (i) => (
            <Text size="xs" c="dimmed">
              {t('targets.restsOn', { reported: i.yearToDate.reported, schools: i.yearToDate.schools })}
            </Text>
          ),
        },
      ]}
    />
  );
}
