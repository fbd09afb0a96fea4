import { ADMIN_ROLES, ALL_ROLES, OVERSIGHT_ROLES, type Role } from '@oversight/domain';
import {
  IconBuildingCommunity,
  IconChartBar,
  IconChartDots,
  IconClipboardCheck,
  IconFileSpreadsheet,
  IconFileText,
  IconHome,
  IconLayoutDashboard,
  IconLayoutGrid,
  IconSchool,
  IconTarget,
  IconTrophy,
  IconUsers,
  type Icon,
} from '@tabler/icons-react';
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { MessageTree } from '../i18n/zh-CN';

export interface PageDef {
  path: string;
  roles: readonly Role[];
  Component: LazyExoticComponent<ComponentType>;
  /** Pages listed in the side navigation, in this order. */
  nav?: { label: keyof MessageTree['nav']; icon: Icon };
}

/** Every page is loaded on demand, so the sign-in page stays small. */
const page = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) => lazy(() => load().then((module) => ({ default: module[name] })));

/** Every page of the app: its address, who may open it, and its place in the navigation. */
export const PAGES: readonly PageDef[] = [
  {
    path: 'home',
    roles: ['principal'],
    Component: page(() => import('../pages/home/PrincipalHomePage'), 'PrincipalHomePage'),
    nav: { label: 'home', icon: IconHome },
  },
  {
    path: 'workbench',
    roles: OVERSIGHT_ROLES,
    Component: page(() => import('../pages/workbench/WorkbenchPage'), 'WorkbenchPage'),
    nav: { label: 'workbench', icon: IconLayoutDashboard },
  },
  {
    path: 'my-school',
    roles: ['principal'],
    Component: page(() => import('../pages/my-school/MySchoolPage'), 'MySchoolPage'),
    nav: { label: 'mySchool', icon: IconSchool },
  },
  {
    path: 'schools',
    roles: OVERSIGHT_ROLES,
    Component: page(() => import('../pages/schools/SchoolsPage'), 'SchoolsPage'),
    nav: { label: 'schools', icon: IconBuildingCommunity },
  },
  {
    path: 'completeness',
    roles: OVERSIGHT_ROLES,
    Component: page(() => import('../pages/completeness/CompletenessPage'), 'CompletenessPage'),
    nav: { label: 'completeness', icon: IconLayoutGrid },
  },
  {
    path: 'review',
    roles: OVERSIGHT_ROLES,
    Component: page(() => import('../pages/review-queue/ReviewQueuePage'), 'ReviewQueuePage'),
    nav: { label: 'reviewQueue', icon: IconClipboardCheck },
  },
  { path: 'review/:schoolId/:period', roles: OVERSIGHT_ROLES, Component: page(() => import('../pages/review/ReviewPage'), 'ReviewPage') },
  { path: 'reports/:schoolId/:period', roles: ALL_ROLES, Component: page(() => import('../pages/report/ReportPage'), 'ReportPage') },
  {
    path: 'overview',
    roles: OVERSIGHT_ROLES,
    Component: page(() => import('../pages/overview/OverviewPage'), 'OverviewPage'),
    nav: { label: 'overview', icon: IconChartBar },
  },
  {
    path: 'targets',
    roles: OVERSIGHT_ROLES,
    Component: page(() => import('../pages/targets/TargetsPage'), 'TargetsPage'),
    nav: { label: 'targets', icon: IconTarget },
  },
  {
    path: 'league',
    roles: OVERSIGHT_ROLES,
    Component: page(() => import('../pages/league/LeaguePage'), 'LeaguePage'),
    nav: { label: 'league', icon: IconTrophy },
  },
  { path: 'profile/:schoolId', roles: OVERSIGHT_ROLES, Component: page(() => import('../pages/profile/SchoolProfilePage'), 'SchoolProfilePage') },
  {
    path: 'standing',
    roles: ['principal'],
    Component: page(() => import('../pages/profile/StandingPage'), 'StandingPage'),
    nav: { label: 'standing', icon: IconChartDots },
  },
  {
    path: 'summaries',
    roles: ALL_ROLES,
    Component: page(() => import('../pages/summaries/SummariesPage'), 'SummariesPage'),
    nav: { label: 'summaries', icon: IconFileText },
  },
  { path: 'summaries/:summaryId', roles: ALL_ROLES, Component: page(() => import('../pages/summaries/SummaryEditorPage'), 'SummaryEditorPage') },
  {
    path: 'imports',
    roles: ALL_ROLES,
    Component: page(() => import('../pages/imports/ImportPage'), 'ImportPage'),
    nav: { label: 'imports', icon: IconFileSpreadsheet },
  },
  {
    path: 'accounts',
    roles: ADMIN_ROLES,
    Component: page(() => import('../pages/accounts/AccountsPage'), 'AccountsPage'),
    nav: { label: 'accounts', icon: IconUsers },
  },
];
