import { Alert, Button, Group, Modal, MultiSelect, NumberInput, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import {
  COMPARATORS,
  COMPARATOR_LABELS,
  isNumeric,
  SCHOOL_TYPES,
  SCHOOL_TYPE_LABELS,
  TARGET_KIND_LABELS,
  TARGET_MEASURE_LABELS,
  targetProblem,
  type Comparator,
  type SchoolType,
  type TargetKind,
  type TargetMeasure,
} from '@oversight/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLabel } from '../../i18n/labels';
import { IndicatorSelect } from '../../shared/analytics/pickers';
import { errorMessage, fieldIssues, useNotify } from '../../shared/errors';
import { useTRPC, type Catalogue, type Indicator } from '../../shared/trpc';

export interface TargetDraft {
  id?: number;
  indicator: string;
  kind: TargetKind;
  measure: TargetMeasure;
  comparator: Comparator;
  value: number | string | boolean | '';
  statusValue: string | boolean | null;
  schoolTypes: SchoolType[];
  schoolId: number | null;
}

export const emptyTarget = (indicator: string): TargetDraft => ({
  indicator,
  kind: 'each_school',
  measure: 'value',
  comparator: 'gte',
  value: '',
  statusValue: null,
  schoolTypes: [],
  schoolId: null,
});

/** The measures that make sense for an indicator and a kind (the catalogue decides). */
function measuresFor(ind: Indicator, kind: TargetKind): TargetMeasure[] {
  if (isNumeric(ind)) return ['value', 'change_percent'];
  return kind === 'each_school' ? ['value'] : ['status_count', 'status_share'];
}

/** A status's possible values (options, or yes/no) as select items; booleans travel as 'true'/'false'. */
function statusItems(ind: Indicator, label: (l: { zh: string; en: string }) => string, yes: string, no: string) {
  if (ind.valueType === 'boolean')
    return [
      { value: 'true', label: yes },
      { value: 'false', label: no },
    ];
  return (ind.options ?? []).map((o) => ({ value: o.value, label: label(o.label) }));
}
const fromItem = (ind: Indicator, v: string | null) => (v === null ? null : ind.valueType === 'boolean' ? v === 'true' : v);
const toItem = (v: unknown) => (v === null || v === undefined || v === '' ? null : String(v));

/**
 * Sets or edits one target. The form offers only what the catalogue allows for the indicator (status
 * indicators: a status; numbers: a value or a change on last year), checks the draft with the same rules as
 * the server, and shows the server's message next to the field it names.
 */
export function TargetForm({
  catalogue,
  countyId,
  year,
  initial,
  onClose,
}: {
  catalogue: Catalogue;
  countyId: number;
  year: number;
  initial: TargetDraft;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const label = useLabel();
  const trpc = useTRPC();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<TargetDraft>(initial);
  const [touched, setTouched] = useState(false);
  const ind = catalogue.indicators.find((i) => i.code === draft.indicator)!;
  const numeric = isNumeric(ind);
  const measures = measuresFor(ind, draft.kind);
  const schools = useQuery(trpc.schools.list.queryOptions({ countyId }, { enabled: draft.kind === 'each_school' }));
  const school = schools.data?.find((s) => s.id === draft.schoolId);

  const update = (patch: Partial<TargetDraft>) =>
    setDraft((d) => {
      const next = { ...d, ...patch };
      const nextInd = catalogue.indicators.find((i) => i.code === next.indicator)!;
      const allowed = measuresFor(nextInd, next.kind);
      if (!allowed.includes(next.measure)) next.measure = allowed[0]!;
      if (next.kind === 'county_total') next.schoolId = null;
      if (next.schoolId !== null) next.schoolTypes = [];
      if (next.measure === 'value' || next.measure === 'change_percent') next.statusValue = null;
      if (!isNumeric(nextInd) && next.measure === 'value') next.comparator = 'eq';
      if (patch.indicator !== undefined && patch.indicator !== d.indicator) next.value = '';
      if (patch.measure !== undefined && patch.measure !== d.measure) next.value = '';
      return next;
    });

  const definition = {
    indicator: draft.indicator,
    kind: draft.kind,
    measure: draft.measure,
    comparator: draft.comparator,
    value: draft.value === '' ? Number.NaN : draft.value,
    statusValue: draft.statusValue,
    schoolTypes: draft.schoolTypes.length ? draft.schoolTypes : null,
    schoolId: draft.schoolId,
  };
  const problem = draft.value === '' ? { field: 'value' as const, message: t('targets.valueRequired') } : targetProblem(definition, school);

  const save = useMutation(
    trpc.targets.set.mutationOptions({
      onSuccess: (saved) => {
        void queryClient.invalidateQueries(trpc.targets.pathFilter());
        void queryClient.invalidateQueries(trpc.analytics.pathFilter());
        notify.success(t('targets.saved', { label: saved.label }));
        onClose();
      },
    }),
  );
  const serverIssue = (field: string) => fieldIssues(save.error).find((i) => i.path === field)?.message;
  const errorFor = (field: string) => serverIssue(field) ?? (touched && problem?.field === field ? problem.message : undefined);
  const typeItems = SCHOOL_TYPES.filter((s) => !ind.appliesTo?.types || ind.appliesTo.types.includes(s)).map((s) => ({
    value: s,
    label: label(SCHOOL_TYPE_LABELS[s]),
  }));
  const unit = label(catalogue.units[ind.unit]);
  const percentValue = draft.measure === 'status_share' || draft.measure === 'change_percent' || (draft.measure === 'value' && ind.unit === 'percent');
  const valueHint =
    draft.measure === 'change_percent'
      ? t('targets.changeHint')
      : percentValue
        ? t('targets.percentHint')
        : draft.measure === 'status_count'
          ? t('targets.countHint')
          : unit
            ? t('targets.unitHint', { unit })
            : undefined;
  const submit = () => {
    setTouched(true);
    if (problem) return;
    save.mutate({ ...(draft.id ? { id: draft.id } : {}), countyId, year, ...definition, value: definition.value });
  };
  const statuses = useMemo(() => statusItems(ind, label, t('common.yes'), t('common.no')), [ind, label, t]);

  return (
    <Modal opened onClose={onClose} title={draft.id ? t('targets.editTitle') : t('targets.createTitle')} size="lg">
      <Stack gap="sm">
        <IndicatorSelect
          catalogue={catalogue}
          value={draft.indicator}
          onChange={(indicator) => update({ indicator })}
          w="100%"
          error={errorFor('indicator')}
          disabled={draft.id !== undefined}
        />
        <div>
          <Text size="sm" fw={500} mb={4}>
            {t('targets.kind')}
          </Text>
          <SegmentedControl
            value={draft.kind}
            onChange={(kind) => update({ kind: kind as TargetKind })}
            data={(['each_school', 'county_total'] as const).map((k) => ({ value: k, label: label(TARGET_KIND_LABELS[k]) }))}
            disabled={draft.id !== undefined}
          />
          <Text size="xs" c="dimmed" mt={4}>
            {t(draft.kind === 'each_school' ? 'targets.eachSchoolHint' : 'targets.countyTotalHint')}
          </Text>
        </div>
        <Group grow align="flex-start">
          <Select
            label={t('targets.measure')}
            allowDeselect={false}
            data={measures.map((m) => ({ value: m, label: label(TARGET_MEASURE_LABELS[m]) }))}
            value={draft.measure}
            onChange={(m) => m && update({ measure: m as TargetMeasure })}
            error={errorFor('measure')}
            disabled={draft.id !== undefined}
          />
          {(draft.measure === 'status_count' || draft.measure === 'status_share') && (
            <Select
              label={t('targets.statusValue')}
              allowDeselect={false}
              data={statuses}
              value={toItem(draft.statusValue)}
              onChange={(v) => update({ statusValue: fromItem(ind, v) })}
              error={errorFor('statusValue')}
              disabled={draft.id !== undefined}
            />
          )}
        </Group>
        <Group grow align="flex-start">
          <Select
            label={t('targets.comparator')}
            allowDeselect={false}
            data={COMPARATORS.filter((c) => numeric || draft.measure !== 'value' || c === 'eq').map((c) => ({
              value: c,
              label: `${label(COMPARATOR_LABELS[c])} ${t(`targets.comparatorWords.${c}`)}`,
            }))}
            value={draft.comparator}
            onChange={(c) => c && update({ comparator: c as Comparator })}
            error={errorFor('comparator')}
          />
          {!numeric && draft.measure === 'value' ? (
            <Select
              label={t('targets.value')}
              allowDeselect={false}
              data={statuses}
              value={toItem(draft.value)}
              onChange={(v) => update({ value: fromItem(ind, v) ?? '' })}
              error={errorFor('value')}
            />
          ) : (
            <NumberInput
              label={t('targets.value')}
              description={valueHint}
              value={typeof draft.value === 'number' ? draft.value : ''}
              onChange={(v) => update({ value: typeof v === 'number' ? v : v === '' ? '' : Number(v) })}
              allowNegative={draft.measure === 'change_percent'}
              decimalScale={draft.measure === 'status_count' ? 0 : 2}
              suffix={percentValue ? '%' : undefined}
              thousandSeparator=","
              error={errorFor('value')}
            />
          )}
        </Group>
        {draft.kind === 'each_school' && (
          <Group grow align="flex-start">
            <MultiSelect
              label={t('targets.schoolTypes')}
              description={t('targets.schoolTypesHint')}
              data={typeItems}
              value={draft.schoolTypes}
              onChange={(v) => update({ schoolTypes: v as SchoolType[] })}
              disabled={draft.schoolId !== null}
              clearable
              error={errorFor('schoolTypes')}
            />
            <Select
              label={t('targets.school')}
              description={t('targets.schoolHint')}
              placeholder={t('targets.allSchools')}
              searchable
              clearable
              data={(schools.data ?? []).map((s) => ({ value: String(s.id), label: s.name }))}
              value={draft.schoolId === null ? null : String(draft.schoolId)}
              onChange={(v) => update({ schoolId: v ? Number(v) : null })}
              error={errorFor('schoolId')}
            />
          </Group>
        )}
        {save.error && !fieldIssues(save.error).length && (
          <Alert color="red" title={t('errors.title')}>
            {errorMessage(save.error, t)}
          </Alert>
        )}
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button onClick={submit} loading={save.isPending}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
