import { Alert, Badge, Group, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCatalogue } from '../../shared/catalogue';
import { usePeriodLabel } from '../../shared/periods';
import { useMe } from '../../shared/session';
import { useTRPC, type MyStanding } from '../../shared/trpc';
import { useFigures } from '../../shared/analytics/format';
import { QueryState } from '../../shared/ui/Loading';
import { PageHeader } from '../../shared/ui/PageHeader';
import { ProfileControls, type PeerBasis } from './ProfileControls';
import { windowEnd } from './SchoolProfilePage';
import { SchoolTrend } from './SchoolTrend';
import { StandingTable } from './StandingTable';

/** The principal's dashboard: their school against targets, the county and peer medians, and its rank among peers. */
export function StandingPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const me = useMe();
  const periodLabel = usePeriodLabel();
  const catalogue = useCatalogue();
  const schoolId = me.schoolId ?? 0;
  const [year, setYear] = useState(new Date().getFullYear());
  const [quarter, setQuarter] = useState<0 | 1 | 2 | 3 | 4>(0);
  const [basis, setBasis] = useState<PeerBasis>('type');
  const [selected, setSelected] = useState<string | null>(null);
  const standing = useQuery(
    trpc.analytics.myStanding.queryOptions({ schoolId, year, ...(quarter ? { quarter } : {}), peerGroup: basis }, { enabled: schoolId > 0 }),
  );
  if (!schoolId) return <Alert color="gray">{t('errors.notFoundText')}</Alert>;
  return (
    <>
      <PageHeader
        title={t('standing.heading')}
        description={t('standing.intro')}
        actions={<ProfileControls year={year} setYear={setYear} quarter={quarter} setQuarter={setQuarter} basis={basis} setBasis={setBasis} />}
      />
      <QueryState query={standing}>
        {(data) => {
          const current = data.indicators.find((s) => s.indicator === selected) ?? data.indicators.find((s) => s.target) ?? data.indicators[0];
          const withTarget = data.indicators.filter((s) => s.target);
          return (
            <Stack gap="sm">
              <Text size="sm" c="dimmed">
                {data.window.length
                  ? t('schoolView.window', { from: periodLabel(data.window[0]!), to: periodLabel(data.window.at(-1)!) })
                  : t('overview.noWindow')}
                {t('common.listSeparator')}
                {t('schoolView.peers', { label: data.peerGroup.label, count: data.peerGroup.schools })}
              </Text>
              <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
                <Paper p="sm">
                  <Text size="xs" c="dimmed">
                    {t('standing.targetsMet')}
                  </Text>
                  <Text size="xl" fw={700} c="teal.8">
                    {withTarget.filter((s) => s.met === true).length} / {withTarget.length}
                  </Text>
                </Paper>
                <Paper p="sm">
                  <Text size="xs" c="dimmed">
                    {t('standing.targetsMissed')}
                  </Text>
                  <Group gap={4}>
                    <Text size="xl" fw={700} c="red.8">
                      {withTarget.filter((s) => s.met === false).length}
                    </Text>
                  </Group>
                </Paper>
                <Paper p="sm">
                  <Text size="xs" c="dimmed">
                    {t('standing.topQuarter')}
                  </Text>
                  <Text size="xl" fw={700} c="blue.8">
                    {data.indicators.filter((s) => s.band === 1).length}
                  </Text>
                </Paper>
              </SimpleGrid>
              <FairScores fair={data.fair} />
              {current && catalogue.data && (
                <SchoolTrend key={current.indicator} schoolId={schoolId} standing={current} end={windowEnd(data.window, year)} catalogue={catalogue.data} />
              )}
              <Paper p={0}>
                {catalogue.data && (
                  <StandingTable standings={data.indicators} catalogue={catalogue.data} selected={current?.indicator ?? null} onSelect={setSelected} />
                )}
              </Paper>
              <Badge variant="outline" color="gray" radius="sm" w="fit-content">
                {t('standing.privacy')}
              </Badge>
            </Stack>
          );
        }}
      </QueryState>
    </>
  );
}

/** The school's efficiency scores in the fair comparison (electricity, water, energy): principal-safe, own figures only. */
function FairScores({ fair }: { fair: MyStanding['fair'] }) {
  const { t } = useTranslation();
  const catalogue = useCatalogue();
  const figures = useFigures(catalogue.data);
  if (!fair.length) return null;
  const n = Math.max(...fair.map((f) => f.n));
  return (
    <Paper p="sm" data-testid="fair-scores">
      <Text size="sm" fw={600}>
        {t('fair.standingHeading')}
      </Text>
      <Text size="xs" c="dimmed" mb="xs">
        {t('fair.standingNote', { n })}
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="xs">
        {fair.map((f) => (
          <Paper key={f.indicator} p="xs" withBorder>
            <Text size="xs" c="dimmed">
              {figures.name(f.indicator)}
            </Text>
            {f.score === null ? (
              <Text size="sm" c="dimmed">
                {t('fair.noScore')}
                {f.reason ? t('common.parenthesized', { text: f.reason }) : ''}
              </Text>
            ) : (
              <>
                <Text size="xl" fw={700} c={f.score >= 50 ? 'teal.8' : 'orange.8'} data-testid={`score-${f.indicator}`}>
                  {f.score}
                </Text>
                <Text size="xs">
                  {t('fair.ratioText', { percent: figures.number((f.ratio ?? 0) * 100, 0) })}
                  {t('common.listSeparator')}
                  {t('fair.expected')} {figures.value(f.indicator, f.expected)}
                </Text>
              </>
            )}
          </Paper>
        ))}
      </SimpleGrid>
    </Paper>
  );
}
