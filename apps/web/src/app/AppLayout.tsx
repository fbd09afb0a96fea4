import { AppShell, Burger, Group, Menu, Modal, NavLink, ScrollArea, Select, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Notifications } from '@mantine/notifications';
import { IconChevronDown, IconKey, IconLogout, IconUserCircle } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { lazy, Suspense, useDeferredValue, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Redirect, Route, Switch, useLocation } from 'wouter';
import { CountyProvider, useCounty } from '../shared/county';
import { useNotify } from '../shared/errors';
import { Link, useNavigate, type SignInState } from '../shared/navigation';
import { homePath, useMe, useSetSession } from '../shared/session';
import { useTRPC } from '../shared/trpc';
import { LanguageSwitch } from '../shared/ui/LanguageSwitch';
import { PageLoader } from '../shared/ui/Loading';
import { usePhone } from '../shared/ui/usePhone';
import { NotFound } from '../shared/ui/NotFound';
import { RoleGate } from './RoleGate';
import { PAGES } from './pages';
import { NAVY } from './theme';

function CountyPicker() {
  const { t } = useTranslation();
  const { countyId, counties, choose, selectable } = useCounty();
  if (!selectable) return null;
  return (
    <Select
      aria-label={t('nav.county')}
      placeholder={t('nav.countyPlaceholder')}
      size="xs"
      w={180}
      data={counties.map((c) => ({ value: String(c.id), label: c.name }))}
      value={countyId === null ? null : String(countyId)}
      onChange={(value) => value && choose(Number(value))}
      allowDeselect={false}
    />
  );
}

const ChangePasswordForm = lazy(() => import('../pages/password/ChangePasswordForm').then((m) => ({ default: m.ChangePasswordForm })));

function UserMenu() {
  const { t } = useTranslation();
  const me = useMe();
  const trpc = useTRPC();
  const setSession = useSetSession();
  const navigate = useNavigate();
  const notify = useNotify();
  const [changingPassword, setChangingPassword] = useState(false);
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSuccess: () => {
        setSession(null);
        navigate('/login', { replace: true, state: { signedOut: true } satisfies SignInState });
      },
      onError: notify.error,
    }),
  );
  return (
    <>
      <Menu position="bottom-end" width={200}>
        <Menu.Target>
          <UnstyledButton c="white" aria-label={me.displayName}>
            <Group gap={6} wrap="nowrap">
              <IconUserCircle size={20} />
              <Text size="sm" fw={500} truncate maw={220} visibleFrom="sm">
                {me.displayName}
              </Text>
              <IconChevronDown size={14} />
            </Group>
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>{me.username}</Menu.Label>
          <Menu.Item leftSection={<IconKey size={16} />} onClick={() => setChangingPassword(true)}>
            {t('password.change')}
          </Menu.Item>
          <Menu.Item leftSection={<IconLogout size={16} />} onClick={() => logout.mutate()} disabled={logout.isPending}>
            {t('auth.signOut')}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Modal opened={changingPassword} onClose={() => setChangingPassword(false)} title={t('password.change')} size="sm">
        <Suspense fallback={<PageLoader />}>
          <ChangePasswordForm
            onCancel={() => setChangingPassword(false)}
            onDone={() => {
              setChangingPassword(false);
              notify.success(t('password.changed'));
            }}
          />
        </Suspense>
      </Modal>
    </>
  );
}

function HomeRedirect() {
  return <Redirect to={homePath(useMe().role)} replace />;
}

/**
 * The page for the address. It follows the address as a deferred value, so the current page stays on screen
 * while the next one's code loads (as react-router's transitions did).
 */
function Pages({ pathname }: { pathname: string }) {
  return (
    <Switch location={useDeferredValue(pathname)}>
      <Route path="/">
        <HomeRedirect />
      </Route>
      {PAGES.map(({ path, roles, Component }) => (
        <Route key={path} path={`/${path}`}>
          <RoleGate roles={roles}>
            <Component />
          </RoleGate>
        </Route>
      ))}
      <Route>
        <NotFound />
      </Route>
    </Switch>
  );
}

/**
 * The signed-in frame: navy header with the user and the language switch, navigation by role, the page. Below `md`
 * (phones, tablets upright) the navigation is a drawer behind the burger; on a phone the header keeps only icons
 * and the county picker moves into the drawer, so the header fits 390 px.
 */
export function AppLayout() {
  const { t } = useTranslation();
  const me = useMe();
  const phone = usePhone();
  const [pathname] = useLocation();
  const [opened, { toggle, close }] = useDisclosure();
  const items = PAGES.filter((p) => p.nav && p.roles.includes(me.role));
  return (
    <CountyProvider>
      <Notifications position="top-right" />
      <AppShell header={{ height: 52 }} navbar={{ width: 208, breakpoint: 'md', collapsed: { mobile: !opened } }} padding="md">
        <AppShell.Header bg={NAVY} style={{ borderBottom: 0 }}>
          <Group h="100%" px="md" justify="space-between" wrap="nowrap">
            {/* The title gives way (truncated) before the controls on the right do. */}
            <Group gap="sm" wrap="nowrap" miw={0}>
              <Burger opened={opened} onClick={toggle} hiddenFrom="md" size="sm" color="white" aria-label={t('nav.menu')} />
              <Text c="white" fw={600} size="md" truncate component={Link} to="/">
                {t('app.title')}
              </Text>
            </Group>
            <Group gap={phone ? 'xs' : 'md'} wrap="nowrap" style={{ flexShrink: 0 }}>
              {!phone && <CountyPicker />}
              <LanguageSwitch variant="header" compact={phone} />
              <UserMenu />
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="xs">
          <ScrollArea>
            {phone && (
              <Group mb="xs" px={4}>
                <CountyPicker />
              </Group>
            )}
            <nav>
              {items.map(({ path, nav }) => (
                <NavLink
                  key={path}
                  component={Link}
                  to={`/${path}`}
                  label={t(`nav.${nav!.label}`)}
                  leftSection={nav && <nav.icon size={18} stroke={1.6} />}
                  active={pathname === `/${path}` || pathname.startsWith(`/${path}/`)}
                  onClick={close}
                  styles={{ root: { borderRadius: 4 } }}
                />
              ))}
            </nav>
          </ScrollArea>
        </AppShell.Navbar>
        <AppShell.Main>
          <Suspense fallback={<PageLoader />}>
            <Pages pathname={pathname} />
          </Suspense>
        </AppShell.Main>
      </AppShell>
    </CountyProvider>
  );
}
