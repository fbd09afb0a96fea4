import { Group, NativeSelect, NumberInput, Paper, Radio, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { memo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useLabel } from '../../i18n/labels';
import type { Indicator } from '../../shared/trpc';
import { usePhone } from '../../shared/ui/usePhone';
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

/**
 * The keyboard a phone opens for a number: digits only for whole numbers, digits and a decimal point otherwise
 * (NumberInput sets its own inputMode on the root props, so it goes on the `<input>` through `attributes`).
 */
export const numericInputMode = (indicator: Pick<Indicator, 'valueType'>) => (indicator.valueType === 'integer' ? 'numeric' : 'decimal');

/** The input that fits the indicator's value type; on a phone it takes the card's full width and a 16 px font (no zoom on focus). */
function FieldInput({
  indicator,
  value,
  error,
  name,
  phone,
  onChange,
}: {
  indicator: Indicator;
  value: FieldValue | undefined;
  error: string | undefined;
  name: string;
  phone: boolean;
  onChange: (value: FieldValue) => void;
}) {
  const { t } = useTranslation();
  const label = useLabel();
  const id = `field-${indicator.code}`;
  const w = phone ? '100%' : 200;
  const size = phone ? 'md' : 'sm';
  switch (indicator.valueType) {
    case 'integer':
    case 'decimal':
      return (
        <NumberInput
          id={id}
          w={w}
          size={size}
          value={typeof value === 'number' || typeof value === 'string' ? value : ''}
          onChange={(v) => onChange(v)}
          allowDecimal={indicator.valueType === 'decimal'}
          decimalScale={indicator.valueType === 'decimal' ? 2 : 0}
          allowNegative={(indicator.min ?? 0) < 0}
          thousandSeparator=","
          hideControls
          attributes={{ input: { inputMode: numericInputMode(indicator) } }}
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
          <Group gap={phone ? 'xl' : 'lg'} py={6}>
            <Radio value="yes" size={size} label={t('common.yes')} />
            <Radio value="no" size={size} label={t('common.no')} />
          </Group>
        </Radio.Group>
      );
    case 'enum':
      return (
        <NativeSelect
          id={id}
          w={w}
          size={size}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.currentTarget.value || null)}
          data={[{ value: '', label: t('report.choose') }, ...(indicator.options ?? []).map((o) => ({ value: o.value, label: label(o.label) }))]}
          error={error}
        />
      );
    case 'text': {
      const text = typeof value === 'string' ? value : '';
      const limit = indicator.maxLength;
      return (
        <Textarea
          id={id}
          w="100%"
          size={size}
          autosize
          minRows={phone ? 4 : 3}
          maxRows={12}
          maxLength={limit}
          placeholder={t('report.practicePlaceholder')}
          description={limit ? t('report.characters', { count: [...text].length, limit }) : undefined}
          inputWrapperOrder={['input', 'description', 'error']}
          value={text}
          onChange={(e) => onChange(e.currentTarget.value || null)}
          error={error}
        />
      );
    }
    case 'date':
      return (
        <TextInput
          id={id}
          w={w}
          size={size}
          type="date"
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.currentTarget.value || null)}
          error={error}
        />
      );
  }
}

/** The warnings of a field, each with its text, and the box to explain them (required before submitting). */
function Warnings({
  name,
  warnings,
  explanation,
  phone,
  onExplain,
}: {
  name: string;
  warnings: FieldIssue[];
  explanation: string | undefined;
  phone: boolean;
  onExplain: (text: string) => void;
}) {
  const { t } = useTranslation();
  if (!warnings.length) return null;
  return (
    <>
      {warnings.map((w) => (
        <Text key={w.message} size={phone ? 'sm' : 'xs'} c="orange.9" role="status">
          {w.message}
        </Text>
      ))}
      <Textarea
        aria-label={`${name} ${t('report.explanation')}`}
        placeholder={t('report.explanationPlaceholder')}
        autosize
        minRows={phone ? 2 : 1}
        size={phone ? 'md' : 'sm'}
        maxLength={500}
        value={explanation ?? ''}
        onChange={(e) => onExplain(e.currentTarget.value)}
        error={explanation?.trim() ? undefined : t('report.explanationRequired')}
      />
    </>
  );
}

/**
 * One indicator of the form: name, unit, last year's figure, the input, and its errors and warnings right with it.
 * On a phone a card (everything stacked over the full width, nothing squeezed into a column); on a wider screen a
 * row of the form's table (see `IndicatorFields`).
 */
export const IndicatorField = memo(function IndicatorField({ indicator, value, unit, lastYear, issues, explanation, onChange, onExplain }: Props) {
  const { t } = useTranslation();
  const label = useLabel();
  const phone = usePhone();
  const errors = issues.filter((i) => i.severity === 'error');
  const warnings = issues.filter((i) => i.severity === 'warning');
  const name = label(indicator.name);
  const bg = errors.length ? 'red.0' : warnings.length ? 'yellow.0' : undefined;
  const nameLabel = (
    <Text component="label" htmlFor={`field-${indicator.code}`} size="sm" fw={500}>
      {name}
    </Text>
  );
  const help = indicator.help && (
    <Text size="xs" c="dimmed">
      {label(indicator.help)}
    </Text>
  );
  const input = (
    <FieldInput
      indicator={indicator}
      value={value}
      name={name}
      phone={phone}
      error={errors.length ? errors.map((e) => e.message).join(' ') : undefined}
      onChange={(v) => onChange(indicator.code, v)}
    />
  );
  const explain = (text: string) => onExplain(indicator.code, text);

  // A school's own words (本季度主要做法): no unit, no last year's figure; the text box takes the row's width.
  const note = indicator.kind === 'note';
  if (phone) {
    return (
      <Paper p="sm" bg={bg} data-indicator={indicator.code} shadow="none">
        <Stack gap={6}>
          <div>
            {nameLabel}
            <Group gap="md" mt={2} display={note ? 'none' : undefined}>
              {unit && (
                <Text size="xs" c="dimmed">
                  {t('report.unitValue', { unit })}
                </Text>
              )}
              <Text size="xs" c="dimmed" className="num">
                {t('report.lastYearValue', { value: lastYear })}
              </Text>
            </Group>
            {help}
          </div>
          {input}
          <Warnings name={name} warnings={warnings} explanation={explanation} phone onExplain={explain} />
        </Stack>
      </Paper>
    );
  }
  return (
    <Table.Tr bg={bg} data-indicator={indicator.code}>
      <Table.Td w="34%">
        {nameLabel}
        {help}
      </Table.Td>
      <Table.Td colSpan={note ? 3 : 1}>
        <Stack gap={4}>
          {input}
          <Warnings name={name} warnings={warnings} explanation={explanation} phone={false} onExplain={explain} />
        </Stack>
      </Table.Td>
      {!note && (
        <Table.Td w={110}>
          <Text size="sm" c="dimmed">
            {unit}
          </Text>
        </Table.Td>
      )}
      {!note && (
        <Table.Td w={140} className="num">
          <Text size="sm" c="dimmed">
            {lastYear}
          </Text>
        </Table.Td>
      )}
    </Table.Tr>
  );
});

/** The fields of one tab: a column of cards on a phone, the four-column table (indicator, value, unit, last year) otherwise. */
export function IndicatorFields({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  if (usePhone()) return <Stack gap="sm">{children}</Stack>;
  return (
    <Table verticalSpacing={8} highlightOnHover>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('report.indicator')}</Table.Th>
          <Table.Th>{t('report.value')}</Table.Th>
          <Table.Th>{t('report.unit')}</Table.Th>
          <Table.Th ta="right">{t('report.lastYear')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>{children}</Table.Tbody>
    </Table>
  );
}

/** The figures the system works out from the form: name, value and last year's value; stacked lines on a phone. */
export function DerivedFigures({ rows }: { rows: { code: string; name: string; value: string; lastYear: string }[] }) {
  const phone = usePhone();
  if (phone) {
    return (
      <Paper p={0}>
        {rows.map((r, i) => (
          <Group
            key={r.code}
            justify="space-between"
            align="flex-start"
            wrap="nowrap"
            gap="sm"
            px="sm"
            py={6}
            style={i ? { borderTop: '1px solid var(--mantine-color-gray-3)' } : undefined}
          >
            <Text size="sm" style={{ minWidth: 0 }}>
              {r.name}
            </Text>
            <Stack gap={0} align="flex-end" style={{ flexShrink: 0 }}>
              <Text size="sm" className="num">
                {r.value}
              </Text>
              <Text size="xs" c="dimmed" className="num">
                {r.lastYear}
              </Text>
            </Stack>
          </Group>
        ))}
      </Paper>
    );
  }
  return (
    <Table verticalSpacing={4} withTableBorder>
      <Table.Tbody>
        {rows.map((r) => (
          <Table.Tr key={r.code}>
            <Table.Td w="34%">{r.name}</Table.Td>
            <Table.Td className="num">{r.value}</Table.Td>
            <Table.Td className="num" c="dimmed">
              {r.lastYear}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
