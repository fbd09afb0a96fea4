import { AppError } from './errors.js';
import type { Label } from './labels.js';

export const ROLES = ['system_admin', 'bureau_admin', 'bureau_officer', 'principal'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, Label> = {
  system_admin: { zh: '系统管理员', en: 'System administrator' },
  bureau_admin: { zh: '教育局管理员', en: 'Bureau administrator' },
  bureau_officer: { zh: '教育局业务人员', en: 'Bureau officer' },
  principal: { zh: '学校（校长/总务处）', en: 'School (principal)' },
};

/** Every role. */
export const ALL_ROLES: readonly Role[] = ROLES;
/** Those who manage schools and accounts: the system admin and a bureau's admin. */
export const ADMIN_ROLES: readonly Role[] = ['system_admin', 'bureau_admin'];
/** Those who oversee schools (review, analytics, targets, summaries): everyone above a school. */
export const OVERSIGHT_ROLES: readonly Role[] = ['system_admin', 'bureau_admin', 'bureau_officer'];

export const isOverseer = (role: Role): boolean => OVERSIGHT_ROLES.includes(role);

/**
 * What a signed-in user may see. Every query on school data is filtered by it.
 * - all: the whole installation (system admin);
 * - counties: the counties of a bureau (one county, or every county of a city);
 * - school: one school (principal).
 */
export type Scope = { kind: 'all' } | { kind: 'counties'; countyIds: readonly number[] } | { kind: 'school'; schoolId: number; countyId: number };

export function scopeIncludesCounty(scope: Scope, countyId: number): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'counties':
      return scope.countyIds.includes(countyId);
    case 'school':
      return scope.countyId === countyId;
  }
}

export function scopeIncludesSchool(scope: Scope, school: { id: number; countyId: number }): boolean {
  if (scope.kind === 'school') return scope.schoolId === school.id;
  return scopeIncludesCounty(scope, school.countyId);
}

/**
 * Who may call a procedure or a file route, declared on it and decided by `decideAccess`:
 * - `public`: anyone, signed in or not;
 * - `roles`: signed-in users of these roles; with `target`, the call's `schoolId` / `countyId` must lie in the
 *   caller's scope. List reads filter by scope in the data layer as well.
 * An account that must change its password (someone else chose it) may only call what says `beforePasswordChange`.
 */
export type Access = { public: true } | { roles: readonly Role[]; target?: 'school' | 'county'; beforePasswordChange?: true };

export type AccessDecision = { allowed: true } | { allowed: false; code: 'BAD_REQUEST' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'NOT_FOUND'; message: string };

/**
 * The rule for what lies outside a caller's scope: it answers exactly as a missing record does (NOT_FOUND, the same
 * message), so that the ids and names of other schools and counties cannot be probed. A role that may not use a
 * procedure at all is told so (FORBIDDEN): that reveals nothing about any record.
 */
export const NOT_FOUND_MESSAGES = {
  school: '学校不存在。',
  county: '县（市、区）不存在。',
  city: '市级单位不存在。',
  unit: '单位不存在。',
  report: '报表不存在。',
  summary: '总结不存在。',
  target: '目标不存在。',
  account: '账号不存在。',
  evidence: '佐证材料不存在。',
  measure: '工作措施不存在。',
} as const;
export type RecordKind = keyof typeof NOT_FOUND_MESSAGES;

/** The NOT_FOUND error for a record of this kind: missing, or out of the caller's scope (they look the same). */
export const missing = (kind: RecordKind) => new AppError('NOT_FOUND', NOT_FOUND_MESSAGES[kind]);

const ROLE_NOT_ALLOWED = '您的账号无权执行此操作。';

/** The refusal to an account whose password someone else chose, until its owner changes it. */
export const PASSWORD_CHANGE_REQUIRED = '您的密码是管理员设置的初始密码，请先修改密码，再使用其他功能。';

/** An id from a call's input (a number) or query string (digits): a PostgreSQL integer above zero, else null. */
export function idOf(value: unknown): number | null {
  const n = typeof value === 'string' && /^[1-9]\d{0,9}$/.test(value) ? Number(value) : value;
  return Number.isInteger(n) && (n as number) > 0 && (n as number) <= INT4_MAX ? (n as number) : null;
}

const refuse = (code: Exclude<AccessDecision, { allowed: true }>['code'], message: string): AccessDecision => ({ allowed: false, code, message });

/**
 * The one access decision: the tRPC middleware and the file-route hook both ask it and only adapt its answer.
 * `params` are the call's input (tRPC) or query (file routes), where a targeted call names its `schoolId` or
 * `countyId`; `findSchool` looks a school up (never called for a school account, whose scope is its own school).
 */
export async function decideAccess(
  user: { role: Role; scope: Scope; mustChangePassword?: boolean } | null,
  access: Access,
  params: Record<string, unknown>,
  findSchool: (id: number) => Promise<{ id: number; countyId: number } | undefined>,
): Promise<AccessDecision> {
  if ('public' in access) return { allowed: true };
  if (!user) return refuse('UNAUTHORIZED', '请先登录。');
  if (user.mustChangePassword && !access.beforePasswordChange) return refuse('FORBIDDEN', PASSWORD_CHANGE_REQUIRED);
  if (!access.roles.includes(user.role)) return refuse('FORBIDDEN', ROLE_NOT_ALLOWED);
  if (access.target === 'school') {
    const schoolId = idOf(params.schoolId);
    if (schoolId === null) return refuse('BAD_REQUEST', '缺少有效的学校编号（字段：schoolId）。');
    const { scope } = user;
    const school =
      scope.kind === 'school' ? (schoolId === scope.schoolId ? { id: schoolId, countyId: scope.countyId } : undefined) : await findSchool(schoolId);
    if (!school || !scopeIncludesSchool(scope, school)) return refuse('NOT_FOUND', NOT_FOUND_MESSAGES.school);
  } else if (access.target === 'county' && params.countyId !== undefined) {
    const countyId = idOf(params.countyId);
    if (countyId === null) return refuse('BAD_REQUEST', '缺少有效的县（市、区）编号（字段：countyId）。');
    if (!scopeIncludesCounty(user.scope, countyId)) return refuse('NOT_FOUND', NOT_FOUND_MESSAGES.county);
  }
  return { allowed: true };
}

/** The school, when it exists and lies in the scope; otherwise NOT_FOUND, the same either way. Services use this. */
export function schoolInScope<S extends { id: number; countyId: number }>(scope: Scope, school: S | undefined | null): S {
  if (!school || !scopeIncludesSchool(scope, school)) throw missing('school');
  return school;
}

/**
 * A county a bureau reads or writes as a whole: in the scope of a bureau or the system admin, otherwise NOT_FOUND.
 * A school account is refused for its role (county-wide figures name other schools), which reveals nothing.
 */
export function countyInScope(scope: Scope, countyId: number): void {
  if (scope.kind === 'school') throw new AppError('FORBIDDEN', '学校账号只能查看本校的数据。');
  if (!scopeIncludesCounty(scope, countyId)) throw missing('county');
}

/** The largest PostgreSQL integer: no id or version exceeds it, so input beyond it is refused before any lookup. */
export const INT4_MAX = 2_147_483_647;
