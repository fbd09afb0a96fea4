import { Button, Select } from '@mantine/core';
import { creatableRoles, ROLE_LABELS, ROLES, type Role } from '@oversight/domain';
import { IconKey, IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLabel } from '../../i18n/labels';
import { useCounty } from '../../shared/county';
import { useNotify } from '../../shared/errors';
import { useMe } from '../../shared/session';
import { useSortedPages } from '../../shared/table';
import { useTRPC } from '../../shared/trpc';
import { FilterBar, SearchInput } from '../../shared/ui/ListFilters';
import { ListTable } from '../../shared/ui/ListTable';
import { QueryError } from '../../shared/ui/Loading';
import { PageHeader } from '../../shared/ui/PageHeader';
import { ActiveToggle, RowAction, RowActions } from '../../shared/ui/RowActions';
import { ActiveBadge } from '../../shared/ui/StatusBadge';
import { CreateAccountModal, ResetPasswordModal } from './AccountForms';
import { type IssuedPassword, IssuedPasswordModal } from './IssuedPasswordModal';

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
  const [issued, setIssued] = useState<IssuedPassword | null>(null);

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
  const { tableProps } = useSortedPages(
    accounts,
    { columnAccessor: 'role', direction: 'asc' },
    {
      sortValue: (a, column) => (column === 'role' ? ROLES.indexOf(a.role) : a[column as keyof Account]),
    },
  );
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
      <FilterBar>
        <SearchInput placeholder={t('accounts.searchPlaceholder')} value={search} onChange={setSearch} w={260} />
        <Select
          aria-label={t('accounts.role')}
          placeholder={t('accounts.allRoles')}
          clearable
          w={200}
          data={ROLES.map((r) => ({ value: r, label: label(ROLE_LABELS[r]) }))}
          value={role}
          onChange={setRole}
        />
      </FilterBar>
      <QueryError query={users} />
      <ListTable
        minHeight={160}
        fetching={users.isPending}
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
            render: (u) => <ActiveBadge active={u.active} />,
          },
          {
            accessor: 'actions',
            title: t('common.actions'),
            textAlign: 'right',
            width: 96,
            render: (u) =>
              manageable.includes(u.role) && u.id !== me.id ? (
                <RowActions>
                  <RowAction label={t('accounts.resetPassword')} subject={u.username} icon={<IconKey size={16} />} onClick={() => setResetting(u)} />
                  <ActiveToggle
                    active={u.active}
                    activate={t('accounts.activate')}
                    deactivate={t('accounts.deactivate')}
                    subject={u.username}
                    loading={setActive.isPending && setActive.variables?.userId === u.id}
                    onClick={() => setActive.mutate({ userId: u.id, active: !u.active })}
                  />
                </RowActions>
              ) : null,
          },
        ]}
      />
      {creating && <CreateAccountModal onClose={() => setCreating(false)} onIssued={setIssued} />}
      {resetting && <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} onIssued={setIssued} />}
      {issued && <IssuedPasswordModal issued={issued} onClose={() => setIssued(null)} />}
    </>
  );
}
