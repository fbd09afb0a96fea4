import { describe, expect, it } from 'vitest';
import {
  changePasswordInput,
  creatableRoles,
  decideAccess,
  PASSWORD_CHANGE_REQUIRED,
  passwordProblem,
  passwordResetInput,
  passwordRule,
  principalCreateInput,
  scopeIncludesCounty,
  scopeIncludesSchool,
  type Scope,
  userCreateInput,
} from '../src/index.js';

describe('scope', () => {
  const bureau: Scope = { kind: 'counties', countyIds: [1, 2] };
  const principal: Scope = { kind: 'school', schoolId: 7, countyId: 1 };

  it('lets a bureau see its counties only', () => {
    expect(scopeIncludesCounty(bureau, 2)).toBe(true);
    expect(scopeIncludesCounty(bureau, 3)).toBe(false);
    expect(scopeIncludesSchool(bureau, { id: 99, countyId: 1 })).toBe(true);
    expect(scopeIncludesSchool(bureau, { id: 99, countyId: 3 })).toBe(false);
  });

  it('lets a principal see only their own school', () => {
    expect(scopeIncludesSchool(principal, { id: 7, countyId: 1 })).toBe(true);
    expect(scopeIncludesSchool(principal, { id: 8, countyId: 1 })).toBe(false);
  });

  it('lets the system admin see everything', () => {
    expect(scopeIncludesSchool({ kind: 'all' }, { id: 1, countyId: 42 })).toBe(true);
  });
});

describe('account rules', () => {
  it('limits which roles each role may create', () => {
    expect(creatableRoles('bureau_admin')).toEqual(['bureau_officer', 'principal']);
    expect(creatableRoles('system_admin')).toContain('principal');
    expect(creatableRoles('bureau_officer')).toEqual([]);
    expect(creatableRoles('principal')).toEqual([]);
  });

  it('requires passwords with letters and digits, at least 8 long', () => {
    expect(passwordRule.safeParse('schoolyard2026').success).toBe(true);
    expect(passwordRule.safeParse('abcdefgh').error?.issues[0]?.message).toBe('密码必须同时包含字母和数字。');
    expect(passwordRule.safeParse('a1').error?.issues[0]?.message).toBe('密码至少8位。');
  });

  it('refuses a password that holds the account’s own username (a principal’s is the school identifier)', () => {
    const principal = { schoolId: 1, username: '2151992108', displayName: '王校长' };
    const refused = principalCreateInput.safeParse({ ...principal, password: 'x2151992108' });
    expect(refused.error?.issues).toEqual([expect.objectContaining({ path: ['password'], message: '密码不能包含用户名（学校账号的用户名就是学校标识码）。' })]);
    expect(userCreateInput.safeParse({ role: 'bureau_officer', username: 'Wang.Li', displayName: '王丽', password: 'wang.li2026' }).success).toBe(false);
    expect(principalCreateInput.safeParse({ ...principal, password: 'schoolyard2026' }).success).toBe(true);
  });

  it('refuses the passwords guessing tries first, whatever their case', () => {
    for (const common of ['password1', 'Password1', 'QWERTY123', 'abc12345', 'woaini1314']) {
      expect(passwordRule.safeParse(common).error?.issues[0]?.message, common).toBe('这个密码太常见，很容易被猜到，请换一个。');
    }
  });

  it('lets an admin leave the password empty (the server generates one) but checks one that is given', () => {
    const principal = { schoolId: 1, username: '2151992108', displayName: '王校长' };
    expect(principalCreateInput.parse({ ...principal, password: '' }).password).toBeUndefined();
    expect(principalCreateInput.parse(principal).password).toBeUndefined();
    expect(passwordResetInput.parse({ userId: 3, password: '' }).password).toBeUndefined();
    expect(passwordResetInput.safeParse({ userId: 3, password: 'abc' }).error?.issues[0]?.message).toBe('密码至少8位。');
  });

  it('names the rule a password breaks against the account’s own names', () => {
    expect(passwordProblem('Wang.Li2026', { username: 'wang.li' })).toBe('密码不能包含用户名（学校账号的用户名就是学校标识码）。');
    expect(passwordProblem('my2151992108', { username: 'wangxz', schoolCode: '2151992108' })).toBe('密码不能包含学校标识码。');
    expect(passwordProblem('schoolyard2026', { username: 'wangxz', schoolCode: '2151992108' })).toBeNull();
  });

  it('asks a changed password to differ from the current one', () => {
    expect(changePasswordInput.safeParse({ currentPassword: 'schoolyard2026', newPassword: 'schoolyard2026' }).error?.issues).toEqual([
      expect.objectContaining({ path: ['newPassword'], message: '新密码不能与当前密码相同。' }),
    ]);
    expect(changePasswordInput.safeParse({ currentPassword: 'schoolyard2026', newPassword: 'villagehall2027' }).success).toBe(true);
  });
});

describe('an account whose password someone else chose', () => {
  const user = { role: 'principal' as const, scope: { kind: 'school', schoolId: 7, countyId: 1 } as Scope, mustChangePassword: true };
  const noSchool = async () => undefined;

  it('may only call what comes before changing it', async () => {
    expect(await decideAccess(user, { roles: ['principal'], target: 'school' }, { schoolId: 7 }, noSchool)).toEqual({
      allowed: false,
      code: 'FORBIDDEN',
      message: PASSWORD_CHANGE_REQUIRED,
    });
    expect(await decideAccess(user, { roles: ['principal'], beforePasswordChange: true }, {}, noSchool)).toEqual({ allowed: true });
    expect(await decideAccess(user, { public: true }, {}, noSchool)).toEqual({ allowed: true });
    expect(await decideAccess({ ...user, mustChangePassword: false }, { roles: ['principal'], target: 'school' }, { schoolId: 7 }, noSchool)).toEqual({
      allowed: true,
    });
  });
});
