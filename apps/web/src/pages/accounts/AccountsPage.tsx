import { ActionIcon, Badge, Button, Group, Paper, Select, TextInput, Tooltip } from '@mantine/core';
import { creatableRoles, ROLE_LABELS, ROLES, type Role } from '@oversight/domain';
import { IconBan, IconCircleCheck, IconKey, IconPlus, IconSearch } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { DataTable } from 'mantine-datatable';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLabel } from '../../i18n/labels';
import { useCounty } from '../../shared/county';
import { useNotify } from '../../shared/errors';
import { useMe } from '../../shared/session';
import { useSortedPages, useTableTexts } from '../../shared/table';
import { useTRPC } from '../../shared/trpc';
import { LoadError } from '../../shared/ui/Loading';
import { PageHeader } from '../../shared/ui/PageHeader';
import { CreateAccountModal, ResetPasswordModal } from './AccountForms';

interface Account {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  schoolId: number | null;
  countyId: number | null;
  active: boolean;
  belongsTo: string;
}

/** Bureau admins and the system admin: list accounts, open principals' and officers' accounts, reset, (de)activate. */
export function AccountsPage() {
  const { t } = useTranslation();
  const label = useLabel();
  const trpc = useTRPC();
  const me = useMe();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const { countyId, counties } = useCounty();
  const [search, setSearch] = useState('');
  const [role, setRole] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<Account | null>(null);

  const users = useQuery(trpc.users.list.queryOptions());
  const schools = useQuery(trpc.schools.list.queryOptions({ countyId: countyId ?? undefined, includeInactive: true }, { enabled: countyId !== null }));
  const accounts = useMemo<Account[]>(() => {
    const schoolNames = new Map((schools.data ?? []).map((s) => [s.id, s.name]));
    const countyNames = new Map(counties.map((c) => [c.id, c.name]));
    const needle = search.trim().toLowerCase();
    return (users.data ?? [])
      .filter((u) => !role || u.role === role)
      .filter((u) => !needle || u.username.toLowerCase().includes(needle) || u.displayName.toLowerCase().includes(needle))
      .map((u) => ({
        ...u,
        belongsTo: (u.schoolId !== null ? schoolNames.get(u.schoolId) : u.countyId !== null ? countyNames.get(u.countyId) : undefined) ?? t('common.empty'),
      }));
  }, [users.data, schools.data, counties, search, role, t]);
  const { tableProps } = useSortedPages(accounts, { columnAccessor: 'role', direction: 'asc' }, {
    sortValue: (a, column) => (column === 'role' ? ROLES.indexOf(a.role) : a[column as keyof Account]),
  });
  const texts = useTableTexts();
  const manageable = creatableRoles(me.role);

  const setActive = useMutation(
    trpc.users.setActive.mutationOptions({
      onSuccess: (user) => {
        void queryClient.invalidateQueries(trpc.users.pathFilter());
        notify.success(t(user.active ? 'accounts.activated' : 'accounts.deactivated', { username: user.username }));
      },
      onError: notify.error,
    }),
  );

  return (
    <>
      <PageHeader
        title={t('accounts.heading')}
        description={t('accounts.intro')}
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            {t('accounts.create')}
          </Button>
        }
      />
      <Paper p="sm" mb="sm">
        <Group gap="md">
          <TextInput
            placeholder={t('accounts.searchPlaceholder')}
            aria-label={t('common.search')}
            leftSection={<IconSearch size={16} />}
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            w={260}
          />
          <Select
            aria-label={t('accounts.role')}
            placeholder={t('accounts.allRoles')}
            clearable
            w={200}
            data={ROLES.map((r) => ({ value: r, label: label(ROLE_LABELS[r]) }))}
            value={role}
            onChange={setRole}
          />
        </Group>
      </Paper>
      {users.error && <LoadError error={users.error} onRetry={() => void users.refetch()} />}
      <DataTable
        withTableBorder
        borderRadius="sm"
        striped
        highlightOnHover
        minHeight={160}
        fetching={users.isPending}
        {...texts}
        {...tableProps}
        columns={[
          { accessor: 'username', title: t('accounts.username'), sortable: true },
          { accessor: 'displayName', title: t('accounts.displayName'), sortable: true },
          { accessor: 'role', title: t('accounts.role'), sortable: true, render: (u) => label(ROLE_LABELS[u.role]) },
          { accessor: 'belongsTo', title: t('accounts.belongsTo'), sortable: true },
          {
            accessor: 'active',
            title: t('common.status'),
            sortable: true,
            render: (u) => <Badge color={u.active ? 'teal' : 'gray'} variant="light">{u.active ? t('common.active') : t('common.inactive')}</Badge>,
          },
          {
            accessor: 'actions',
            title: t('common.actions'),
            textAlign: 'right',
            width: 96,
            render: (u) =>
              manageable.includes(u.role) && u.id !== me.id ? (
                <Group gap={4} justify="flex-end" wrap="nowrap">
                  <Tooltip label={t('accounts.resetPassword')}>
                    <ActionIcon variant="subtle" aria-label={`${t('accounts.resetPassword')} ${u.username}`} onClick={() => setResetting(u)}>
                      <IconKey size={16} />
                    </ActionIcon>
                  </Tooltip>
                  <Tooltip label={u.active ? t('accounts.deactivate') : t('accounts.activate')}>
                    <ActionIcon
                      variant="subtle"
                      color={u.active ? 'red' : 'teal'}
                      aria-label={`${u.active ? t('accounts.deactivate') : t('accounts.activate')} ${u.username}`}
                      loading={setActive.isPending && setActive.variables?.userId === u.id}
                      onClick={() => setActive.mutate({ userId: u.id, active: !u.active })}
                    >
                      {u.active ? <IconBan size={16} /> : <IconCircleCheck size={16} />}
                    </ActionIcon>
                  </Tooltip>
                </Group>
              ) : null,
          },
        ]}
      />
      {creating && <CreateAccountModal onClose={() => setCreating(false)} />}
      {resetting && <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} />}
    </>
  );
}
