import { z } from 'zod';
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
export type Scope =
  | { kind: 'all' }
  | { kind: 'counties'; countyIds: readonly number[] }
  | { kind: 'school'; schoolId: number; countyId: number };

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

export const passwordRule = z
  .string()
  .min(8, '密码至少8位。')
  .max(128, '密码不能超过128位。')
  .refine((p) => /[A-Za-z]/.test(p) && /\d/.test(p), '密码必须同时包含字母和数字。');

export const displayNameRule = z.string().trim().min(1, '姓名不能为空。').max(40, '姓名不能超过40个字。');

export const loginInput = z.object({
  username: z.string().trim().min(1, '请输入用户名。').max(100, '用户名过长。'),
  password: z.string().min(1, '请输入密码。').max(256, '密码过长。'),
});
export type LoginInput = z.infer<typeof loginInput>;

export const userCreateInput = z.object({
  role: z.enum(ROLES, { error: '角色无效。' }),
  username: usernameRule,
  displayName: displayNameRule,
  password: passwordRule,
  orgUnitId: z.number().int().positive().optional(),
  schoolId: z.number().int().positive().optional(),
});
export type UserCreateInput = z.infer<typeof userCreateInput>;

export const principalCreateInput = z.object({
  schoolId: z.number().int().positive(),
  username: usernameRule,
  displayName: displayNameRule,
  password: passwordRule,
});
export type PrincipalCreateInput = z.infer<typeof principalCreateInput>;

export const passwordResetInput = z.object({
  userId: z.number().int().positive(),
  password: passwordRule,
});

/** The largest PostgreSQL integer: no id or version exceeds it, so input beyond it is refused before any lookup. */
export const INT4_MAX = 2_147_483_647;
