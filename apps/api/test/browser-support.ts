import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCaller } from '@oversight/api';
import {
  describeUser,
  findUserByUsername,
  seedDemoCounty,
  type Database,
  type DatabaseHandle,
  type DatabaseKind,
  type DemoSummary,
  type Kysely,
} from '@oversight/db';
import { inputIndicatorsFor, periodStartDate, type IndicatorValue, type Period, type SchoolType } from '@oversight/domain';
import { createTestDatabase } from '@oversight/db/testing';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';
import { buildServer, type ServerOptions } from '../src/server.js';
/**
 * What the browser suites share: the built SPA, Debian's Chromium driven by playwright-core, and the demo county
 * served on a free port. Without Chromium or a built SPA a suite is skipped with a notice; REQUIRE_BROWSER=1 (CI)
 * makes that a failure.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');
export const SHOTS = path.join(WEB_DIR, '../test-results');

/** Why the browser suite cannot run here, or null when it can. */
export function browserSkipReason(suite: string): string | null {
  const missing = [
    existsSync(CHROMIUM) ? null : `Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`,
    existsSync(path.join(WEB_DIR, 'index.html')) ? null : `SPA not built at ${WEB_DIR} (pnpm build)`,
  ].filter(Boolean);
  if (!missing.length) return null;
  if (process.env.REQUIRE_BROWSER === '1') throw new Error(`Browser tests required: ${missing.join('; ')}`);
  console.warn(`\n[school-oversight] SKIPPED ${suite}: ${missing.join('; ')}\n`);
  return missing.join('; ');
}

export interface DemoSite {
  handle: DatabaseHandle;
  app: FastifyInstance;
  browser: Browser;
  base: string;
  demo: DemoSummary;
  close(): Promise<void>;
}

/** The demo accounts' password in the browser suites. */
export const DEMO_PASSWORD = 'demo123456';

/**
 * The demo county in a fresh database (embedded unless told), served with the built SPA, and a headless Chromium;
 * `server` adds server options (an evidence store).
 */
export async function openDemoSite(kind: DatabaseKind = 'pglite', server: Partial<Pick<ServerOptions, 'evidenceStore'>> = {}): Promise<DemoSite> {
  const handle = await createTestDatabase(kind);
  const demo = await seedDemoCounty(handle.db, { password: DEMO_PASSWORD });
  const app = await buildServer({ db: handle.db, webDir: WEB_DIR, cookieSecure: false, trustProxy: [], ...server });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  return {
    handle,
    app,
    browser,
    base,
    demo,
    close: async () => {
      await browser.close();
      await app.close();
      await handle.close();
    },
  };
}

/** A tRPC caller acting as a demo account, to read state and to set up what a test needs without the UI. */
export async function callerAs(db: Kysely<Database>, username: string) {
  const user = await findUserByUsername(db, username);
  if (!user) throw new Error(`no account ${username}`);
  return createCaller({
    db,
    user: await describeUser(db, user),
    sessionToken: null,
    address: '127.0.0.1',
    setSessionCookie: () => {},
    clearSessionCookie: () => {},
  });
}

/**
 * What sticks out past the window's right edge, described for a failure message: visible elements not inside a box
 * that scrolls or clips them (a table in its scroll container is fine; a header cut off at the edge is not).
 */
export async function offscreen(page: Page): Promise<string[]> {
  // A string, so the test's TypeScript (no DOM lib) need not know `document`.
  // The device's width, not window.innerWidth: a mobile browser widens its layout viewport to fit what overflows.
  const width = page.viewportSize()?.width ?? 0;
  return page.evaluate(`(() => {
    const width = ${width};
    const clipped = (el) => {
      for (let p = el.parentElement; p; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== 'visible') return true;
      }
      return false;
    };
    const out = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || r.right <= width + 1 || !el.checkVisibility({ visibilityProperty: true })) continue;
      if (clipped(el)) continue;
      out.push(el.tagName.toLowerCase() + ' "' + (el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 30) + '" ends at ' + Math.round(r.right) + 'px');
    }
    return out;
  })()`) as Promise<string[]>;
}

/** True when nothing on the page is wider than the window (no sideways scrolling on a phone) and nothing is cut off at its edge. */
export async function fitsViewport(page: Page): Promise<boolean> {
  const scrolls = (await page.evaluate(`document.documentElement.scrollWidth > ${page.viewportSize()?.width ?? 0}`)) as boolean;
  return !scrolls && (await offscreen(page)).length === 0;
}

/**
 * Whether the element, scrolled into view, is what a tap at its centre reaches: not under the fixed header, the
 * sticky action bar or anything else on top of it.
 */
export async function reachable(locator: Locator): Promise<boolean> {
  await locator.scrollIntoViewIfNeeded();
  return locator.evaluate((el: unknown) => {
    // What the page's objects offer here, spelled out: the test's TypeScript has no DOM lib.
    interface Node {
      getBoundingClientRect(): { left: number; top: number; width: number; height: number };
      contains(other: Node): boolean;
    }
    const node = el as Node;
    const { document } = globalThis as unknown as { document: { elementFromPoint(x: number, y: number): Node | null } };
    const r = node.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return hit !== null && (hit === node || node.contains(hit));
  });
}

/** Whether any of the element shows within the window (a drawer slid away, a row scrolled off do not). */
export async function inView(locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  const size = locator.page().viewportSize();
  return box !== null && size !== null && box.x + box.width > 0 && box.x < size.width && box.y + box.height > 0 && box.y < size.height;
}

/** Values that pass every hard rule for the school (10 of everything fits each “at most” cross-check; canteens insured). */
export function plausibleValues(school: { type: SchoolType; hasCanteen: boolean }, period: Period): Record<string, IndicatorValue> {
  const values: Record<string, IndicatorValue> = {};
  for (const indicator of inputIndicatorsFor(school)) {
    if (indicator.valueType === 'integer' || indicator.valueType === 'decimal') {
      values[indicator.code] = Math.min(indicator.max ?? 10, Math.max(indicator.min ?? 0, 10));
    } else if (indicator.valueType === 'boolean') values[indicator.code] = typeof indicator.expected === 'boolean' ? indicator.expected : true;
    else if (indicator.valueType === 'enum') values[indicator.code] = indicator.options![0]!.value;
    else if (indicator.valueType === 'date') values[indicator.code] = periodStartDate(period);
  }
  return values;
}

/**
 * A new browser context (Chinese unless told) signed in as `username` through the sign-in page, waiting until it has
 * left it; page errors are logged. A touch device taps the button.
 */
export async function signInAs(
  site: Pick<DemoSite, 'browser' | 'base'>,
  username: string,
  options: { password?: string; context?: BrowserContextOptions } = {},
): Promise<Page> {
  const page = await (await site.browser.newContext({ locale: 'zh-CN', ...options.context })).newPage();
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  await page.goto(`${site.base}/`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(options.password ?? DEMO_PASSWORD);
  const button = page.getByRole('button', { name: '登录' });
  await (options.context?.hasTouch ? button.tap() : button.click());
  await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 15_000 });
  return page;
}
