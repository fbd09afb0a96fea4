import { Modal, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useLabel } from '../../i18n/labels';
import { useDateFormat } from '../periods';
import { useTRPC, type Catalogue } from '../trpc';
import { QueryState } from '../ui/Loading';

type Entry = { action: string; before: unknown; after: unknown };

const ACTIONS = ['save', 'submit', 'approve', 'return', 'reopen', 'remind'] as const;

/** What one audit entry changed, in words: the indicators a save touched, or the reason of a return. */
function useDescribe(catalogue: Catalogue) {
  const { t } = useTranslation();
  const label = useLabel();
  return (entry: Entry): string => {
    if (entry.action.startsWith('evidence.')) {
      // An upload or removal of one of the report's files: its name and the start of its SHA-256.
      const file = (entry.after ?? entry.before ?? {}) as { name?: string; sha256?: string };
      return t('evidence.historyDetail', { name: file.name ?? '', sha256: (file.sha256 ?? '').slice(0, 12) });
    }
    const after = (entry.after ?? {}) as { values?: Record<string, unknown>; reason?: string };
    if (after.reason) return t('report.reasonLabel', { reason: after.reason });
    if (after.values) {
      const names = Object.keys(after.values).map((code) => {
        const indicator = catalogue.indicators.find((i) => i.code === code);
        return indicator ? label(indicator.name) : code;
      });
      if (names.length === 0) return '';
      const shown = names.slice(0, 6).join('、') + (names.length > 6 ? '…' : '');
      return t('report.changedFields', { count: names.length, fields: shown });
    }
    return '';
  };
}

/** The report's audit trail: who did what, when. */
export function HistoryModal({ schoolId, period, catalogue, onClose }: { schoolId: number; period: string; catalogue: Catalogue; onClose: () => void }) {
  const { t } = useTranslation();
  const trpc = useTRPC();
  const { dateTime } = useDateFormat();
  const describe = useDescribe(catalogue);
  const history = useQuery(trpc.reports.history.queryOptions({ schoolId, period }));
  const actionLabel = (action: string) => {
    if (action === 'evidence.upload' || action === 'evidence.remove')
      return t(action === 'evidence.upload' ? 'evidence.uploadAction' : 'evidence.removeAction');
    const key = action.replace(/^report\./, '');
    return (ACTIONS as readonly string[]).includes(key) ? t(`report.actions.${key as (typeof ACTIONS)[number]}`) : action;
  };
  return (
    <Modal opened onClose={onClose} title={t('report.history')} size="xl">
      <QueryState query={history}>
        {(entries) =>
          entries.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('report.historyEmpty')}
            </Text>
          ) : (
            <Table striped withTableBorder verticalSpacing={6}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={160}>{t('report.historyAt')}</Table.Th>
                  <Table.Th w={180}>{t('report.historyActor')}</Table.Th>
                  <Table.Th w={100}>{t('report.historyAction')}</Table.Th>
                  <Table.Th>{t('report.historyDetail')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {[...entries].reverse().map((e, index) => (
                  <Table.Tr key={index}>
                    <Table.Td>{dateTime(e.at)}</Table.Td>
                    <Table.Td>{e.actor ?? t('common.empty')}</Table.Td>
                    <Table.Td>{actionLabel(e.action)}</Table.Td>
                    <Table.Td>
                      <Text size="sm">{describe(e)}</Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )
        }
      </QueryState>
    </Modal>
  );
}
