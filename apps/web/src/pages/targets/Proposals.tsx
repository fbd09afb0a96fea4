import { Badge, Button, Group, List, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconArrowBackUp, IconCheck, IconPencil, IconX } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNotify } from '../../shared/errors';
import { useTRPC, type TargetProposal } from '../../shared/trpc';
import { QueryState } from '../../shared/ui/Loading';
import type { TargetDraft } from './TargetForm';

/** A proposal as the target form's draft, for “修改后采纳”. */
export const proposalDraft = (p: TargetProposal): TargetDraft => ({
  indicator: p.proposal.indicator,
  kind: p.proposal.kind,
  measure: p.proposal.measure,
  comparator: p.proposal.comparator,
  value: p.proposal.value,
  statusValue: p.proposal.statusValue,
  schoolTypes: p.proposal.schoolTypes ?? [],
  schoolId: p.proposal.schoolId,
});

/**
 * Next year's targets proposed from the data, each beside last year's target with its reasoning: accept (sets it as
 * proposed), edit then set, or decline (kept for the county's year, listed apart with a restore). Nothing is set
 * without a click.
 */
export function Proposals({ countyId, year, onEdit }: { countyId: number; year: number; onEdit: (draft: TargetDraft) => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const proposals = useQuery(trpc.targets.propose.queryOptions({ countyId, year }));
  const accept = useMutation(
    trpc.targets.set.mutationOptions({
      onSuccess: (saved) => {
        notify.success(t('targets.saved', { label: saved.label }));
        void queryClient.invalidateQueries(trpc.targets.pathFilter());
        void queryClient.invalidateQueries(trpc.analytics.pathFilter());
      },
      onError: (e) => notify.error(e),
    }),
  );
  const decide = useMutation(
    trpc.targets.decideProposal.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries(trpc.targets.propose.queryFilter({ countyId, year })),
      onError: (e) => notify.error(e),
    }),
  );

  return (
    <Stack gap="xs" mt="lg" data-testid="target-proposals">
      <Title order={3}>{t('targets.proposals.heading', { year })}</Title>
      <Text size="sm" c="dimmed">
        {t('targets.proposals.intro', { from: year - 3, to: year - 1 })}
      </Text>
      <QueryState query={proposals}>
        {(report) => {
          const shown = report.proposals.filter((p) => !p.declined);
          const declined = report.proposals.filter((p) => p.declined);
          return (
            <Stack gap="sm">
              {!shown.length && <Text size="sm">{t('targets.proposals.none')}</Text>}
              {shown.map((p) => {
                const set = p.current !== null && p.current.value === p.proposal.value;
                return (
                  <Paper key={p.key} withBorder p="sm" data-testid={`proposal-${p.proposal.indicator}`}>
                    <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                      <Stack gap={4}>
                        <Text size="xs" c="dimmed">
                          {t('targets.proposals.previous', { year: year - 1 })}
                        </Text>
                        <Text size="sm">{p.previous ? p.previous.label : t('targets.proposals.noPrevious')}</Text>
                        {p.attainment && (
                          <Text size="xs" c="dimmed">
                            {p.attainment.met === true
                              ? t('targets.proposals.met')
                              : p.attainment.met === false
                                ? t('targets.proposals.missed')
                                : t('analytics.pending')}
                          </Text>
                        )}
                      </Stack>
                      <Stack gap={4}>
                        <Group gap="xs">
                          <Text size="xs" c="dimmed">
                            {t('targets.proposals.proposed', { year })}
                          </Text>
                          {p.core && (
                            <Badge size="xs" variant="light" radius="sm">
                              {t('targets.proposals.core')}
                            </Badge>
                          )}
                          {p.current && (
                            <Badge size="xs" color={set ? 'teal' : 'gray'} variant="light" radius="sm">
                              {set ? t('targets.proposals.set') : t('targets.proposals.setOther', { label: p.current.label })}
                            </Badge>
                          )}
                        </Group>
                        <Text size="sm" fw={600}>
                          {p.label}
                        </Text>
                      </Stack>
                    </SimpleGrid>
                    <Text size="xs" c="dimmed" mt="xs">
                      {t('targets.proposals.reasoning')}
                    </Text>
                    <List size="sm" spacing={2}>
                      {p.reasoning.map((line) => (
                        <List.Item key={line}>{line}</List.Item>
                      ))}
                    </List>
                    <Group gap="xs" mt="sm" justify="flex-end">
                      <Button
                        size="xs"
                        leftSection={<IconCheck size={14} />}
                        disabled={set}
                        loading={accept.isPending && accept.variables?.indicator === p.proposal.indicator}
                        onClick={() => accept.mutate({ countyId, year, ...p.proposal })}
                      >
                        {t('targets.proposals.accept')}
                      </Button>
                      <Button size="xs" variant="default" leftSection={<IconPencil size={14} />} onClick={() => onEdit(proposalDraft(p))}>
                        {t('targets.proposals.edit')}
                      </Button>
                      <Button
                        size="xs"
                        variant="subtle"
                        color="gray"
                        leftSection={<IconX size={14} />}
                        loading={decide.isPending && decide.variables?.key === p.key}
                        onClick={() => decide.mutate({ countyId, year, key: p.key, declined: true })}
                      >
                        {t('targets.proposals.discard')}
                      </Button>
                    </Group>
                  </Paper>
                );
              })}
              {declined.length > 0 && (
                <Paper withBorder p="sm" bg="gray.0" data-testid="declined-proposals">
                  <Text size="sm" fw={600}>
                    {t('targets.proposals.declinedHeading', { count: declined.length })}
                  </Text>
                  <Stack gap={4} mt="xs">
                    {declined.map((p) => (
                      <Group key={p.key} gap="xs" justify="space-between" wrap="nowrap">
                        <Text size="sm" c="dimmed">
                          {p.label}
                          {p.declined?.by ? ` · ${t('targets.proposals.declinedBy', { name: p.declined.by })}` : ''}
                        </Text>
                        <Button
                          size="compact-xs"
                          variant="subtle"
                          leftSection={<IconArrowBackUp size={14} />}
                          loading={decide.isPending && decide.variables?.key === p.key}
                          onClick={() => decide.mutate({ countyId, year, key: p.key, declined: false })}
                        >
                          {t('targets.proposals.restore')}
                        </Button>
                      </Group>
                    ))}
                  </Stack>
                </Paper>
              )}
            </Stack>
          );
        }}
      </QueryState>
    </Stack>
  );
}
