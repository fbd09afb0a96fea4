import { Paper, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useCounty } from '../../shared/county';
import { useMe } from '../../shared/session';
import { useTRPC } from '../../shared/trpc';
import { QueryState } from '../../shared/ui/Loading';
import { PageHeader } from '../../shared/ui/PageHeader';
import { SchoolFacts } from '../../shared/ui/SchoolFacts';

/** The principal's own school, as the bureau registered it. */
export function MySchoolPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const me = useMe();
  const { counties } = useCounty();
  const school = useQuery(trpc.schools.get.queryOptions({ schoolId: me.schoolId ?? 0 }, { enabled: me.schoolId !== null }));
  return (
    <>
      <PageHeader title={t('profile.heading')} description={t('profile.contactBureau')} />
      <QueryState query={school}>
        {(s) => (
          <Paper p="md" maw={720}>
            <Title order={3} size="h5" mb="sm">
              {t('profile.facts')}
            </Title>
            <SchoolFacts school={s} countyName={counties.find((c) => c.id === s.countyId)?.name} />
          </Paper>
        )}
      </QueryState>
    </>
  );
}
