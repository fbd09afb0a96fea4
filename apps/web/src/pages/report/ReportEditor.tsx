import { Alert, Badge, Button, Group, Paper, Tabs, Text } from '@mantine/core';
import type { Period } from '@oversight/domain';
import { IconAlertTriangle, IconHistory, IconInfoCircle, IconSend } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLabel } from '../../i18n/labels';
import { derive, groupsFor, useFormatValue } from '../../shared/catalogue';
import { errorMessage, fieldIssues, useNotify } from '../../shared/errors';
import { useDateFormat } from '../../shared/periods';
import { HistoryModal } from '../../shared/report/HistoryModal';
import { ReportHeader } from '../../shared/report/ReportHeader';
import { isOverseer } from '../../shared/roles';
import { useMe } from '../../shared/session';
import { useTRPC, type Catalogue, type ReportView, type School } from '../../shared/trpc';
import { ConfirmDialog } from '../../shared/ui/ConfirmDialog';
import { usePhone } from '../../shared/ui/usePhone';
import { DraftConflictDialog } from './DraftConflictDialog';
import { DomainEvidence } from './evidence/DomainEvidence';
import { useEvidenceFindings } from './evidence/needs';
import { DerivedFigures, IndicatorField, IndicatorFields, type FieldIssue } from './IndicatorField';
import { OfflineSaveStatus } from './OfflineSaveStatus';
import { useReportDraft, type SaveState } from './useReportDraft';

function SaveStatus({ state }: { state: SaveState }) {
  const { t } = useTranslation();
  const { time } = useDateFormat();
  switch (state.kind) {
    case 'pending':
      return (
        <Text size="sm" c="dimmed">
          {t('report.unsaved')}
        </Text>
      );
    case 'saving':
      return (
        <Text size="sm" c="dimmed">
          {t('report.saving')}
        </Text>
      );
    case 'saved':
      return (
        <Text size="sm" c="teal.8">
          {t('report.savedAt', { time: time(state.at) })}
        </Text>
      );
    case 'failed':
      return (
        <Text size="sm" c="red.8">
          {t('report.saveFailed')}
          {t('common.colon')}
          {errorMessage(state.error, t)}
        </Text>
      );
    default:
      return null;
  }
}

const isBlank = (v: unknown) => v === undefined || v === null || v === '';

/**
 * The report form: one tab per domain with only the indicators that apply to the school; every field shows its
 * unit, last year's value and its findings; drafts save themselves; warnings need an explanation; submit.
 */
export function ReportEditor({
  report,
  school,
  catalogue,
  notice,
  onConflict,
}: {
  report: ReportView;
  school: School;
  catalogue: Catalogue;
  notice: string | null;
  onConflict: (message: string) => void;
}) {
  const { t } = useTranslation();
  const label = useLabel();
  const trpc = useTRPC();
  const me = useMe();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const phone = usePhone();
  const format = useFormatValue(catalogue);
  const groups = useMemo(() => groupsFor(catalogue, school), [catalogue, school]);
  const inputs = useMemo(() => groups.flatMap((g) => g.inputs), [groups]);
  const draft = useReportDraft(report, school, inputs, (error) => onConflict(errorMessage(error, t)));
  const [submitIssues, setSubmitIssues] = useState<{ path: string; message: string; severity?: string }[]>([]);
  const [confirming, setConfirming] = useState(false);
  const [shown, setShown] = useState<{ code: string } | null>(null);
  const [showHistory, setShowHistory] = useState(false);
  const [tab, setTab] = useState<string | null>(groups[0]?.domain ?? null);
  const submit = useMutation(trpc.reports.submit.mutationOptions());
  const { server, values, explanations } = draft;
  // Evidence findings follow the figures as typed and the files as attached (the autosave's own checks do not see files).
  const evidenceIssues = useEvidenceFindings(server, school, inputs, values);

  /** The findings of the last save, plus what the last submit attempt said about still-empty fields. */
  const issuesByCode = useMemo(() => {
    const map = new Map<string, FieldIssue[]>();
    const add = (code: string, issue: FieldIssue) => map.set(code, [...(map.get(code) ?? []).filter((i) => i.message !== issue.message), issue]);
    for (const i of server.issues) if (i.rule !== 'evidence') add(i.code, i);
    for (const i of evidenceIssues) add(i.code, i);
    for (const i of submitIssues) if (isBlank(values[i.path]) && !map.has(i.path)) add(i.path, { severity: i.severity ?? 'error', message: i.message });
    for (const [code, message] of Object.entries(draft.rejected)) add(code, { severity: 'error', message });
    return map;
  }, [server.issues, evidenceIssues, submitIssues, values, draft.rejected]);

  const countIn = (codes: readonly { code: string }[]) => {
    let errors = 0;
    let warnings = 0;
    for (const { code } of codes) {
      for (const issue of issuesByCode.get(code) ?? []) {
        if (issue.severity === 'error') errors += 1;
        else if (!explanations[code]?.trim()) warnings += 1;
      }
    }
    return { errors, warnings };
  };
  const totals = countIn(inputs);
  const empty = inputs.filter((i) => !i.requiredWhen && isBlank(values[i.code])).length;

  const doSubmit = async () => {
    setConfirming(false);
    if (!(await draft.flush())) return;
    try {
      const view = await submit.mutateAsync({ schoolId: report.schoolId, period: report.period, version: draft.version() });
      setSubmitIssues([]);
      queryClient.setQueryData(trpc.reports.get.queryKey({ schoolId: report.schoolId, period: report.period }), view);
      void queryClient.invalidateQueries(trpc.reports.pathFilter());
      notify.success(t('report.submitted'));
    } catch (error) {
      setSubmitIssues(fieldIssues(error));
      const first = fieldIssues(error)[0]?.path;
      const firstGroup = groups.find((g) => g.inputs.some((i) => i.code === first));
      if (firstGroup) setTab(firstGroup.domain);
      if (first) setShown({ code: first });
    }
  };

  // After a refused submit the first field it names is brought to the middle of the screen (on a phone it is
  // usually far above the bar the button sits in). Scrolled to, not focused: focus would open the keyboard over it.
  useEffect(() => {
    if (shown) document.querySelector(`[data-indicator="${CSS.escape(shown.code)}"]`)?.scrollIntoView({ block: 'center' });
  }, [shown]);

  const period = report.period as Period;
  return (
    <>
      <ReportHeader
        report={server}
        school={school}
        actions={
          <Button variant="default" leftSection={<IconHistory size={16} />} onClick={() => setShowHistory(true)}>
            {t('report.history')}
          </Button>
        }
      />
      {notice && (
        <Alert color="red" icon={<IconAlertTriangle size={18} />} mb="sm" title={t('report.conflict')}>
          {notice}
        </Alert>
      )}
      {server.status === 'returned' && server.returnReason && (
        <Alert color="orange" icon={<IconAlertTriangle size={18} />} mb="sm">
          {t('report.returned', { reason: server.returnReason })}
        </Alert>
      )}
      {report.prefilled && server.version === 0 && (
        <Alert color="blue" icon={<IconInfoCircle size={18} />} mb="sm">
          {t('report.prefilled')}
        </Alert>
      )}
      {isOverseer(me) && (
        <Alert color="gray" icon={<IconInfoCircle size={18} />} mb="sm">
          {t('report.onBehalf')}
        </Alert>
      )}
      {submit.error && (
        <Alert color="red" icon={<IconAlertTriangle size={18} />} mb="sm" role="alert">
          {errorMessage(submit.error, t)}
        </Alert>
      )}
      <Paper p={0} mb="sm">
        <Tabs value={tab} onChange={setTab} keepMounted={false}>
          <Tabs.List px="sm">
            {groups.map((g) => {
              const count = countIn(g.inputs);
              return (
                <Tabs.Tab
                  key={g.domain}
                  value={g.domain}
                  rightSection={
                    count.errors > 0 ? (
                      <Badge size="xs" color="red" circle>
                        {count.errors}
                      </Badge>
                    ) : count.warnings > 0 ? (
                      <Badge size="xs" color="orange" circle>
                        {count.warnings}
                      </Badge>
                    ) : null
                  }
                >
                  {label(catalogue.domains[g.domain])}
                </Tabs.Tab>
              );
            })}
          </Tabs.List>
          {groups.map((g) => (
            <Tabs.Panel key={g.domain} value={g.domain} p="sm">
              <IndicatorFields>
                {g.inputs.map((indicator) => (
                  <IndicatorField
                    key={indicator.code}
                    indicator={indicator}
                    value={values[indicator.code]}
                    unit={format.unit(indicator)}
                    lastYear={format.value(indicator, report.lastYear?.[indicator.code])}
                    issues={issuesByCode.get(indicator.code) ?? []}
                    explanation={explanations[indicator.code]}
                    onChange={draft.edit}
                    onExplain={draft.explain}
                  />
                ))}
              </IndicatorFields>
              {g.derived.length > 0 && (
                <>
                  <Text size="sm" fw={600} mt="md">
                    {t('report.derived')}
                  </Text>
                  <Text size="xs" c="dimmed" mb={4}>
                    {t('report.derivedHint')}
                  </Text>
                  <DerivedFigures
                    rows={g.derived.map((indicator) => ({
                      code: indicator.code,
                      name: label(indicator.name),
                      value: format.withUnit(indicator, server.derived[indicator.code]),
                      lastYear: t('report.lastYearValue', { value: format.withUnit(indicator, derive(indicator, report.lastYear, school, period)) }),
                    }))}
                  />
                </>
              )}
              <DomainEvidence report={server} group={g} catalogue={catalogue} values={values} findings={evidenceIssues} editable />
            </Tabs.Panel>
          ))}
        </Tabs>
      </Paper>
      {/* Always in reach: the save state, the findings and the submit button stay at the bottom of the screen (edge to edge on a phone). */}
      <Paper
        p="sm"
        pos="sticky"
        bottom={0}
        mx={phone ? 'calc(var(--mantine-spacing-md) * -1)' : undefined}
        radius={phone ? 0 : undefined}
        style={{ zIndex: 5, paddingBottom: 'calc(var(--mantine-spacing-sm) + env(safe-area-inset-bottom))' }}
        shadow="sm"
        className="report-actions"
        data-testid="report-actions"
      >
        <Group justify="space-between" wrap="nowrap" gap="sm">
          <Group gap={phone ? 6 : 'md'} style={{ minWidth: 0 }}>
            <SaveStatus state={draft.state} />
            <OfflineSaveStatus state={draft.state} online={draft.online} kept={draft.kept} keptOnDevice={draft.keptOnDevice} />
            {totals.errors > 0 && (
              <Badge color="red" variant="light">
                {t('report.summaryErrors', { count: totals.errors })}
              </Badge>
            )}
            {totals.warnings > 0 && (
              <Badge color="orange" variant="light">
                {t('report.summaryWarnings', { count: totals.warnings })}
              </Badge>
            )}
            {empty > 0 && (
              <Badge color="gray" variant="light">
                {t('report.summaryEmpty', { count: empty })}
              </Badge>
            )}
            {totals.errors === 0 && totals.warnings === 0 && empty === 0 && (
              <Badge color="teal" variant="light">
                {t('report.summaryClean')}
              </Badge>
            )}
          </Group>
          {(server.status === 'draft' || server.status === 'returned') && (
            <Button leftSection={<IconSend size={16} />} onClick={() => setConfirming(true)} loading={submit.isPending} style={{ flexShrink: 0 }}>
              {t('report.submit')}
            </Button>
          )}
        </Group>
        {totals.errors > 0 && (
          <Text size="xs" c="red.8" mt={4}>
            {t('report.errorsBlock')}
          </Text>
        )}
      </Paper>
      <ConfirmDialog
        opened={confirming}
        title={t('report.submit')}
        message={t('report.submitConfirm')}
        confirmLabel={t('report.submitNow')}
        onConfirm={() => void doSubmit()}
        onClose={() => setConfirming(false)}
      />
      <DraftConflictDialog differences={draft.differences} merged={draft.merged} inputs={inputs} catalogue={catalogue} onChoose={draft.choose} />
      {showHistory && <HistoryModal schoolId={report.schoolId} period={report.period} catalogue={catalogue} onClose={() => setShowHistory(false)} />}
    </>
  );
}
