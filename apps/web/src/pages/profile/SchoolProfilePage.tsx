import { Alert, Anchor, Badge, Group, Paper, Stack, Text } from '@mantine/core';
import { LOCATION_LABELS, period, SCHOOL_TYPE_LABELS, type Period } from '@oversight/domain';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'wouter';
import { useLabel } from '../../i18n/labels';
import { useCatalogue } from '../../shared/catalogue';
import { Link } from '../../shared/navigation';
import { usePeriodLabel } from '../../shared/periods';
import { useTRPC } from '../../shared/trpc';
import { QueryState } from '../../shared/ui/Loading';
import { PageHeader } from '../../shared/ui/PageHeader';
import { ExpectationChart } from './ExpectationChart';
import { ProfileControls, type PeerBasis } from './ProfileControls';
import { SchoolTrend } from './SchoolTrend';
import { StandingTable } from './StandingTable';

/** The quarter a window ends with (for the 12-quarter trend), or the year's first when nothing is reported yet. */
export const windowEnd = (window: readonly Period[], year: number): Period => window.at(-1) ?? period(year, 1);

/** One school's page for the bureau: every indicator over time, against targets and the county and peer medians. */
export function SchoolProfilePage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const label = useLabel();
  const periodLabel = usePeriodLabel();
  const schoolId = Number(useParams().schoolId);
  const catalogue = useCatalogue();
  const [year, setYear] = useState(new Date().getFullYear());
  const [quarter, setQuarter] = useState<0 | 1 | 2 | 3 | 4>(0);
  const [basis, setBasis] = useState<PeerBasis>('type');
  const [selected, setSelected] = useState<string | null>(null);
  const profile = useQuery(
    trpc.analytics.schoolProfile.queryOptions({ schoolId, year, ...(quarter ? { quarter } : {}), peerGroup: basis }, { enabled: schoolId > 0 }),
  );
  if (!(schoolId > 0)) return <Alert color="red">{t('errors.notFoundText')}</Alert>;
  return (
    <QueryState query={profile}>
      {(data) => {
        const current = data.indicators.find((s) => s.indicator === selected) ?? data.indicators.find((s) => s.target) ?? data.indicators[0];
        return (
          <>
            <PageHeader
              title={t('schoolView.heading', { name: data.school.name })}
              description={
                <Group gap={6} component="span">
                  <Badge variant="light" radius="sm">
                    {label(SCHOOL_TYPE_LABELS[data.school.type])}
                  </Badge>
                  <Badge variant="light" color="gray" radius="sm">
                    {label(LOCATION_LABELS[data.school.location])}
                  </Badge>
                  <Text size="sm" c="dimmed" component="span">
                    {data.window.length
                      ? t('schoolView.window', { from: periodLabel(data.window[0]!), to: periodLabel(data.window.at(-1)!) })
                      : t('overview.noWindow')}
                    {t('common.listSeparator')}
                    {t('schoolView.peers', { label: data.peerGroup.label, count: data.peerGroup.schools })}
                  </Text>
                  <Anchor component={Link} to="/league" size="sm">
                    {t('schoolView.toLeague')}
                  </Anchor>
                </Group>
              }
              actions={<ProfileControls year={year} setYear={setYear} quarter={quarter} setQuarter={setQuarter} basis={basis} setBasis={setBasis} />}
            />
            <Stack gap="sm">
              {current && catalogue.data && (
                <SchoolTrend key={current.indicator} schoolId={schoolId} standing={current} end={windowEnd(data.window, year)} catalogue={catalogue.data} />
              )}
              <ExpectationChart schoolId={schoolId} year={year} />
              <Paper p={0}>
                {catalogue.data && (
                  <StandingTable standings={data.indicators} catalogue={catalogue.data} selected={current?.indicator ?? null} onSelect={setSelected} />
                )}
              </Paper>
            </Stack>
          </>
        );
      }}
    </QueryState>
  );
}
