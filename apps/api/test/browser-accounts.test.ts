import path from 'node:path';
import type { DatabaseHandle, DemoSummary } from '@oversight/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, callerAs, fitsViewport, openDemoSite, signInAs, SHOTS, type DemoSite } from './browser-support.js';

/**
 * Accounts their owners control, in headless Chromium: a bureau admin resets a principal's password leaving it
 * empty and is shown the one-time password once; the principal signing in with it sees only the change form until
 * a password of their own is set; anyone changes their own password from the user menu.
 */
const skip = browserSkipReason('account browser tests');

describe.skipIf(skip !== null)('accounts in the browser', () => {
  let handle: DatabaseHandle;
  let base: string;
  let demo: DemoSummary;
  let site: DemoSite | undefined;

  beforeAll(async () => {
    site = await openDemoSite();
    ({ handle, base, demo } = site);
  }, 180_000);

  afterAll(() => site?.close());

  const signIn = (username: string, password: string, viewport = { width: 1280, height: 900 }) =>
    signInAs(site!, username, { password, context: { viewport } });

  it('a reset password is shown once, and its owner must set their own before anything else', async () => {
    const { username, school } = demo.principals[3]!;
    const admin = await signIn('bureau', 'demo123456');
    await admin.goto(`${base}/accounts`);
    await admin.getByPlaceholder('按用户名或姓名搜索').fill(username);
    await admin.getByRole('button', { name: `重置密码 ${username}` }).click();
    await admin.getByRole('dialog').getByRole('button', { name: '重置密码' }).click();
    const issued = admin.getByTestId('issued-password');
    await expect.poll(() => issued.count(), { timeout: 15_000 }).toBe(1);
    const oneTime = (await issued.textContent())!.trim();
    expect(oneTime).toMatch(/^[A-Za-z2-9]{10}$/);
    await admin.screenshot({ path: path.join(SHOTS, 'accounts-issued-password.png') });

    // At phone size, as a principal would open it from the slip.
    const principal = await signIn(username, oneTime, { width: 390, height: 844 });
    await expect.poll(() => principal.getByRole('heading', { name: '请先设置您自己的密码' }).count(), { timeout: 15_000 }).toBe(1);
    expect(await principal.getByRole('navigation').count()).toBe(0);
    expect(await fitsViewport(principal)).toBe(true);
    await principal.screenshot({ path: path.join(SHOTS, 'accounts-first-sign-in.png'), fullPage: true });
    // Going elsewhere by address shows the same form: the server refuses the rest until the change.
    await principal.goto(`${base}/my-school`);
    await expect.poll(() => principal.getByRole('heading', { name: '请先设置您自己的密码' }).count(), { timeout: 15_000 }).toBe(1);

    await principal.getByLabel('当前密码').fill(oneTime);
    await principal.getByLabel(/^新密码/).fill('password123');
    await principal.getByLabel('再次输入新密码').fill('password123');
    await principal.getByRole('button', { name: '修改密码' }).click();
    await expect.poll(() => principal.getByText('常见').count(), { timeout: 15_000 }).toBeGreaterThan(0);

    await principal.getByLabel(/^新密码/).fill('Qingshi-village-7');
    await principal.getByLabel('再次输入新密码').fill('Qingshi-village-7');
    await principal.getByRole('button', { name: '修改密码' }).click();
    await expect.poll(() => principal.getByRole('heading', { name: '请先设置您自己的密码' }).count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(() => principal.getByText(school).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const me = await (await callerAs(handle.db, username)).auth.me();
    expect(me!.mustChangePassword).toBe(false);
  });

  it('an officer changes their own password from the user menu; a wrong current password is named', async () => {
    const page = await signIn('officer', 'demo123456');
    const me = await (await callerAs(handle.db, 'officer')).auth.me();
    await page.getByRole('button', { name: me!.displayName }).click();
    await page.getByRole('menuitem', { name: '修改密码' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('当前密码').fill('not-my-password-1');
    await dialog.getByLabel(/^新密码/).fill('Bureau-desk-2027');
    await dialog.getByLabel('再次输入新密码').fill('Bureau-desk-2027');
    await dialog.getByRole('button', { name: '修改密码' }).click();
    await expect.poll(() => dialog.getByText('当前密码不正确').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await dialog.getByLabel('当前密码').fill('demo123456');
    await dialog.getByRole('button', { name: '修改密码' }).click();
    await expect.poll(() => page.getByRole('dialog').count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(() => page.getByText('密码已修改').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    // The new password signs in; the old one no longer does.
    await signIn('officer', 'Bureau-desk-2027');
  });
});
