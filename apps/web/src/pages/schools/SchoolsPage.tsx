import { Badge, Button, Checkbox } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { ADMIN_ROLES, LOCATION_LABELS, OWNERSHIP_LABELS, SCHOOL_TYPE_LABELS, type RosterAccount } from '@oversight/domain';
import { IconFileImport, IconPencil, IconPlus } from '@tabler/icons-react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLabel, useLocale } from '../../i18n/labels';
import { useCounty } from '../../shared/county';
import { useNotify } from '../../shared/errors';
import { useMe } from '../../shared/session';
import { useSortedPages } from '../../shared/table';
import { useTRPC, type School } from '../../shared/trpc';
import { ConfirmDialog } from '../../shared/ui/ConfirmDialog';
import { FilterBar, SearchInput } from '../../shared/ui/ListFilters';
import { ListTable } from '../../shared/ui/ListTable';
import { QueryError } from '../../shared/ui/Loading';
import { PageHeader } from '../../shared/ui/PageHeader';
import { ActiveToggle, RowAction, RowActions } from '../../shared/ui/RowActions';
import { ActiveBadge } from '../../shared/ui/StatusBadge';
import { AccountSlips } from './AccountSlips';
import { RosterImportModal } from './RosterImportModal';
import { SchoolFormModal } from './SchoolFormModal';

type Editing = { school: School | null } | null;

export function SchoolsPage() {
  const { t } = useTranslation();
  const label = useLabel();
  const locale = useLocale();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const notify = useNotify();
  const me = useMe();
  const { county, countyId } = useCounty();
  const canEdit = ADMIN_ROLES.includes(me.role);
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 300);
  const [includeInactive, setIncludeInactive] = useState(false);
  const [editing, setEditing] = useState<Editing>(null);
  const [toggling, setToggling] = useState<School | null>(null);
  const [rosterOpen, setRosterOpen] = useState(false);
  // The one-time passwords of a roster import, kept only while the slips are shown (never stored, never shown again).
  const [slips, setSlips] = useState<RosterAccount[] | null>(null);

  const schools = useQuery(
    trpc.schools.list.queryOptions(
      { countyId: countyId ?? undefined, search: debounced || undefined, includeInactive },
      { enabled: countyId !== null, placeholderData: keepPreviousData },
    ),
  );
  const { tableProps } = useSortedPages(
    schools.data,
    { columnAccessor: 'code', direction: 'asc' },
    {
      sortValue: (s, column) => (column === 'type' ? Object.keys(SCHOOL_TYPE_LABELS).indexOf(s.type) : s[column as keyof School]),
    },
  );

  const setActive = useMutation(
    trpc.schools.update.mutationOptions({
      onSuccess: (school) => {
        void queryClient.invalidateQueries(trpc.schools.pathFilter());
        notify.success(t(school.active ? 'schools.activated' : 'schools.deactivated', { name: school.name }));
        setToggling(null);
      },
      onError: notify.error,
    }),
  );

  const yesNo = (v: boolean) => (v ? t('common.yes') : t('common.no'));
  if (slips) return <AccountSlips accounts={slips} onClose={() => setSlips(null)} />;
  const area = (v: number) => v.toLocaleString(locale, { maximumFractionDigits: 0 });

  return (
    <>
      <PageHeader
        title={t('schools.heading')}
        description={t('schools.intro')}
        actions={
          canEdit &&
          county && (
            <>
              <Button variant="default" leftSection={<IconFileImport size={16} />} onClick={() => setRosterOpen(true)}>
                {t('roster.open')}
              </Button>
              <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing({ school: null })}>
                {t('schools.create')}
              </Button>
            </>
          )
        }
      />
      <FilterBar>
        <SearchInput placeholder={t('schools.searchPlaceholder')} value={search} onChange={setSearch} w={280} />
        <Checkbox label={t('schools.includeInactive')} checked={includeInactive} onChange={(e) => setIncludeInactive(e.currentTarget.checked)} />
        {schools.data && (
          <Badge variant="light" color="gray">
            {t('schools.count', { count: schools.data.length })}
          </Badge>
        )}
      </FilterBar>
      <QueryError query={schools} />
      <ListTable
        minHeight={160}
        fetching={schools.isFetching && !schools.data}
        {...tableProps}
        columns={[
          { accessor: 'code', title: t('schools.code'), sortable: true, width: 120 },
          { accessor: 'name', title: t('schools.name'), sortable: true },
          { accessor: 'type', title: t('schools.type'), sortable: true, render: (s) => label(SCHOOL_TYPE_LABELS[s.type]) },
          { accessor: 'ownership', title: t('schools.ownership'), sortable: true, render: (s) => label(OWNERSHIP_LABELS[s.ownership]) },
          { accessor: 'location', title: t('schools.location'), sortable: true, render: (s) => label(LOCATION_LABELS[s.location]) },
          { accessor: 'boarding', title: t('schools.boarding'), sortable: true, render: (s) => yesNo(s.boarding) },
          { accessor: 'hasCanteen', title: t('schools.hasCanteen'), sortable: true, render: (s) => yesNo(s.hasCanteen) },
          { accessor: 'buildingAreaM2', title: t('schools.buildingArea'), sortable: true, textAlign: 'right', render: (s) => area(s.buildingAreaM2) },
          {
            accessor: 'active',
            title: t('common.status'),
            sortable: true,
            hidden: !includeInactive,
            render: (s) => <ActiveBadge active={s.active} />,
          },
          {
            accessor: 'actions',
            title: t('common.actions'),
            hidden: !canEdit,
            textAlign: 'right',
            width: 96,
            render: (s) => (
              <RowActions>
                <RowAction label={t('common.edit')} subject={s.name} icon={<IconPencil size={16} />} onClick={() => setEditing({ school: s })} />
                <ActiveToggle
                  active={s.active}
                  activate={t('schools.activate')}
                  deactivate={t('schools.deactivate')}
                  subject={s.name}
                  onClick={() => (s.active ? setToggling(s) : setActive.mutate({ schoolId: s.id, active: true }))}
                />
              </RowActions>
            ),
          },
        ]}
      />
      {rosterOpen && county && (
        <RosterImportModal
          county={county}
          onClose={() => setRosterOpen(false)}
          onSlips={(accounts) => {
            setRosterOpen(false);
            setSlips(accounts);
          }}
        />
      )}
      {editing && county && <SchoolFormModal key={editing.school?.id ?? 'new'} school={editing.school} county={county} onClose={() => setEditing(null)} />}
      <ConfirmDialog
        opened={toggling !== null}
        title={t('schools.deactivate')}
        message={toggling ? t('schools.deactivateConfirm', { name: toggling.name }) : ''}
        confirmLabel={t('schools.deactivate')}
        color="red"
        loading={setActive.isPending}
        onConfirm={() => toggling && setActive.mutate({ schoolId: toggling.id, active: false })}
        onClose={() => setToggling(null)}
      />
    </>
  );
}
