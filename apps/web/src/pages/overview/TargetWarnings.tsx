import { Alert, Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { IconBell } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useFigures } from '../../shared/analytics/format';
import { useNotify } from '../../shared/errors';
import { useTRPC, type Catalogue } from '../../shared/trpc';
import { QueryState } from '../../shared/ui/Loading';

/** The anchor the workbench links to (`/overview#target-warnings`). */
export const WARNINGS_ANCHOR = 'target-warnings';

/**
 * In-year early warning: the schools projected, from the quarters approved so far, to miss their each-school targets
 * at year end, how each projection was made, and a button that reminds them.
 */
export function TargetWarnings({ countyId, year, catalogue }: { countyId: number; year: number; catalogue: Catalogue }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const notify = useNotify();
  const figures = useFigures(catalogue);
  const ref = useRef<HTMLDivElement>(null);
  const warnings = useQuery(trpc.targets.warnings.queryOptions({ countyId, year }));
  const remind = useMutation(
    trpc.targets.remindAtRisk.mutationOptions({
      onSuccess: (r) => notify.success(t('overview.warnings.reminded', { reminded: r.reminded, skipped: r.skipped })),
      onError: (e) => notify.error(e),
    }),
  );
  // A link to the anchor arrives before the card has loaded: scroll once it is there.
  useEffect(() => {
    if (warnings.data && window.location.hash === `#${WARNINGS_ANCHOR}`) ref.current?.scrollIntoView({ block: 'start' });
  }, [warnings.data]);

  return (
    <Paper p="sm" id={WARNINGS_ANCHOR} ref={ref} style={{ scrollMarginTop: 72 }} data-testid="target-warnings">
      <QueryState query={warnings}>
        {(report) => (
          <Stack gap="xs">
            <Group justify="space-between">
              <Title order={4}>{t('overview.warnings.heading', { year })}</Title>
              <Group gap="xs">
                <Badge color={report.schoolsAtRisk ? 'orange' : 'teal'} variant="light">
                  {t('overview.warnings.schools', { count: report.schoolsAtRisk })}
                </Badge>
                {report.schoolsAtRisk > 0 && (
                  <Button size="xs" leftSection={<IconBell size={14} />} loading={remind.isPending} onClick={() => remind.mutate({ countyId, year })}>
                    {t('overview.warnings.remind')}
                  </Button>
                )}
              </Group>
            </Group>
            <Text size="xs" c="dimmed">
              {report.upToQuarter ? t('overview.warnings.basis', { quarter: t(`analytics.quarter${report.upToQuarter}`) }) : t('overview.warnings.noData')}
            </Text>
            {report.upToQuarter !== null && !report.warnings.length && <Alert color="teal">{t('overview.warnings.none')}</Alert>}
            {report.warnings.map((w) => (
              <Stack key={w.target.id} gap={4}>
                <Text size="sm" fw={500}>
                  {w.target.label}
                  <Text span size="xs" c="dimmed" ml="xs">
                    {t('overview.warnings.atRisk', { count: w.atRisk.length, schools: w.schools })}
                  </Text>
                </Text>
                <Table fz="xs" withRowBorders={false} layout="fixed">
                  <Table.Tbody>
                    {w.atRisk.map((r) => (
                      <Table.Tr key={r.schoolId}>
                        <Table.Td w="45%">{r.name}</Table.Td>
                        <Table.Td ta="right" w="20%">
                          {typeof r.projected === 'number'
                            ? w.target.measure === 'change_percent'
                              ? `${figures.number(r.projected, 1)}%`
                              : figures.value(w.target.indicator, r.projected)
                            : t('common.empty')}
                        </Table.Td>
                        <Table.Td c="dimmed">{t(`overview.warnings.method.${r.method}`)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Stack>
            ))}
          </Stack>
        )}
      </QueryState>
    </Paper>
  );
}
