import path from 'node:path';
import type { DemoSummary } from '@oversight/db';
import { periodOf, shiftPeriod, type Period } from '@oversight/domain';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserSkipReason,
  callerAs as callerAsDemo,
  fitsViewport,
  offscreen,
  openDemoSite,
  reachable,
  SHOTS,
  signInAs,
  type DemoSite,
} from './browser-support.js';

/**
 * Issue 16 in the browser: the officer keeps the bureau's measures and picks schools' practices on the summaries
 * page (desktop), and the draft opens each domain with them; a principal writes the quarter's main practice in the
 * report form on a phone (390 × 844). Layout does not depend on the database: the embedded one is used.
 */
const skip = browserSkipReason('measures browser tests');

const DESKTOP = { viewport: { width: 1280, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

describe.skipIf(skip !== null)('measures and practices in Chromium', () => {
  let site: DemoSite | undefined;
  let demo: DemoSummary;
  beforeAll(async () => {
    site = await openDemoSite('pglite');
    demo = site.demo;
    // Seeding the demo county takes a minute, more on a busy machine.
  }, 600_000);
  afterAll(() => site?.close());

  const callerAs = (username: string) => callerAsDemo(site!.handle.db, username);

  async function open(page: Page, address: string, heading: string | RegExp) {
    await page.goto(`${site!.base}${address}`);
    await page.getByRole('heading', { name: heading, level: 2 }).first().waitFor({ timeout: 15_000 });
    await page.waitForLoadState('networkidle');
  }

  it('an officer adds, edits and removes measures, picks practices from every quarter of the year, and the draft states them', async () => {
    const officer = await callerAs('officer');
    const year = Number(demo.currentPeriod.slice(0, 4)) - 1;
    const page = await signInAs(site!, 'officer', { context: DESKTOP });
    await open(page, '/summaries', '年度工作总结');
    await page.getByRole('combobox', { name: '年度', exact: true }).click();
    await page.getByRole('option', { name: new RegExp(`^${year}`) }).click();
    const panel = page.getByRole('region', { name: `${year}年工作措施与典型做法` });
    await panel.waitFor({ timeout: 15_000 });

    // 节能降耗: the demo's measures of the year, then one added, edited and removed again through the panel.
    await panel.getByRole('tab', { name: '节能降耗' }).click();
    const table = panel.getByTestId('measures-energy');
    await expect.poll(() => table.getByRole('row').count(), { timeout: 15_000 }).toBe(2);
    await panel.getByLabel('日期').fill(`${year}-06-05`);
    await panel.getByRole('combobox', { name: '类型', exact: true }).click();
    await page.getByRole('option', { name: '培训' }).click();
    await panel.getByLabel('措施内容').fill('学校后勤人员节能管理培训');
    await panel.getByRole('button', { name: '添加措施' }).click();
    await expect.poll(() => table.getByRole('row').count(), { timeout: 15_000 }).toBe(3);
    expect(await table.getByRole('row').nth(1).textContent()).toContain(`${year}-06-05培训学校后勤人员节能管理培训`);
    await panel.getByRole('button', { name: '编辑 学校后勤人员节能管理培训' }).click();
    await panel.getByLabel('措施内容').fill('全县学校后勤人员节能管理培训班');
    await panel.getByRole('button', { name: '保存修改' }).click();
    await expect.poll(() => table.getByText('全县学校后勤人员节能管理培训班').count(), { timeout: 15_000 }).toBe(1);
    // Refused by the server with the field and the rule named; nothing stored.
    await panel.getByLabel('措施内容').fill('会');
    await panel.getByRole('button', { name: '添加措施' }).click();
    await expect.poll(() => panel.getByText(/^措施内容至少2个字。/).count(), { timeout: 15_000 }).toBe(1);
    await panel.getByRole('button', { name: /^删除 印发《青石县教育系统节能降耗工作方案》/ }).click();
    await expect.poll(() => table.getByRole('row').count(), { timeout: 15_000 }).toBe(2);
    const stored = (await officer.measures.list({ countyId: demo.countyId, year })).measures.filter((m) => m.domain === 'energy');
    expect(stored.map((m) => m.text)).toEqual(['全县学校后勤人员节能管理培训班', '对各学校用电、用水管理开展专项检查']);
    await page.screenshot({ path: path.join(SHOTS, 'measures-panel.png'), fullPage: true });

    // 食堂管理: the schools' texts of every quarter of the year; the demo chose two, one more ticked (third place).
    await panel.getByRole('tab', { name: '食堂管理' }).click();
    const offered = await officer.measures.practices({ countyId: demo.countyId, year, domain: 'canteen' });
    expect(new Set(offered.map((p) => p.period)).size).toBeGreaterThan(1);
    const extra = offered.find((p) => p.chosen === null && !offered.some((o) => o.schoolId === p.schoolId && o.chosen !== null))!;
    const box = panel.getByRole('checkbox', { name: new RegExp(`^选作典型做法：${extra.schoolName} `) }).first();
    await box.check();
    await panel.getByRole('button', { name: '保存典型做法' }).click();
    await expect
      .poll(async () => (await officer.measures.list({ countyId: demo.countyId, year })).practices.filter((p) => p.domain === 'canteen').length, {
        timeout: 15_000,
      })
      .toBe(3);
    // Three chosen: the other boxes are off limits.
    const unchosen = panel.getByRole('checkbox', { checked: false });
    if ((await unchosen.count()) > 0) await expect.poll(() => unchosen.first().isDisabled(), { timeout: 15_000 }).toBe(true);

    // The draft of the year opens 节能降耗 with the measures and quotes the three schools under 食堂管理.
    await page.getByRole('combobox', { name: '总结时段', exact: true }).click();
    await page.getByRole('option', { name: '全年', exact: true }).click();
    await page.getByRole('button', { name: '生成初稿' }).click();
    await page.waitForURL(/\/summaries\/\d+$/, { timeout: 90_000 });
    await expect.poll(() => page.getByText(/通过努力/).count(), { timeout: 30_000 }).toBeGreaterThan(0);
    const body = (await page.locator('main').textContent()) ?? '';
    expect(body).toContain(`${year}年，青石县教育局6月组织开展全县学校后勤人员节能管理培训班，10月对各学校用电、用水管理开展专项检查。通过努力，全县`);
    expect(body).toContain('典型做法');
    expect(body).toContain(extra.schoolName);
    await page.screenshot({ path: path.join(SHOTS, 'measures-summary.png'), fullPage: true });
  }, 240_000);

  it('a principal writes the quarter’s main practice in a text box that fits a phone; it is saved with the report', async () => {
    const schoolName = '青石县实验小学';
    const username = demo.principals.find((p) => p.school === schoolName)!.username;
    const principal = await callerAs(username);
    const [school] = await principal.schools.list({ search: schoolName });
    let period: Period = periodOf(new Date());
    while ((await principal.reports.get({ schoolId: school!.id, period })).version !== 0) period = shiftPeriod(period, 1);

    const page = await signInAs(site!, username, { context: PHONE });
    await open(page, `/reports/${school!.id}/${period}`, new RegExp(`^${schoolName}`));
    await page.getByRole('tab', { name: /食堂管理/ }).tap();
    const text = page.getByLabel('食堂管理本季度主要做法', { exact: true });
    await text.waitFor({ timeout: 15_000 });
    expect(await text.evaluate((el) => (el as { tagName: string }).tagName)).toBe('TEXTAREA');
    expect((await text.boundingBox())!.width).toBeGreaterThan(300);
    expect(await reachable(text)).toBe(true);
    // No unit and no last year's figure on the card of a text.
    const card = page.locator('[data-indicator="canteen_practice"]');
    expect(await card.getByText(/^上年同期：/).isVisible()).toBe(false);
    await text.tap();
    const typed = '落实校领导陪餐制度，每餐公示陪餐人员；\n家长委员会每月参与一次食堂开放日。';
    await page.keyboard.type(typed);
    await expect.poll(() => card.getByText(`${[...typed].length}/500 字`).count(), { timeout: 5_000 }).toBe(1);
    await expect
      .poll(
        () =>
          page
            .getByTestId('report-actions')
            .getByText(/草稿已于.*自动保存/)
            .count(),
        { timeout: 15_000 },
      )
      .toBe(1);
    await page.screenshot({ path: path.join(SHOTS, 'phone-report-practice.png'), fullPage: true });
    expect(await offscreen(page)).toEqual([]);
    expect(await fitsViewport(page)).toBe(true);
    await expect.poll(async () => (await principal.reports.get({ schoolId: school!.id, period })).values.canteen_practice, { timeout: 15_000 }).toBe(typed);
  }, 180_000);
});
