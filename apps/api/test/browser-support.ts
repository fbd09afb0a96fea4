import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCaller } from '@oversight/api';
import { describeUser, findUserByUsername, seedDemoCounty, type Database, type DatabaseHandle, type DemoSummary, type Kysely } from '@oversight/db';
import { createTestDatabase } from '@oversight/db/testing';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
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

/** The demo county in a fresh embedded database, served with the built SPA, and a headless Chromium; `server` adds server options (an evidence store). */
export async function openDemoSite(server: Partial<Pick<ServerOptions, 'evidenceStore'>> = {}): Promise<DemoSite> {
  const handle = await createTestDatabase('pglite');
  const demo = await seedDemoCounty(handle.db, { password: 'demo123456' });
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

/** True when nothing on the page is wider than the window (no sideways scrolling on a phone). */
export async function fitsViewport(page: Page): Promise<boolean> {
  // A string, so the test's TypeScript (no DOM lib) need not know `document`.
  return page.evaluate('document.documentElement.scrollWidth <= window.innerWidth') as Promise<boolean>;
}
