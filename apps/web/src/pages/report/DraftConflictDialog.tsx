import { Button, Group, Modal, Paper, Radio, SimpleGrid, Stack, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormatValue } from '../../shared/catalogue';
import type { Catalogue, Indicator } from '../../shared/trpc';
import { type Choice, type Difference, differenceKey, type FieldValue } from './pendingEdits';
import { useFieldName } from './fieldName';
import { toStoredValue } from './useReportDraft';

interface Props {
  differences: readonly Difference[];
  /** Fields only the other side changed, already taken into the form. */
  merged?: readonly string[];
  inputs: readonly Indicator[];
  catalogue: Catalogue;
  onChoose: (choices: Record<string, Choice>) => void;
}

/**
 * Someone else saved the report while this principal's edits were waiting, and changed some of the same fields to
 * other values: both versions side by side, per field, and nothing is saved until the principal has chosen for each.
 */
export function DraftConflictDialog({ differences, ...rest }: Props) {
  // A new set of differences starts with no choice made.
  return differences.length ? <Choices key={differences.map(differenceKey).join('|')} differences={differences} {...rest} /> : null;
}

function Choices({ differences, merged = [], inputs, catalogue, onChoose }: Props) {
  const { t } = useTranslation();
  const format = useFormatValue(catalogue);
  const phone = useMediaQuery('(max-width: 36em)');
  const [choices, setChoices] = useState<Record<string, Choice>>({});
  const all = (choice: Choice) => onChoose(Object.fromEntries(differences.map((d) => [differenceKey(d), choice])));
  const complete = differences.every((d) => choices[differenceKey(d)]);

  const show = (d: Difference, value: FieldValue | null) => {
    if (d.section === 'explanations') return typeof value === 'string' && value.trim() ? value : t('common.empty');
    const indicator = inputs.find((i) => i.code === d.code);
    if (!indicator) return value === null ? t('common.empty') : String(value);
    const stored = toStoredValue(indicator, value);
    return stored === undefined ? String(value) : format.withUnit(indicator, stored);
  };
  const name = useFieldName(inputs);

  return (
    <Modal
      opened
      onClose={() => {}}
      withCloseButton={false}
      closeOnClickOutside={false}
      closeOnEscape={false}
      fullScreen={phone}
      size="lg"
      title={t('draftSync.dialogTitle')}
    >
      <Stack gap="sm">
        <Text size="sm">{t('draftSync.dialogIntro', { count: differences.length })}</Text>
        {merged.length > 0 && (
          <Text size="sm" c="dimmed">
            {t('draftSync.merged', { fields: merged.join(t('common.listSeparator')) })}
          </Text>
        )}
        {differences.map((d) => {
          const key = differenceKey(d);
          return (
            <Paper key={key} withBorder p="sm">
              <Radio.Group
                label={name(d)}
                description={t('draftSync.was', { value: show(d, d.base) })}
                value={choices[key] ?? null}
                onChange={(v) => setChoices((c) => ({ ...c, [key]: v as Choice }))}
              >
                <SimpleGrid cols={2} spacing="xs" mt="xs">
                  {(['mine', 'theirs'] as const).map((side) => (
                    <Radio.Card key={side} value={side} p="xs" radius="sm">
                      <Group wrap="nowrap" align="flex-start" gap="xs">
                        <Radio.Indicator />
                        <div>
                          <Text size="xs" c="dimmed">
                            {t(side === 'mine' ? 'draftSync.mine' : 'draftSync.theirs')}
                          </Text>
                          <Text size="sm" fw={600} style={{ wordBreak: 'break-word' }}>
                            {show(d, side === 'mine' ? d.mine : d.theirs)}
                          </Text>
                        </div>
                      </Group>
                    </Radio.Card>
                  ))}
                </SimpleGrid>
              </Radio.Group>
            </Paper>
          );
        })}
        <Group justify="space-between" gap="xs">
          <Group gap="xs">
            <Button variant="default" size="xs" onClick={() => all('mine')}>
              {t('draftSync.allMine')}
            </Button>
            <Button variant="default" size="xs" onClick={() => all('theirs')}>
              {t('draftSync.allTheirs')}
            </Button>
          </Group>
          <Button disabled={!complete} onClick={() => onChoose(choices)} title={complete ? undefined : t('draftSync.choose')}>
            {t('draftSync.apply')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
