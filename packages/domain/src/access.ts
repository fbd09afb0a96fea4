import { z } from 'zod';
import { AppError } from './errors.js';
import type { Label } from './labels.js';
import { visibleName } from './text.js';

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
 */
export type Access = { public: true } | { roles: readonly Role[]; target?: 'school' | 'county' };

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
} as const;
export type RecordKind = keyof typeof NOT_FOUND_MESSAGES;

/** The NOT_FOUND error for a record of this kind: missing, or out of the caller's scope (they look the same). */
export const missing = (kind: RecordKind) => new AppError('NOT_FOUND', NOT_FOUND_MESSAGES[kind]);

const ROLE_NOT_ALLOWED = '您的账号无权执行此操作。';

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
  user: { role: Role; scope: Scope } | null,
  access: Access,
  params: Record<string, unknown>,
  findSchool: (id: number) => Promise<{ id: number; countyId: number } | undefined>,
): Promise<AccessDecision> {
  if ('public' in access) return { allowed: true };
  if (!user) return refuse('UNAUTHORIZED', '请先登录。');
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

/** Which roles a user of a given role may create accounts for. */
export function creatableRoles(role: Role): readonly Role[] {
  switch (role) {
    case 'system_admin':
      return ROLES;
    case 'bureau_admin':
      return ['bureau_officer', 'principal'];
    default:
      return [];
  }
}

export const usernameRule = z
  .string()
  .trim()
  .min(3, '用户名至少3个字符。')
  .max(40, '用户名不能超过40个字符。')
  .regex(/^[A-Za-z0-9_.-]+$/, '用户名只能包含字母、数字、下划线、点和短横线。');

/**
 * Passwords that guessing tries first (the most common ones of Chinese and international leaks that meet the rules
 * of letters and digits), compared without case. Kept short on purpose: it stops the first guesses, not a dictionary.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  'password1',
  'password12',
  'password123',
  'passw0rd',
  'p@ssw0rd',
  'qwerty123',
  'qwerty12',
  'qwer1234',
  '1234qwer',
  'abc12345',
  'abcd1234',
  '1234abcd',
  'a1234567',
  'a12345678',
  'a123456789',
  'aa123456',
  'aa12345678',
  'abc123456',
  '1q2w3e4r',
  '1q2w3e4r5t',
  '1qaz2wsx',
  'qazwsx123',
  'zxcvbnm1',
  'asdf1234',
  'admin123',
  'admin888',
  'admin1234',
  'woaini1314',
  'woaini520',
  'iloveyou1',
  'welcome1',
  'letmein1',
  'test1234',
  'user1234',
  'root1234',
  'china123',
  'qq123456',
  'wang1234',
  'li123456',
  'zhang123',
  'abc123abc',
  'super123',
  'school123',
  'xuexiao123',
  'jiaoyu123',
]);

export const passwordRule = z
  .string()
  .min(8, '密码至少8位。')
  .max(128, '密码不能超过128位。')
  .refine((p) => /[A-Za-z]/.test(p) && /\d/.test(p), '密码必须同时包含字母和数字。')
  .refine((p) => !COMMON_PASSWORDS.has(p.toLowerCase()), '这个密码太常见，很容易被猜到，请换一个。');

export const displayNameRule = visibleName(z.string().trim().min(1, '姓名不能为空。').max(40, '姓名不能超过40个字。'), '姓名');

export const loginInput = z.object({
  username: z.string().trim().min(1, '请输入用户名。').max(100, '用户名过长。'),
  password: z.string().min(1, '请输入密码。').max(256, '密码过长。'),
});
export type LoginInput = z.infer<typeof loginInput>;

/**
 * A password must not hold the account's own username: usernames are not secret (a principal's is the school
 * identifier, printed in the education statistics), so such a password is the first one guessed.
 */
const passwordNotUsername = {
  check: (v: { username: string; password: string }) => !v.password.toLowerCase().includes(v.username.trim().toLowerCase()),
  message: { message: '密码不能包含用户名（学校账号的用户名就是学校标识码）。', path: ['password'] },
};

export const userCreateInput = z
  .object({
    role: z.enum(ROLES, { error: '角色无效。' }),
    username: usernameRule,
    displayName: displayNameRule,
    password: passwordRule,
    orgUnitId: z.number().int().positive().optional(),
    schoolId: z.number().int().positive().optional(),
  })
  .refine(passwordNotUsername.check, passwordNotUsername.message);
export type UserCreateInput = z.infer<typeof userCreateInput>;

export const principalCreateInput = z
  .object({
    schoolId: z.number().int().positive(),
    username: usernameRule,
    displayName: displayNameRule,
    password: passwordRule,
  })
  .refine(passwordNotUsername.check, passwordNotUsername.message);
export type PrincipalCreateInput = z.infer<typeof principalCreateInput>;

export const passwordResetInput = z.object({
  userId: z.number().int().positive(),
  password: passwordRule,
});

/** The largest PostgreSQL integer: no id or version exceeds it, so input beyond it is refused before any lookup. */
export const INT4_MAX = 2_147_483_647;
