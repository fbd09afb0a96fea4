import path from 'node:path';
import type { DatabaseHandle, DemoSummary } from '@oversight/db';
import { periodOf, shiftPeriod, type Period } from '@oversight/domain';
import type { Page } from 'playwright-core';
import { describeEachDatabase } from '@oversight/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserSkipReason,
  callerAs as callerAsDemo,
  fitsViewport,
  inView,
  offscreen,
  openDemoSite,
  signInAs,
  plausibleValues,
  reachable,
  SHOTS,
  type DemoSite,
} from './browser-support.js';

/**
 * The principal's pages on a phone held upright (390 × 844, touch) and the bureau's pages on a tablet (768 × 1024):
 * nothing wider than the screen or cut off at its edge, the report form as one column of cards with numeric
 * keyboards, its warnings and save state in reach of a thumb.
 */
const skip = browserSkipReason('phone and tablet browser tests');

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const TABLET = { viewport: { width: 768, height: 1024 }, isMobile: true, hasTouch: true };

await describeEachDatabase('on a phone and a tablet', (kind) => {
  describe.skipIf(skip !== null)('in Chromium', () => {
    let handle: DatabaseHandle;
    let base: string;
    let demo: DemoSummary;
    let site: DemoSite | undefined;

    beforeAll(async () => {
      site = await openDemoSite(kind);
      ({ handle, base, demo } = site);
    }, 180_000);

    afterAll(() => site?.close());

    const callerAs = (username: string) => callerAsDemo(handle.db, username);
    const principalOf = (schoolName: string) => demo.principals.find((p) => p.school === schoolName)!.username;

    const signedIn = (username: string, device: typeof PHONE) => signInAs(site!, username, { context: device });

    /** Opens an address and waits for its heading and its data (no request in flight, nothing loading). */
    async function open(page: Page, address: string, heading: string | RegExp) {
      await page.goto(`${base}${address}`);
      await page.getByRole('heading', { name: heading, level: 2 }).first().waitFor({ timeout: 15_000 });
      await page.waitForLoadState('networkidle');
      await expect.poll(() => page.getByText(/^加载中/).count(), { timeout: 15_000 }).toBe(0);
    }

    /** Nothing sideways: the page does not scroll horizontally and nothing visible is cut off at the right edge. */
    async function expectFits(page: Page, shot: string) {
      await page.screenshot({ path: path.join(SHOTS, `${shot}.png`), fullPage: true });
      expect(await offscreen(page), shot).toEqual([]);
      expect(await fitsViewport(page), shot).toBe(true);
    }

    /** The first quarter from the running one on in which the school has no report yet (read, not assumed). */
    async function openQuarter(schoolId: number): Promise<Period> {
      const officer = await callerAs('officer');
      let period = periodOf(new Date());
      for (let i = 0; i < 12; i += 1, period = shiftPeriod(period, 1)) {
        if ((await officer.reports.get({ schoolId, period })).version === 0) return period;
      }
      throw new Error('no quarter without reports');
    }

    // How pages are laid out does not depend on the database: checked once, on the embedded one. The report is
    // filled in and submitted on both.
    const layoutOnly = kind !== 'pglite';

    it.skipIf(layoutOnly)(
      'a principal opens every page of theirs at 390 × 844: the burger menu, nothing sideways, the report list as rows',
      async () => {
        const schoolName = '青石县实验小学';
        const page = await signedIn(principalOf(schoolName), PHONE);
        await open(page, '/home', '工作台');
        // The header fits: menu, title, language and the account menu, nothing past the edge.
        for (const name of ['菜单', 'English']) expect(await page.getByRole('button', { name }).isVisible()).toBe(true);
        const navLink = page.getByRole('navigation').getByRole('link', { name: '本校信息' });
        expect(await inView(navLink)).toBe(false);
        await expectFits(page, 'phone-home');
        // The past quarters are rows to tap, each with its status in full.
        const rows = page.getByRole('link', { name: /季度 查看报表$/ });
        expect(await rows.count()).toBeGreaterThan(0);
        const firstRow = rows.first();
        expect(await reachable(firstRow)).toBe(true);
        expect(await firstRow.getByText(/^(已审核通过|已报送|草稿|已退回|未填报)$/).isVisible()).toBe(true);

        // The navigation is a drawer behind the burger.
        await page.getByRole('button', { name: '菜单' }).tap();
        await expect.poll(() => inView(navLink), { timeout: 5_000 }).toBe(true);
        await navLink.tap();
        await page.getByRole('heading', { name: '本校信息', level: 2 }).waitFor({ timeout: 15_000 });
        await expect.poll(() => inView(navLink), { timeout: 5_000 }).toBe(false);
        await expectFits(page, 'phone-my-school');

        await open(page, '/standing', '本校对标');
        // Each indicator a line whose name shows its trend: tapped low on the page, the chart above follows.
        expect(await page.locator('table').count()).toBe(0);
        const water = page.getByRole('button', { name: '查看“用水量”走势' });
        expect(await reachable(water)).toBe(true);
        await water.tap();
        await expect.poll(() => page.getByText('用水量：本校与全县中位数（近12个季度）').count(), { timeout: 15_000 }).toBe(1);
        await page.waitForLoadState('networkidle');
        await expectFits(page, 'phone-standing');
        await open(page, '/summaries', '年度工作总结');
        await expectFits(page, 'phone-summaries');
        // The school's own annual summary: drafted, read and edited on the phone.
        await page.getByRole('button', { name: '生成初稿' }).tap();
        await page.waitForURL(/\/summaries\/\d+$/, { timeout: 90_000 });
        await expect.poll(() => page.locator('.summary-figure').count(), { timeout: 20_000 }).toBeGreaterThan(0);
        await page.waitForLoadState('networkidle');
        await expectFits(page, 'phone-summary');
        await page.getByRole('button', { name: '编辑' }).tap();
        await page.getByRole('textbox', { name: '段落' }).first().waitFor({ timeout: 15_000 });
        await expectFits(page, 'phone-summary-editing');
        await open(page, '/imports', '表格导入');
        await expectFits(page, 'phone-imports');

        // A past report, read-only.
        await page.goto(`${base}/home`);
        await firstRow.tap();
        await page.getByRole('heading', { name: new RegExp(`^${schoolName}`), level: 2 }).waitFor({ timeout: 15_000 });
        await page.waitForLoadState('networkidle');
        await expectFits(page, 'phone-report-readonly');

        // The password change from the account menu.
        const me = await (await callerAs(principalOf(schoolName))).auth.me();
        await page.getByRole('button', { name: me!.displayName, exact: true }).tap();
        await page.getByRole('menuitem', { name: '修改密码' }).tap();
        await page.getByLabel('当前密码').waitFor({ timeout: 15_000 });
        await expectFits(page, 'phone-password');
        await page.keyboard.press('Escape');

        // In English (longer words) the header and the pages still fit.
        await page.getByRole('button', { name: 'English' }).tap();
        await open(page, '/home', 'Home');
        await expectFits(page, 'phone-home-en');
        await open(page, '/standing', /./);
        await expectFits(page, 'phone-standing-en');
      },
      180_000,
    );

    it('a principal fills in the report on a phone: cards, numeric keyboards, warnings explained by thumb, save state in view, submitted', async () => {
      const schoolName = '青石县城关第二小学';
      const principal = await callerAs(principalOf(schoolName));
      const [school] = await principal.schools.list({ search: schoolName });
      const period = await openQuarter(school!.id);
      // An earlier sitting saved most of the report; a few figures are still to be entered.
      const {
        students_enrolled: _s,
        staff_count: _t,
        injury_claims_paid_yuan: _i,
        accident_premium_collected_by_school: _a,
        ...earlier
      } = plausibleValues(school!, period);
      await principal.reports.save({ schoolId: school!.id, period, version: 0, values: earlier });

      const page = await signedIn(principalOf(schoolName), PHONE);
      await open(page, `/reports/${school!.id}/${period}`, new RegExp(`^${schoolName}`));
      const students = page.getByLabel('在校学生数', { exact: true });
      await students.waitFor({ timeout: 15_000 });

      // One column of cards: the label on one line above a full-width input, unit and last year with it.
      expect(await page.locator('table').count()).toBe(0);
      const label = page.locator('label[for="field-students_enrolled"]');
      const labelBox = (await label.boundingBox())!;
      const inputBox = (await students.boundingBox())!;
      expect(labelBox.height).toBeLessThan(30);
      expect(inputBox.width).toBeGreaterThan(300);
      expect(labelBox.y + labelBox.height).toBeLessThanOrEqual(inputBox.y);
      const card = page.locator('[data-indicator="students_enrolled"]');
      expect(await card.getByText('单位：人').count()).toBe(1);
      expect(await card.getByText(/^上年同期：/).count()).toBe(1);
      await expectFits(page, 'phone-report-form');

      // Submitted too early from the top of the form: refused, and the first field it names comes into view on its tab.
      const actions = page.getByTestId('report-actions');
      await actions.getByRole('button', { name: '报送', exact: true }).tap();
      await page.getByRole('button', { name: '确认报送' }).tap();
      const required = page.getByText(/^请填写.+。$/).first();
      await expect.poll(() => required.count(), { timeout: 15_000 }).toBe(1);
      await expect.poll(() => inView(required), { timeout: 5_000 }).toBe(true);
      await expect.poll(() => reachable(required), { timeout: 5_000 }).toBe(true);
      await page.screenshot({ path: path.join(SHOTS, 'phone-report-refused.png') });
      await page.getByRole('tab', { name: /基本情况/ }).tap();

      // Numeric keyboards: digits for whole numbers, a decimal point where the figure has one.
      expect(await students.getAttribute('inputmode')).toBe('numeric');
      // (The form may hold last quarter's figures as a starting point: cleared first, as a thumb would.)
      await students.tap();
      await students.fill('');
      await page.keyboard.type('620');
      const staff = page.getByLabel('教职工数', { exact: true });
      await staff.tap();
      await staff.fill('');
      await page.keyboard.type('48');

      // The save state and the submit button are on screen wherever the form is scrolled.
      await expect.poll(() => actions.getByText(/草稿已于.*自动保存/).count(), { timeout: 15_000 }).toBe(1);
      for (const y of [0, 100_000]) {
        await page.evaluate(`window.scrollTo(0, ${y})`);
        const box = (await actions.boundingBox())!;
        expect(box.y + box.height).toBeLessThanOrEqual(844 + 1);
        expect(box.y).toBeGreaterThan(0);
        expect(await reachable(page.getByRole('button', { name: '报送', exact: true }))).toBe(true);
      }

      await page.getByRole('tab', { name: /各项保险/ }).tap();
      const claims = page.getByLabel('伤害事故理赔金额', { exact: true });
      expect(await claims.getAttribute('inputmode')).toBe('decimal');
      await claims.tap();
      await claims.fill('');
      await page.keyboard.type('1250.5');
      // A warning: its text and the explanation box under the field, reachable (not under the header or the bar).
      const collected = page.getByRole('radiogroup', { name: '学校是否代收学平险保费' });
      await collected.getByLabel('是').tap();
      const warning = page.getByText('学校是否代收学平险保费为“是”，与规定不符，请说明情况。');
      await expect.poll(() => warning.count(), { timeout: 15_000 }).toBe(1);
      expect(await reachable(warning)).toBe(true);
      const explanation = page.getByRole('textbox', { name: '学校是否代收学平险保费 情况说明' });
      expect(await reachable(explanation)).toBe(true);
      expect((await explanation.boundingBox())!.width).toBeGreaterThan(300);
      await explanation.tap();
      await page.keyboard.type('个别家长委托班主任代缴，已全部退还并整改。');
      await expectFits(page, 'phone-report-warning');

      // Whatever else the checks warn about (against last year's figures), explained tab by tab.
      for (const tab of await page.getByRole('tab').all()) {
        await tab.tap();
        for (const box of await page.getByRole('textbox', { name: /情况说明$/ }).all()) {
          if (!(await box.inputValue())) {
            expect(await reachable(box)).toBe(true);
            await box.fill('本季度校舍改造，部分数据与往年不可比，已核实无误。');
          }
        }
      }
      await expect.poll(() => actions.getByText(/草稿已于.*自动保存/).count(), { timeout: 15_000 }).toBe(1);
      await expect.poll(() => actions.getByText('待说明', { exact: false }).count(), { timeout: 15_000 }).toBe(0);

      await actions.getByRole('button', { name: '报送', exact: true }).tap();
      await page.getByRole('button', { name: '确认报送' }).tap();
      await expect.poll(() => page.getByText('报表已报送，正在等待教育局审核，暂不能修改。').count(), { timeout: 15_000 }).toBe(1);
      await expectFits(page, 'phone-report-submitted');

      const stored = await principal.reports.get({ schoolId: school!.id, period });
      expect(stored.status).toBe('submitted');
      expect(stored.values).toMatchObject({
        students_enrolled: 620,
        staff_count: 48,
        injury_claims_paid_yuan: 1250.5,
        accident_premium_collected_by_school: true,
      });
      expect(stored.explanations.accident_premium_collected_by_school).toContain('已全部退还');
    }, 180_000);

    it.skipIf(layoutOnly)(
      'an officer and an admin open the bureau pages on a tablet (768 × 1024) without the page scrolling sideways',
      async () => {
        const officer = await callerAs('officer');
        const [school] = await officer.schools.list({ search: '青石县实验小学' });
        const past = shiftPeriod(periodOf(new Date()), -1);
        const page = await signedIn('officer', TABLET);
        const pages: [string, string | RegExp][] = [
          ['/workbench', '青石县工作台'],
          ['/schools', '学校管理'],
          ['/completeness', '报送情况'],
          ['/review', '审核队列'],
          [`/review/${school!.id}/${past}`, /青石县实验小学/],
          // The report form as the bureau opens it on the school's behalf: the desktop table, within 768 px.
          [`/reports/${school!.id}/${periodOf(new Date())}`, /青石县实验小学/],
          ['/overview', '总览'],
          ['/targets', '年度目标'],
          ['/league', '学校排名'],
          [`/profile/${school!.id}`, /青石县实验小学/],
          ['/summaries', '年度工作总结'],
          ['/imports', '表格导入'],
        ];
        for (const [address, heading] of pages) {
          await open(page, address, heading);
          await expectFits(page, `tablet-${address.split('/')[1]}${address.split('/').length > 2 ? '-detail' : ''}`);
        }
        // The navigation is behind the burger below the desktop width, so the tables get the whole width.
        expect(await page.getByRole('button', { name: '菜单' }).isVisible()).toBe(true);

        const admin = await signedIn('bureau', TABLET);
        await open(admin, '/accounts', '账号管理');
        await expectFits(admin, 'tablet-accounts');
      },
      240_000,
    );
  });
});
