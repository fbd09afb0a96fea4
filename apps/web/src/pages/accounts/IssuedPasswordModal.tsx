import { Alert, Button, CopyButton, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

export interface IssuedPassword {
  username: string;
  displayName: string;
  initialPassword: string;
}

/** The one-time password the server generated, shown once: it is not stored in clear and cannot be shown again. */
export function IssuedPasswordModal({ issued, onClose }: { issued: IssuedPassword; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal opened onClose={onClose} title={t('accounts.issuedTitle')} size="md" closeOnClickOutside={false}>
      <Stack gap="sm">
        <Alert color="orange" icon={<IconAlertTriangle size={18} />}>
          {t('accounts.issued')}
        </Alert>
        <Table withTableBorder>
          <Table.Tbody>
            <Table.Tr>
              <Table.Th w="35%">{t('accounts.displayName')}</Table.Th>
              <Table.Td>{issued.displayName}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('accounts.issuedUsername')}</Table.Th>
              <Table.Td ff="monospace">{issued.username}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('accounts.issuedPassword')}</Table.Th>
              <Table.Td>
                <Group gap="xs" justify="space-between" wrap="nowrap">
                  <Text ff="monospace" fw={600} size="lg" data-testid="issued-password">
                    {issued.initialPassword}
                  </Text>
                  <CopyButton value={issued.initialPassword}>
                    {({ copied, copy }) => (
                      <Button size="xs" variant="light" onClick={copy}>
                        {copied ? t('accounts.copied') : t('accounts.copy')}
                      </Button>
                    )}
                  </CopyButton>
                </Group>
              </Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
        <Group justify="flex-end">
          <Button onClick={onClose}>{t('common.close')}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
