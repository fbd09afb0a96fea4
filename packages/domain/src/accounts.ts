import { z } from 'zod';
import { ROLES, type Role } from './access.js';
import { visibleName } from './text.js';

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
 * A password must not hold the account's username or its school's identifier: neither is secret (a principal's
 * username is the school identifier, printed in the education statistics), so such a password is guessed first.
 * Returns the rule it breaks, or null.
 */
export function passwordProblem(password: string, account: { username: string; schoolCode?: string | null }): string | null {
  const lower = password.toLowerCase();
  const username = account.username.trim().toLowerCase();
  if (username && lower.includes(username)) return '密码不能包含用户名（学校账号的用户名就是学校标识码）。';
  if (account.schoolCode && lower.includes(account.schoolCode)) return '密码不能包含学校标识码。';
  return null;
}

/** A password an admin may leave empty: the server then generates a one-time password and answers it once. */
const chosenOrGenerated = z.preprocess((v) => (v === '' || v === null ? undefined : v), passwordRule.optional());

const passwordNotUsername = (v: { username: string; password?: string | undefined }, ctx: z.RefinementCtx) => {
  const problem = v.password === undefined ? null : passwordProblem(v.password, v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['password'] });
};

export const userCreateInput = z
  .object({
    role: z.enum(ROLES, { error: '角色无效。' }),
    username: usernameRule,
    displayName: displayNameRule,
    password: chosenOrGenerated,
    orgUnitId: z.number().int().positive().optional(),
    schoolId: z.number().int().positive().optional(),
  })
  .superRefine(passwordNotUsername);
export type UserCreateInput = z.infer<typeof userCreateInput>;

export const principalCreateInput = z
  .object({
    schoolId: z.number().int().positive(),
    username: usernameRule,
    displayName: displayNameRule,
    password: chosenOrGenerated,
  })
  .superRefine(passwordNotUsername);
export type PrincipalCreateInput = z.infer<typeof principalCreateInput>;

export const passwordResetInput = z.object({
  userId: z.number().int().positive(),
  password: chosenOrGenerated,
});

/** A user changing their own password: the new one meets the rules and differs from the current one. */
export const changePasswordInput = z
  .object({
    currentPassword: z.string().min(1, '请输入当前密码。').max(256, '密码过长。'),
    newPassword: passwordRule,
  })
  .refine((v) => v.newPassword !== v.currentPassword, { message: '新密码不能与当前密码相同。', path: ['newPassword'] });
export type ChangePasswordInput = z.infer<typeof changePasswordInput>;
