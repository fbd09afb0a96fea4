import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedDemoCounty, type DatabaseHandle, type DemoSummary } from '@oversight/db';
import { createTestDatabase } from '@oversight/db/testing';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/server.js';

/**
 * Signs in through the real SPA in headless Chromium (Debian's package, driven by playwright-core).
 * Without Chromium or a built SPA the suite is skipped with a notice; REQUIRE_BROWSER=1 (CI) makes that a failure.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');
const missing = [
  existsSync(CHROMIUM) ? null : `Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`,
  existsSync(path.join(WEB_DIR, 'index.html')) ? null : `SPA not built at ${WEB_DIR} (pnpm build)`,
].filter(Boolean);
if (missing.length && process.env.REQUIRE_BROWSER === '1') throw new Error(`Browser tests required: ${missing.join('; ')}`);
if (missing.length) console.warn(`\n[school-oversight] SKIPPED browser tests: ${missing.join('; ')}\n`);

describe.skipIf(missing.length > 0)('in the browser', () => {
  let handle: DatabaseHandle;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  let demo: DemoSummary;

  beforeAll(async () => {
    handle = await createTestDatabase('pglite');
    demo = await seedDemoCounty(handle.db, { password: 'demo123456' });
    app = await buildServer({ db: handle.db, webDir: WEB_DIR, cookieSecure: false, trustProxy: false });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await handle?.close();
  });

  async function signIn(username: string, password = 'demo123456'): Promise<Page> {
    const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    await page.goto(`${base}/`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    return page;
  }

  it('an officer signs in and browses the county’s schools', async () => {
    const page = await signIn('officer');
    await expect.poll(() => page.getByRole('heading', { name: '学校管理' }).count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => page.getByText('青石县实验小学').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.getByText('账号管理').count()).toBe(0);
    await page.screenshot({ path: path.join(WEB_DIR, '../test-results/officer-schools.png') }).catch(() => {});
  }, 60_000);

  it('a principal signs in and sees only their own school', async () => {
    const school = demo.principals.find((p) => p.school === '青石县实验小学')!;
    const page = await signIn(school.username);
    await expect.poll(() => page.getByRole('heading', { name: '本校信息' }).count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => page.getByText('青石县实验小学').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.getByText('学校管理').count()).toBe(0);
    expect(await page.getByText('青石县第一中学').count()).toBe(0);
  }, 60_000);

  it('a wrong password gets a clear message and no session', async () => {
    const page = await signIn('officer', 'not-the-password1');
    await expect.poll(() => page.getByText('用户名或密码错误').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect((await page.context().cookies()).filter((c) => c.name === 'oversight_session')).toHaveLength(0);
  }, 60_000);
});
