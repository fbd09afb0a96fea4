import './print.css';
import { ActionIcon, Alert, Anchor, Badge, Button, Group, Paper, Stack, Table, Text, Textarea, TextInput, Title, Tooltip } from '@mantine/core';
import { appendixCaptions, formatCell, outline, type SummarySection, type SummaryTable } from '@oversight/domain';
import { IconCheck, IconDeviceFloppy, IconDownload, IconEdit, IconEye, IconPlus, IconPrinter, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'wouter';
import { useLabel } from '../../i18n/labels';
import { useCatalogue } from '../../shared/catalogue';
import { useNotify } from '../../shared/errors';
import { Link } from '../../shared/navigation';
import { useDateFormat, usePeriodLabel } from '../../shared/periods';
import { errorCode, useTRPC, type Summary } from '../../shared/trpc';
import { ConfirmDialog } from '../../shared/ui/ConfirmDialog';
import { QueryState } from '../../shared/ui/Loading';
import { LinkedText, type FigureContext } from './FigureChip';
import { mapSection, newParagraph, newSection } from './sections';

function SectionBlock({
  section,
  depth,
  numbers,
  editing,
  context,
  onChange,
}: {
  section: SummarySection;
  depth: number;
  numbers: Map<string, string>;
  editing: boolean;
  context: FigureContext;
  onChange: (id: string, change: (s: SummarySection) => SummarySection | null) => void;
}) {
  const { t } = useTranslation();
  const order = Math.min(depth + 3, 6) as 3 | 4 | 5 | 6;
  return (
    <section className={`summary-section depth-${depth}`}>
      {editing ? (
        <Group gap="xs" wrap="nowrap" mb={4}>
          <Text fw={700} w={44} ta="right">
            {numbers.get(section.id)}
          </Text>
          <TextInput
            aria-label={t('summaries.sectionTitle')}
            placeholder={t('summaries.untitled')}
            value={section.title}
            onChange={(e) => {
              const title = e.currentTarget.value;
              onChange(section.id, (s) => ({ ...s, title }));
            }}
            style={{ flex: 1 }}
            fw={700}
          />
          <Tooltip label={t('summaries.addParagraph')}>
            <ActionIcon
              variant="subtle"
              aria-label={t('summaries.addParagraph')}
              onClick={() => onChange(section.id, (s) => ({ ...s, paragraphs: [...s.paragraphs, newParagraph()] }))}
            >
              <IconPlus size={16} />
            </ActionIcon>
          </Tooltip>
          <Tooltip label={t('summaries.removeSection')}>
            <ActionIcon
              variant="subtle"
              color="red"
              aria-label={`${t('summaries.removeSection')} ${section.title}`}
              onClick={() => onChange(section.id, () => null)}
            >
              <IconTrash size={16} />
            </ActionIcon>
          </Tooltip>
        </Group>
      ) : (
        section.title.trim() && (
          <Title order={order} className="summary-heading" mt="sm" mb={4}>
            {numbers.get(section.id)}
            <LinkedText text={section.title} context={context} />
          </Title>
        )
      )}
      {section.paragraphs.map((p) =>
        editing ? (
          <Group key={p.id} gap="xs" wrap="nowrap" align="flex-start" mb={6}>
            <Textarea
              aria-label={t('summaries.paragraph')}
              autosize
              minRows={2}
              value={p.text}
              onChange={(e) => {
                const text = e.currentTarget.value;
                onChange(section.id, (s) => ({ ...s, paragraphs: s.paragraphs.map((x) => (x.id === p.id ? { ...x, text } : x)) }));
              }}
              style={{ flex: 1 }}
            />
            <ActionIcon
              variant="subtle"
              color="red"
              mt={4}
              aria-label={t('summaries.removeParagraph')}
              onClick={() => onChange(section.id, (s) => ({ ...s, paragraphs: s.paragraphs.filter((x) => x.id !== p.id) }))}
            >
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        ) : (
          <Text key={p.id} className="summary-paragraph" mb={6} style={{ textIndent: '2em', lineHeight: 1.9 }}>
            <LinkedText text={p.text} context={context} />
          </Text>
        ),
      )}
      <div style={{ marginLeft: editing ? 'clamp(8px, 3vw, 24px)' : 0 }}>
        {section.children.map((c) => (
          <SectionBlock key={c.id} section={c} depth={depth + 1} numbers={numbers} editing={editing} context={context} onChange={onChange} />
        ))}
      </div>
    </section>
  );
}

function AppendixTable({ table, caption }: { table: SummaryTable; caption: string }) {
  return (
    <div className="summary-table">
      <Text fw={600} ta="center" mt="md" mb={4}>
        {caption}
      </Text>
      <Table.ScrollContainer minWidth={600}>
        <Table withTableBorder withColumnBorders fz="xs" verticalSpacing={2}>
          <Table.Thead>
            <Table.Tr>
              {table.columns.map((c) => (
                <Table.Th key={c.key}>{c.label}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {[...table.rows, ...(table.total ? [table.total] : [])].map((row, i) => (
              <Table.Tr key={i} fw={table.total && i === table.rows.length ? 700 : undefined}>
                {row.map((cell, j) => (
                  <Table.Td key={j} ta={table.columns[j]?.format === 'text' ? 'left' : 'right'}>
                    {formatCell(table.columns[j]!, cell)}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </div>
  );
}

function Basis({ summary }: { summary: Summary }) {
  const { t } = useTranslation();
  const periodLabel = usePeriodLabel();
  const b = summary.basis;
  return (
    <Alert color="blue" variant="light" className="no-print" title={t('summaries.basisTitle')}>
      <Text size="sm">{t('summaries.basis', { schools: b.schools, complete: b.complete, partial: b.partial.length, missing: b.missing.length })}</Text>
      {b.missing.length > 0 && (
        <Text size="xs" c="dimmed">
          {t('summaries.basisMissing', { names: b.missing.map((m) => m.name).join(t('common.listSeparator')) })}
        </Text>
      )}
      {b.partial.length > 0 && (
        <Text size="xs" c="dimmed">
          {t('summaries.basisPartial', {
            names: b.partial
              .map((p) => `${p.name}${t('common.parenthesized', { text: p.missing.map(periodLabel).join(t('common.listSeparator')) })}`)
              .join(t('common.listSeparator')),
          })}
        </Text>
      )}
    </Alert>
  );
}

/** One summary: read with linked figures, edit sections and paragraphs, save versions, finalise, download, print. */
export function SummaryEditorPage() {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const label = useLabel();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const { dateTime } = useDateFormat();
  const id = Number(useParams().summaryId);
  const catalogue = useCatalogue();
  const summary = useQuery(trpc.summaries.get.queryOptions({ id }, { enabled: id > 0 }));
  const data = summary.data;
  const drift = useQuery(trpc.summaries.drift.queryOptions({ id }, { enabled: data?.status === 'final' }));
  const schools = useQuery(
    trpc.schools.list.queryOptions(data?.countyId ? { countyId: data.countyId, includeInactive: true } : { includeInactive: true }, { enabled: Boolean(data) }),
  );
  const [sections, setSections] = useState<SummarySection[] | null>(null);
  const [title, setTitle] = useState('');
  const [dirty, setDirty] = useState(false);
  const [editing, setEditing] = useState(false);
  const [conflict, setConflict] = useState(false);
  const [finalizing, setFinalizing] = useState(false);

  useEffect(() => {
    if (data && !dirty) {
      setSections(data.sections);
      setTitle(data.title);
    }
  }, [data, dirty]);

  const context = useMemo<FigureContext>(() => {
    const names = new Map((schools.data ?? []).map((s) => [s.id, s.name]));
    const indicators = new Map((catalogue.data?.indicators ?? []).map((i) => [i.code, i]));
    return {
      figures: data?.figures ?? {},
      schoolName: (sid) => names.get(sid) ?? t('summaries.schoolNumber', { id: sid }),
      indicatorName: (code) => (indicators.get(code) ? label(indicators.get(code)!.name) : code),
    };
  }, [data, schools.data, catalogue.data, label, t]);
  const numbers = useMemo(() => new Map(outline(sections ?? [], data?.figures ?? {}).map((e) => [e.id, e.number])), [sections, data]);

  const accept = (view: Summary) => {
    queryClient.setQueryData(trpc.summaries.get.queryKey({ id }), view);
    void queryClient.invalidateQueries(trpc.summaries.list.pathFilter());
    setSections(view.sections);
    setTitle(view.title);
    setDirty(false);
  };
  const onFailure = (error: unknown) => {
    if (errorCode(error) === 'CONFLICT') setConflict(true);
    else notify.error(error);
  };
  const save = useMutation(
    trpc.summaries.save.mutationOptions({
      onSuccess: (view) => {
        accept(view);
        notify.success(t('summaries.saved', { version: view.version }));
      },
      onError: onFailure,
    }),
  );
  const finalize = useMutation(
    trpc.summaries.finalize.mutationOptions({
      onSuccess: (view) => {
        setFinalizing(false);
        setEditing(false);
        accept(view);
        notify.success(t('summaries.finalized'));
      },
      onError: (e) => {
        setFinalizing(false);
        onFailure(e);
      },
    }),
  );
  const change = (sid: string, fn: (s: SummarySection) => SummarySection | null) => {
    setSections((list) => mapSection(list ?? [], sid, fn));
    setDirty(true);
  };
  const reload = async () => {
    setConflict(false);
    setDirty(false);
    await summary.refetch();
  };

  if (!(id > 0)) return <Alert color="red">{t('errors.notFoundText')}</Alert>;
  return (
    <QueryState query={summary}>
      {(view) => {
        const final = view.status === 'final';
        return (
          <div className="summary-page">
            <Group justify="space-between" mb="sm" className="no-print" align="flex-start">
              <Stack gap={2}>
                <Anchor component={Link} to="/summaries" size="sm">
                  {t('summaries.backToList')}
                </Anchor>
                <Group gap="xs">
                  <Badge color={final ? 'teal' : 'yellow'} variant="light" radius="sm">
                    {t(`summaries.status.${view.status}`)}
                  </Badge>
                  <Text size="sm" c="dimmed">
                    {t('summaries.versionLine', { version: view.version, time: dateTime(view.updatedAt) })}
                    {view.figuresFrozen ? t('summaries.frozen') : t('summaries.live')}
                  </Text>
                </Group>
              </Stack>
              <Group gap="xs">
                {!final && (
                  <Button
                    variant={editing ? 'filled' : 'default'}
                    leftSection={editing ? <IconEye size={16} /> : <IconEdit size={16} />}
                    onClick={() => setEditing((e) => !e)}
                  >
                    {editing ? t('summaries.preview') : t('summaries.edit')}
                  </Button>
                )}
                {!final && (
                  <Button
                    leftSection={<IconDeviceFloppy size={16} />}
                    disabled={!dirty}
                    loading={save.isPending}
                    onClick={() => sections && save.mutate({ id, version: view.version, sections, title })}
                  >
                    {t('summaries.saveVersion')}
                  </Button>
                )}
                {!final && (
                  <Tooltip label={t('summaries.saveFirst')} disabled={!dirty}>
                    <Button color="teal" leftSection={<IconCheck size={16} />} disabled={dirty} onClick={() => setFinalizing(true)}>
                      {t('summaries.finalize')}
                    </Button>
                  </Tooltip>
                )}
                <Button component="a" href={`/api/summaries/${id}.docx`} variant="default" leftSection={<IconDownload size={16} />}>
                  {t('summaries.downloadDocx')}
                </Button>
                <Button component="a" href={`/api/summaries/${id}.xlsx`} variant="default" leftSection={<IconDownload size={16} />}>
                  {t('summaries.downloadXlsx')}
                </Button>
                <Button variant="default" leftSection={<IconPrinter size={16} />} onClick={() => window.print()}>
                  {t('summaries.print')}
                </Button>
              </Group>
            </Group>
            {conflict && (
              <Alert color="orange" title={t('summaries.conflictTitle')} mb="sm" className="no-print">
                <Text size="sm">{t('summaries.conflict')}</Text>
                <Button size="xs" mt="xs" variant="white" color="orange" onClick={() => void reload()}>
                  {t('summaries.reload')}
                </Button>
              </Alert>
            )}
            {final && drift.data && drift.data.drift.length > 0 && (
              <Alert color="orange" title={t('summaries.driftTitle', { count: drift.data.drift.length })} mb="sm" className="no-print">
                <Text size="sm">{t('summaries.drift')}</Text>
                <Stack gap={0} mt={4}>
                  {drift.data.drift.slice(0, 10).map((d) => (
                    <Text key={d.id} size="xs">
                      {d.label}
                      {t('common.colon')}
                      {t('summaries.driftLine', { frozen: d.frozen?.text ?? t('common.empty'), live: d.live?.text ?? t('common.empty') })}
                    </Text>
                  ))}
                </Stack>
              </Alert>
            )}
            {final && drift.data && drift.data.drift.length === 0 && (
              <Text size="xs" c="dimmed" mb="sm" className="no-print">
                {t('summaries.noDrift', { time: dateTime(drift.data.checkedAt) })}
              </Text>
            )}
            <Basis summary={view} />
            <Paper p={{ base: 'sm', sm: 'xl' }} mt="sm" className="summary-paper">
              {editing ? (
                <TextInput
                  label={t('summaries.title')}
                  value={title}
                  onChange={(e) => {
                    setTitle(e.currentTarget.value);
                    setDirty(true);
                  }}
                  mb="md"
                />
              ) : (
                <Title order={2} ta="center" mb="lg" className="summary-title">
                  {title}
                </Title>
              )}
              {editing && (
                <Text size="xs" c="dimmed" mb="sm">
                  {t('summaries.editHint', { mark: '{{fig:…}}' })}
                </Text>
              )}
              {(sections ?? []).map((s) => (
                <SectionBlock key={s.id} section={s} depth={0} numbers={numbers} editing={editing} context={context} onChange={change} />
              ))}
              {editing && (
                <Button
                  variant="light"
                  leftSection={<IconPlus size={16} />}
                  mt="md"
                  onClick={() => {
                    setSections((list) => [...(list ?? []), newSection(t('summaries.newSectionTitle'))]);
                    setDirty(true);
                  }}
                >
                  {t('summaries.addSection')}
                </Button>
              )}
              {!editing && view.tables.length > 0 && (
                <div className="summary-appendix">
                  <Title order={3} mt="xl" mb="xs">
                    {t('summaries.appendix')}
                  </Title>
                  {view.tables.map((table, i) => (
                    <AppendixTable key={table.id} table={table} caption={appendixCaptions(view.tables)[i]!} />
                  ))}
                </div>
              )}
            </Paper>
            <Text size="xs" c="dimmed" mt="sm" className="no-print">
              {t('summaries.versions')}
              {t('common.colon')}
              {view.versions
                .map((v) =>
                  t('summaries.versionEntry', {
                    version: v.version,
                    status: t(`summaries.status.${v.status}`),
                    time: dateTime(v.savedAt),
                    by: v.savedBy ?? t('common.empty'),
                  }),
                )
                .join(t('common.listSeparator'))}
            </Text>
            <ConfirmDialog
              opened={finalizing}
              title={t('summaries.finalize')}
              message={t('summaries.finalizeConfirm')}
              confirmLabel={t('summaries.finalize')}
              color="teal"
              loading={finalize.isPending}
              onConfirm={() => finalize.mutate({ id, version: view.version })}
              onClose={() => setFinalizing(false)}
            />
          </div>
        );
      }}
    </QueryState>
  );
}
