import { Group, NativeSelect, NumberInput, Radio, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { useLabel } from '../../i18n/labels';
import type { Indicator } from '../../shared/trpc';
import type { FieldValue } from './useReportDraft';

export interface FieldIssue {
  severity: string;
  message: string;
}

interface Props {
  indicator: Indicator;
  value: FieldValue | undefined;
  unit: string;
  lastYear: string;
  issues: readonly FieldIssue[];
  explanation: string | undefined;
  onChange: (code: string, value: FieldValue) => void;
  onExplain: (code: string, text: string) => void;
}

/** The input that fits the indicator's value type. */
function FieldInput({
  indicator,
  value,
  error,
  name,
  onChange,
}: {
  indicator: Indicator;
  value: FieldValue | undefined;
  error: string | undefined;
  name: string;
  onChange: (value: FieldValue) => void;
}) {
  const { t } = useTranslation();
  const label = useLabel();
  const id = `field-${indicator.code}`;
  switch (indicator.valueType) {
    case 'integer':
    case 'decimal':
      return (
        <NumberInput
          id={id}
          w={200}
          value={typeof value === 'number' || typeof value === 'string' ? value : ''}
          onChange={(v) => onChange(v)}
          allowDecimal={indicator.valueType === 'decimal'}
          decimalScale={indicator.valueType === 'decimal' ? 2 : 0}
          allowNegative={(indicator.min ?? 0) < 0}
          thousandSeparator=","
          hideControls
          error={error}
        />
      );
    case 'boolean':
      return (
        <Radio.Group
          label={name}
          classNames={{ label: 'sr-only' }}
          value={value === true ? 'yes' : value === false ? 'no' : null}
          onChange={(v) => onChange(v === 'yes')}
          error={error}
        >
          <Group gap="lg" py={6}>
            <Radio value="yes" label={t('common.yes')} />
            <Radio value="no" label={t('common.no')} />
          </Group>
        </Radio.Group>
      );
    case 'enum':
      return (
        <NativeSelect
          id={id}
          w={200}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.currentTarget.value || null)}
          data={[{ value: '', label: t('report.choose') }, ...(indicator.options ?? []).map((o) => ({ value: o.value, label: label(o.label) }))]}
          error={error}
        />
      );
    case 'date':
      return (
        <TextInput
          id={id}
          w={200}
          type="date"
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.currentTarget.value || null)}
          error={error}
        />
      );
  }
}

/** One indicator of the form: name, input, unit, last year's figure, and its errors and warnings right beside it. */
export const IndicatorRow = memo(function IndicatorRow({ indicator, value, unit, lastYear, issues, explanation, onChange, onExplain }: Props) {
  const { t } = useTranslation();
  const label = useLabel();
  const errors = issues.filter((i) => i.severity === 'error');
  const warnings = issues.filter((i) => i.severity === 'warning');
  const name = label(indicator.name);
  return (
    <Table.Tr bg={errors.length ? 'red.0' : warnings.length ? 'yellow.0' : undefined} data-indicator={indicator.code}>
      <Table.Td w="34%">
        <Text component="label" htmlFor={`field-${indicator.code}`} size="sm" fw={500}>
          {name}
        </Text>
        {indicator.help && (
          <Text size="xs" c="dimmed">
            {label(indicator.help)}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Stack gap={4}>
          <FieldInput
            indicator={indicator}
            value={value}
            name={name}
            error={errors.length ? errors.map((e) => e.message).join(' ') : undefined}
            onChange={(v) => onChange(indicator.code, v)}
          />
          {warnings.map((w) => (
            <Text key={w.message} size="xs" c="orange.9" role="status">
              {w.message}
            </Text>
          ))}
          {warnings.length > 0 && (
            <Textarea
              aria-label={`${name} ${t('report.explanation')}`}
              placeholder={t('report.explanationPlaceholder')}
              autosize
              minRows={1}
              maxLength={500}
              value={explanation ?? ''}
              onChange={(e) => onExplain(indicator.code, e.currentTarget.value)}
              error={explanation?.trim() ? undefined : t('report.explanationRequired')}
            />
          )}
        </Stack>
      </Table.Td>
      <Table.Td w={110}>
        <Text size="sm" c="dimmed">
          {unit}
        </Text>
      </Table.Td>
      <Table.Td w={140} className="num">
        <Text size="sm" c="dimmed">
          {lastYear}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
});
