import type { Role } from '@oversight/domain';
import type { world } from './support.js';

/**
 * The one rule table of both authorisation matrices: every tRPC procedure (by path) and every HTTP file route
 * ("METHOD url") with the roles that may call it and what it targets. It is written here, independently of the
 * code's own declarations, so a loosened rule fails; the matrices (`access.test.ts` for procedures,
 * `apps/api/test/file-access.test.ts` for file routes) fail too when a procedure or route has no row.
 */
export const ALL: readonly Role[] = ['system_admin', 'bureau_admin', 'bureau_officer', 'principal'];
export const ADMINS: readonly Role[] = ['system_admin', 'bureau_admin'];
export const BUREAU: readonly Role[] = ['system_admin', 'bureau_admin', 'bureau_officer'];

export interface AccessRule {
  roles: readonly Role[] | 'public';
  /** What the call names that must lie in the caller's scope: a school (or a school's account or summary), a county. */
  target: false | 'school' | 'county';
  /** Open to an account that must change its password first (someone else chose it); every other call refuses it. */
  beforePasswordChange?: true;
}

const rule = (roles: AccessRule['roles'], target: AccessRule['target'] = false): AccessRule => ({ roles, target });
const beforePasswordChange = (roles: AccessRule['roles']): AccessRule => ({ roles, target: false, beforePasswordChange: true });

export const ACCESS_RULES: Record<string, AccessRule> = {
  'auth.login': rule('public'),
  'auth.me': rule('public'),
  'auth.logout': beforePasswordChange(ALL),
  'auth.changePassword': beforePasswordChange(ALL),
  'org.tree': rule(ALL),
  'org.createUnit': rule(['system_admin']),
  'schools.list': rule(ALL, 'county'),
  'schools.get': rule(ALL, 'school'),
  'schools.create': rule(ADMINS, 'county'),
  'schools.update': rule(ADMINS, 'school'),
  'users.list': rule(ADMINS),
  'users.create': rule(ADMINS, 'school'),
  'users.createPrincipal': rule(ADMINS, 'school'),
  'users.resetPassword': rule(ADMINS, 'school'),
  'users.setActive': rule(ADMINS, 'school'),
  'catalogue.list': rule(ALL),
  'reports.get': rule(ALL, 'school'),
  'reports.save': rule(ALL, 'school'),
  'reports.autosave': rule(ALL, 'school'),
  'reports.submit': rule(ALL, 'school'),
  'reports.approve': rule(BUREAU, 'school'),
  'reports.returnForRevision': rule(BUREAU, 'school'),
  'reports.reopen': rule(BUREAU, 'school'),
  'reports.history': rule(ALL, 'school'),
  'reports.completeness': rule(BUREAU, 'county'),
  'reports.matrix': rule(BUREAU, 'county'),
  'reports.reviewQueue': rule(BUREAU, 'county'),
  'reports.approveMany': rule(BUREAU, 'county'),
  'reports.remindMissing': rule(BUREAU, 'county'),
  'reports.workbench': rule(BUREAU, 'county'),
  'reports.reminders': rule(ALL, 'school'),
  'reports.dismissReminder': rule(['principal'], 'school'),
  'reports.deadline': rule(ALL, 'county'),
  'reports.setDeadline': rule(ADMINS, 'county'),
  'targets.list': rule(BUREAU, 'county'),
  'targets.set': rule(BUREAU, 'county'),
  'targets.remove': rule(BUREAU, 'county'),
  'targets.copyFromPreviousYear': rule(BUREAU, 'county'),
  'targets.attainment': rule(BUREAU, 'county'),
  'targets.propose': rule(BUREAU, 'county'),
  'targets.warnings': rule(BUREAU, 'county'),
  'targets.remindAtRisk': rule(BUREAU, 'county'),
  'targets.decideProposal': rule(BUREAU, 'county'),
  'analytics.overview': rule(BUREAU, 'county'),
  'analytics.ranking': rule(BUREAU, 'county'),
  'analytics.trend': rule(ALL, 'school'),
  'analytics.schoolProfile': rule(ALL, 'school'),
  'analytics.myStanding': rule(ALL, 'school'),
  'analytics.compareCounties': rule(BUREAU),
  'analytics.model': rule(BUREAU, 'county'),
  'analytics.schoolExpectations': rule(ALL, 'school'),
  'analytics.degreeDays': rule(BUREAU, 'county'),
  'analytics.setDegreeDays': rule(BUREAU, 'county'),
  'summaries.draft': rule(BUREAU, 'county'),
  'summaries.schoolDraft': rule(ALL, 'school'),
  'summaries.list': rule(ALL, 'county'),
  'summaries.get': rule(ALL, 'school'),
  'summaries.save': rule(ALL, 'school'),
  'summaries.finalize': rule(ALL, 'school'),
  'summaries.drift': rule(ALL, 'school'),
  'summaries.issuingUnit': rule(BUREAU, 'county'),
  'summaries.setIssuingUnit': rule(ADMINS, 'county'),
  'measures.list': rule(BUREAU, 'county'),
  'measures.add': rule(BUREAU, 'county'),
  'measures.update': rule(BUREAU, 'county'),
  'measures.remove': rule(BUREAU, 'county'),
  'measures.practices': rule(BUREAU, 'county'),
  'measures.choosePractices': rule(BUREAU, 'county'),
  'evidence.list': rule(ALL, 'school'),
  'evidence.requiredFrom': rule(ALL, 'county'),
  'evidence.setRequiredFrom': rule(ADMINS, 'county'),

  'GET /api/templates/school-report.xlsx': rule(ALL, 'school'),
  'GET /api/templates/county-reports.xlsx': rule(BUREAU, 'county'),
  'POST /api/import/reports': rule(ALL, 'school'),
  'GET /api/templates/school-roster.xlsx': rule(ADMINS, 'county'),
  'POST /api/import/schools': rule(ADMINS, 'county'),
  'GET /api/export/county.xlsx': rule(BUREAU, 'county'),
  'GET /api/export/completeness.xlsx': rule(BUREAU, 'county'),
  'GET /api/export/review-queue.xlsx': rule(BUREAU, 'county'),
  'GET /api/export/ranking.xlsx': rule(BUREAU, 'county'),
  'GET /api/summaries/:id(^\\d+).docx': rule(ALL, 'school'),
  'GET /api/summaries/:id(^\\d+).xlsx': rule(ALL, 'school'),
  'POST /api/reports/:schoolId/:period/evidence': rule(ALL, 'school'),
  'GET /api/evidence/:id(^\\d+)': rule(ALL, 'school'),
  'DELETE /api/evidence/:id(^\\d+)': rule(ALL, 'school'),
  'GET /api/evidence/county/:countyId(^\\d+)/:year(^\\d+).zip': rule(BUREAU, 'county'),
};

/** Targets in and out of scope: own school, another school of the county, a school of another county of the city, of another city. */
export type Target = 'own' | 'sibling' | 'otherCounty' | 'otherCity';
export const TARGETS: readonly Target[] = ['own', 'sibling', 'otherCounty', 'otherCity'];
type World = Awaited<ReturnType<typeof world>>;
export const schoolOf = (w: World, t: Target) => ({ own: w.schools.a1, sibling: w.schools.a2, otherCounty: w.schools.c, otherCity: w.schools.b })[t];
export const countyOf = (w: World, t: Target) => ({ own: w.countyA, sibling: w.countyA, otherCounty: w.countyA2, otherCity: w.countyB })[t];

export type SignedIn = 'systemAdmin' | 'bureauAdmin' | 'officer' | 'cityOfficer' | 'principal';
export const SIGNED_IN: readonly SignedIn[] = ['systemAdmin', 'bureauAdmin', 'officer', 'cityOfficer', 'principal'];
export const ROLE_OF: Record<SignedIn, Role> = {
  systemAdmin: 'system_admin',
  bureauAdmin: 'bureau_admin',
  officer: 'bureau_officer',
  cityOfficer: 'bureau_officer',
  principal: 'principal',
};

/**
 * Which targets each caller's scope covers: the county bureau its county, the city officer its city, a principal
 * its own school (and, for county-level calls, its own county, where it sees only itself).
 */
const SEES: Record<SignedIn, readonly Target[]> = {
  systemAdmin: ['own', 'sibling', 'otherCounty', 'otherCity'],
  bureauAdmin: ['own', 'sibling'],
  officer: ['own', 'sibling'],
  cityOfficer: ['own', 'sibling', 'otherCounty'],
  principal: ['own'],
};
export const sees = (who: SignedIn, target: Target, level: 'school' | 'county') =>
  SEES[who].includes(target) || (level === 'county' && who === 'principal' && target === 'sibling');

/**
 * What a call should meet: allowed, or refused for want of a sign-in (401), for the role (403) or for the scope,
 * where out of scope looks exactly like missing (404).
 */
export type Expected = 'allowed' | 'sign-in' | 'password-change' | 'role' | 'scope';

/** `mustChangePassword`: the caller's password was chosen by someone else and not yet changed. */
export function expectedAccess(rule: AccessRule, who: SignedIn | null, target: Target, mustChangePassword = false): Expected {
  if (rule.roles === 'public') return 'allowed';
  if (who === null) return 'sign-in';
  if (mustChangePassword && !rule.beforePasswordChange) return 'password-change';
  if (!rule.roles.includes(ROLE_OF[who])) return 'role';
  if (rule.target && !sees(who, target, rule.target)) return 'scope';
  return 'allowed';
}

/** The answers a refusal carries, the same for procedures and file routes. */
export const REFUSALS = {
  'sign-in': { code: 'UNAUTHORIZED', status: 401, message: '请先登录。' },
  role: { code: 'FORBIDDEN', status: 403, message: '您的账号无权执行此操作。' },
  'password-change': { code: 'FORBIDDEN', status: 403, message: '您的密码是管理员设置的初始密码，请先修改密码，再使用其他功能。' },
  school: { code: 'NOT_FOUND', status: 404, message: '学校不存在。' },
  county: { code: 'NOT_FOUND', status: 404, message: '县（市、区）不存在。' },
} as const;
