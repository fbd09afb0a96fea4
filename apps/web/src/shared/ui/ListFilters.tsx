import { Group, Paper, TextInput, type GroupProps, type MantineSpacing } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

/** The bar of filters above a list: one framed row. */
export function FilterBar({ mb = 'sm', ...group }: GroupProps & { mb?: MantineSpacing }) {
  return (
    <Paper p="sm" mb={mb}>
      <Group gap="md" {...group} />
    </Paper>
  );
}

/** The search field of a list's filter bar. */
export function SearchInput({
  value,
  onChange,
  placeholder,
  label,
  w,
}: {
  value: string;
  onChange: (value: string) => void;
  placeholder: string;
  label?: string;
  w: number;
}) {
  const { t } = useTranslation();
  return (
    <TextInput
      placeholder={placeholder}
      aria-label={label ?? t('common.search')}
      leftSection={<IconSearch size={16} />}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      w={w}
    />
  );
}
