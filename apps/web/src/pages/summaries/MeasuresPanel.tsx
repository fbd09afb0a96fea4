import { Badge, Button, Checkbox, Group, Paper, Select, Stack, Table, Tabs, Text, TextInput, Title } from '@mantine/core';
import {
  DOMAIN_LABELS,
  MAX_TYPICAL_PRACTICES,
  MEASURE_DOMAINS,
  MEASURE_KIND_LABELS,
  MEASURE_KINDS,
  type MeasureDomain,
  type MeasureKind,
} from '@oversight/domain';
import { IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLabel } from '../../i18n/labels';
import { errorMessage, useNotify } from '../../shared/errors';
import { usePeriodLabel } from '../../shared/periods';
import { useTRPC } from '../../shared/trpc';
import { QueryError } from '../../shared/ui/Loading';
import { RowAction, RowActions } from '../../shared/ui/RowActions';

interface Draft {
  id: number | null;
  date: string;
  kind: MeasureKind;
  text: string;
}

const blank = (year: number): Draft => ({ id: null, date: `${year}-01-01`, kind: 'document', text: '' });
const pickKey = (p: { schoolId: number; period: string }) => `${p.schoolId}:${p.period}`;

/** The measures of one domain: a dated list, and the form that adds one or changes the one being edited. */
function DomainMeasures({ countyId, year, domain }: { countyId: number; year: number; domain: MeasureDomain }) {
  const { t } = useTranslation();
  const label = useLabel();
  const trpc = useTRPC();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.measures.list.queryOptions({ countyId, year }));
  const [draft, setDraft] = useState<Draft>(blank(year));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setDraft(blank(year)), [year]);
  const refresh = () => queryClient.invalidateQueries(trpc.measures.list.queryFilter({ countyId, year }));
  const done = (message: string) => {
    setDraft(blank(year));
    setError(null);
    notify.success(message);
    void refresh();
  };
  const add = useMutation(trpc.measures.add.mutationOptions({ onSuccess: () => done(t('measures.added')), onError: (e) => setError(errorMessage(e, t)) }));
  const update = useMutation(
    trpc.measures.update.mutationOptions({ onSuccess: () => done(t('measures.updated')), onError: (e) => setError(errorMessage(e, t)) }),
  );
  const remove = useMutation(trpc.measures.remove.mutationOptions({ onSuccess: () => done(t('measures.removed')), onError: notify.error }));
  const own = (list.data?.measures ?? []).filter((m) => m.domain === domain);
  const save = () => {
    const fields = { domain, date: draft.date, kind: draft.kind, text: draft.text };
    if (draft.id === null) add.mutate({ countyId, ...fields });
    else update.mutate({ id: draft.id, ...fields });
  };

  return (
    <Stack gap="xs">
      <Title order={5}>{t('measures.measuresHeading')}</Title>
      <QueryError query={list} />
      {own.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('measures.none')}
        </Text>
      ) : (
        <Table verticalSpacing={4} data-testid={`measures-${domain}`}>
          <Table.Tbody>
            {own.map((m) => (
              <Table.Tr key={m.id}>
                <Table.Td w={110} className="num">
                  {m.date}
                </Table.Td>
                <Table.Td w={70}>
                  <Badge variant="light" radius="sm">
                    {label(MEASURE_KIND_LABELS[m.kind])}
                  </Badge>
                </Table.Td>
                <Table.Td>{m.text}</Table.Td>
                <Table.Td w={80}>
                  <RowActions>
                    <RowAction
                      label={t('common.edit')}
                      subject={m.text}
                      icon={<IconPencil size={16} />}
                      onClick={() => setDraft({ id: m.id, date: m.date, kind: m.kind, text: m.text })}
                    />
                    <RowAction
                      label={t('measures.remove')}
                      subject={m.text}
                      color="red"
                      icon={<IconTrash size={16} />}
                      loading={remove.isPending && remove.variables?.id === m.id}
                      onClick={() => remove.mutate({ id: m.id })}
                    />
                  </RowActions>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Group align="flex-end" gap="xs" wrap="wrap">
        <TextInput
          type="date"
          label={t('measures.date')}
          w={160}
          value={draft.date}
          min={`${year}-01-01`}
          max={`${year}-12-31`}
          onChange={(e) => setDraft({ ...draft, date: e.currentTarget.value })}
        />
        <Select
          label={t('measures.kind')}
          w={110}
          allowDeselect={false}
          data={MEASURE_KINDS.map((k) => ({ value: k, label: label(MEASURE_KIND_LABELS[k]) }))}
          value={draft.kind}
          onChange={(v) => v && setDraft({ ...draft, kind: v as MeasureKind })}
        />
        <TextInput
          label={t('measures.text')}
          placeholder={t(`measures.placeholders.${draft.kind}`)}
          style={{ flex: 1, minWidth: 260 }}
          maxLength={200}
          value={draft.text}
          onChange={(e) => setDraft({ ...draft, text: e.currentTarget.value })}
          error={error}
        />
        <Button leftSection={draft.id === null ? <IconPlus size={16} /> : undefined} onClick={save} loading={add.isPending || update.isPending}>
          {draft.id === null ? t('measures.add') : t('measures.saveEdit')}
        </Button>
        {draft.id !== null && (
          <Button variant="default" onClick={() => setDraft(blank(year))}>
            {t('common.cancel')}
          </Button>
        )}
      </Group>
    </Stack>
  );
}

/** The schools' practice texts of the year for one domain (every quarter); the officer ticks up to three, in order. */
function DomainPractices({ countyId, year, domain }: { countyId: number; year: number; domain: MeasureDomain }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const notify = useNotify();
  const periodLabel = usePeriodLabel();
  const queryClient = useQueryClient();
  const offered = useQuery(trpc.measures.practices.queryOptions({ countyId, year, domain }));
  const [picks, setPicks] = useState<{ schoolId: number; period: string }[] | null>(null);
  const stored = (offered.data ?? [])
    .filter((p) => p.chosen !== null)
    .sort((a, b) => a.chosen! - b.chosen!)
    .map((p) => ({ schoolId: p.schoolId, period: p.period }));
  const chosen = picks ?? stored;
  const choose = useMutation(
    trpc.measures.choosePractices.mutationOptions({
      onSuccess: async () => {
        notify.success(t('measures.practicesSaved'));
        // Keep showing the saved picks until the stored ones are back, so no box flickers off meanwhile.
        await queryClient.invalidateQueries(trpc.measures.pathFilter());
        setPicks(null);
      },
      onError: notify.error,
    }),
  );
  const toggle = (p: { schoolId: number; period: string }, on: boolean) =>
    setPicks(on ? [...chosen.filter((c) => c.schoolId !== p.schoolId), p] : chosen.filter((c) => pickKey(c) !== pickKey(p)));

  return (
    <Stack gap="xs">
      <Title order={5}>{t('measures.practicesHeading')}</Title>
      <Text size="xs" c="dimmed">
        {t('measures.practicesHint', { max: MAX_TYPICAL_PRACTICES })}
      </Text>
      <QueryError query={offered} />
      {offered.data?.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('measures.noPractices')}
        </Text>
      )}
      {(offered.data ?? []).map((p) => {
        const at = chosen.findIndex((c) => pickKey(c) === pickKey(p));
        const full = chosen.length >= MAX_TYPICAL_PRACTICES && at < 0;
        return (
          <Paper key={pickKey(p)} withBorder p="xs" data-practice={`${p.schoolName} ${p.period}`}>
            <Group align="flex-start" wrap="nowrap" gap="sm">
              <Checkbox
                mt={2}
                aria-label={t('measures.choose', { school: p.schoolName, period: periodLabel(p.period) })}
                checked={at >= 0}
                disabled={full}
                onChange={(e) => toggle(p, e.currentTarget.checked)}
              />
              <div style={{ minWidth: 0 }}>
                <Group gap="xs">
                  <Text size="sm" fw={600}>
                    {p.schoolName}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {periodLabel(p.period)}
                  </Text>
                  {at >= 0 && (
                    <Badge size="sm" color="teal" variant="light">
                      {t('measures.position', { n: at + 1 })}
                    </Badge>
                  )}
                </Group>
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {p.text}
                </Text>
              </div>
            </Group>
          </Paper>
        );
      })}
      {(offered.data?.length ?? 0) > 0 && (
        <Group>
          <Button
            variant={picks ? 'filled' : 'default'}
            disabled={!picks}
            loading={choose.isPending}
            onClick={() => choose.mutate({ countyId, year, domain, picks: chosen })}
          >
            {t('measures.savePractices')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

/**
 * 工作措施与典型做法: what the county's summary opens each domain with (the bureau's dated measures) and the schools'
 * practices it quotes. The draft reads them when it is generated.
 */
export function MeasuresPanel({ countyId, year }: { countyId: number; year: number }) {
  const { t } = useTranslation();
  const label = useLabel();
  const [domain, setDomain] = useState<MeasureDomain>('insurance');
  return (
    <Paper p="sm" mb="md" component="section" role="region" aria-labelledby="measures-heading">
      <Title order={4} id="measures-heading">
        {t('measures.heading', { year })}
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        {t('measures.intro')}
      </Text>
      <Tabs value={domain} onChange={(v) => v && setDomain(v as MeasureDomain)} keepMounted={false}>
        <Tabs.List>
          {MEASURE_DOMAINS.map((d) => (
            <Tabs.Tab key={d} value={d}>
              {label(DOMAIN_LABELS[d])}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {MEASURE_DOMAINS.map((d) => (
          <Tabs.Panel key={d} value={d} pt="sm">
            <Stack gap="lg">
              <DomainMeasures countyId={countyId} year={year} domain={d} />
              <DomainPractices countyId={countyId} year={year} domain={d} />
            </Stack>
          </Tabs.Panel>
        ))}
      </Tabs>
    </Paper>
  );
}
