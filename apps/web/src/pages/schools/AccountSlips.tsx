import { Button, Group, Paper, Text, Title } from '@mantine/core';
import type { RosterAccount } from '@oversight/domain';
import { IconArrowLeft, IconPrinter } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../shared/ui/ConfirmDialog';
import './slips.css';

/** Slips per printed A4 page: two columns of four. */
export const SLIPS_PER_PAGE = 8;

function Slip({ account, address }: { account: RosterAccount; address: string }) {
  const { t } = useTranslation();
  return (
    <div className="account-slip">
      <div className="account-slip-title">{t('slips.title')}</div>
      <dl>
        <dt>{t('slips.address')}</dt>
        <dd className="account-slip-address">{address}</dd>
        <dt>{t('slips.school')}</dt>
        <dd>
          {account.schoolName}（{account.schoolCode}）
        </dd>
        <dt>{t('slips.username')}</dt>
        <dd className="account-slip-secret">{account.username}</dd>
        <dt>{t('slips.password')}</dt>
        <dd className="account-slip-secret" data-testid="slip-password">
          {account.initialPassword}
        </dd>
      </dl>
      <ol>
        <li>{t('slips.line1')}</li>
        <li>{t('slips.line2')}</li>
        <li>{t('slips.line3')}</li>
      </ol>
    </div>
  );
}

/**
 * The account slips of the accounts a roster import opened: one per school with the platform's address, the school,
 * the username and the one-time password, and three lines on signing in. On screen a preview; printed, A4 pages of
 * eight slips with cutting lines, nothing of the app around them.
 */
export function AccountSlips({ accounts, onClose }: { accounts: RosterAccount[]; onClose: () => void }) {
  const { t } = useTranslation();
  const [leaving, setLeaving] = useState(false);
  const address = window.location.origin;
  const pages: RosterAccount[][] = [];
  for (let i = 0; i < accounts.length; i += SLIPS_PER_PAGE) pages.push(accounts.slice(i, i + SLIPS_PER_PAGE));
  return (
    <>
      <Paper p="sm" mb="md" className="no-print">
        <Title order={3} mb={4}>
          {t('slips.heading', { count: accounts.length })}
        </Title>
        <Text size="sm" c="red.8" mb="sm">
          {t('slips.once')}
        </Text>
        <Group>
          <Button leftSection={<IconPrinter size={16} />} onClick={() => window.print()}>
            {t('slips.print')}
          </Button>
          <Button variant="default" leftSection={<IconArrowLeft size={16} />} onClick={() => setLeaving(true)}>
            {t('slips.back')}
          </Button>
        </Group>
      </Paper>
      <ConfirmDialog
        opened={leaving}
        title={t('slips.back')}
        message={t('slips.leaveConfirm')}
        confirmLabel={t('slips.leave')}
        color="red"
        onConfirm={onClose}
        onClose={() => setLeaving(false)}
      />
      <div className="account-slips">
        {pages.map((page, i) => (
          <div className="account-slips-page" key={i}>
            {page.map((account) => (
              <Slip key={account.username} account={account} address={address} />
            ))}
          </div>
        ))}
      </div>
    </>
  );
}
