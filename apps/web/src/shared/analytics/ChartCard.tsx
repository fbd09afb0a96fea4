import { Group, Paper, SegmentedControl, Table, Text, Title } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface FallbackTable {
  columns: string[];
  rows: (string | number)[][];
}

/**
 * A chart with its table: the reader switches between them (screen readers and printouts get the table).
 * Every chart on the analytics pages sits in one of these.
 */
export function ChartCard({
  title,
  note,
  table,
  children,
  height = 260,
}: {
  title: ReactNode;
  note?: ReactNode;
  table: FallbackTable;
  children: ReactNode;
  height?: number;
}) {
  const { t } = useTranslation();
  const [view, setView] = useState<'chart' | 'table'>('chart');
  return (
    <Paper p="sm">
      <Group justify="space-between" mb={6} wrap="nowrap" align="flex-start">
        <div style={{ minWidth: 0 }}>
          <Title order={5}>{title}</Title>
          {note && (
            <Text size="xs" c="dimmed">
              {note}
            </Text>
          )}
        </div>
        <SegmentedControl
          size="xs"
          style={{ flexShrink: 0 }}
          value={view}
          onChange={(v) => setView(v as 'chart' | 'table')}
          data={[
            { value: 'chart', label: t('analytics.showChart') },
            { value: 'table', label: t('analytics.showTable') },
          ]}
        />
      </Group>
      {view === 'chart' ? (
        <div style={{ width: '100%', height }}>{children}</div>
      ) : (
        <Table.ScrollContainer minWidth={300} mah={height + 40}>
          <Table striped withTableBorder fz="xs" verticalSpacing={2}>
            <Table.Thead>
              <Table.Tr>
                {table.columns.map((c) => (
                  <Table.Th key={c}>{c}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {table.rows.map((r, i) => (
                <Table.Tr key={i}>
                  {r.map((cell, j) => (
                    <Table.Td key={j}>{cell}</Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}
