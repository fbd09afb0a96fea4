import { Button, Group, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * One county setting on a page (报送期限, 佐证材料要求, 发文单位): a label, then for those who may change it the control,
 * an optional unit after it and a save button; for the others the current value as text.
 */
export function SettingRow(props: {
  label: string;
  /** The value as read by those who may not change it. */
  value: ReactNode;
  editable: boolean;
  /** The control (its aria-label the row's label). */
  children: ReactNode;
  /** Text after the control (“天”). */
  unit?: string;
  saveLabel: string;
  /** Whether the control holds something to save. */
  changed: boolean;
  saving: boolean;
  onSave: () => void;
  mt?: number | string;
}) {
  if (!props.editable) {
    return (
      <Text size="sm" c="dimmed" mt={props.mt}>
        {props.label} {props.value}
      </Text>
    );
  }
  return (
    <Group gap="xs" align="flex-start" mt={props.mt}>
      <Text size="sm" c="dimmed" mt={6}>
        {props.label}
      </Text>
      {props.children}
      {props.unit && (
        <Text size="sm" c="dimmed" mt={6}>
          {props.unit}
        </Text>
      )}
      <Button size="xs" variant="light" disabled={!props.changed} loading={props.saving} onClick={props.onSave}>
        {props.saveLabel}
      </Button>
    </Group>
  );
}
