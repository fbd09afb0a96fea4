import { ActionIcon, Group, Tooltip } from '@mantine/core';
import { IconBan, IconCircleCheck } from '@tabler/icons-react';
import type { ReactNode } from 'react';

/** The icon buttons at the end of a table row, right-aligned. */
export function RowActions({ children }: { children: ReactNode }) {
  return (
    <Group gap={4} justify="flex-end" wrap="nowrap">
      {children}
    </Group>
  );
}

/** One row action: an icon with its name as tooltip; screen readers hear the name and the row (“编辑 青石县实验小学”). */
export function RowAction({
  label,
  subject,
  icon,
  color,
  loading,
  onClick,
}: {
  label: string;
  subject: string;
  icon: ReactNode;
  color?: string;
  loading?: boolean;
  onClick: () => void;
}) {
  return (
    <Tooltip label={label}>
      <ActionIcon variant="subtle" color={color} aria-label={`${label} ${subject}`} loading={loading} onClick={onClick}>
        {icon}
      </ActionIcon>
    </Tooltip>
  );
}

/** Deactivates an active record (red) or activates an inactive one (teal), under the caller's words for each. */
export function ActiveToggle({
  active,
  activate,
  deactivate,
  subject,
  loading,
  onClick,
}: {
  active: boolean;
  activate: string;
  deactivate: string;
  subject: string;
  loading?: boolean;
  onClick: () => void;
}) {
  return (
    <RowAction
      label={active ? deactivate : activate}
      subject={subject}
      color={active ? 'red' : 'teal'}
      icon={active ? <IconBan size={16} /> : <IconCircleCheck size={16} />}
      loading={loading}
      onClick={onClick}
    />
  );
}
