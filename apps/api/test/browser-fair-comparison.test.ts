import path from 'node:path';
import type { DatabaseHandle, DemoSummary } from '@oversight/db';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, callerAs as callerAsDemo, fitsViewport, offscreen, openDemoSite, signInAs, SHOTS, type DemoSite } from './browser-support.js';

/**
 * The fair comparison (issue 17) in headless Chromium: the league table's score column and sort, the bureau's model
 * panel, a school profile's actual against expected, and the principal's score on the standing page at phone size.
 */
const skip = browserSkipReason('fair comparison browser tests');
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

describe.skipIf(skip !== null)('the fair comparison in the browser', () => {
  let handle: DatabaseHandle;
  let base: string;
  let demo: DemoSummary;
  let site: DemoSite | undefined;

  beforeAll(async () => {
    site = await openDemoSite();
    ({ handle, base, demo } = site);
  }, 180_000);

  afterAll(() => site?.close());

  const year = new Date().getFullYear();
  const callerAs = (username: string) => callerAsDemo(handle.db, username);
  const desk = (username: string) => signInAs(site!, username, { context: { viewport: { width: 1400, height: 1000 } } });
  const settled = async (page: Page) => {
    await page.waitForLoadState('networkidle');
    await expect.poll(() => page.getByText(/^加载中/).count(), { timeout: 15_000 }).toBe(0);
  };

  it('an officer turns on the adjusted comparison: scores in the server’s order, blanks last, the model in words', async () => {
    const officer = await callerAs('officer');
    const countyId = (await officer.auth.me())!.countyId!;
    const ranking = await officer.analytics.ranking({ countyId, indicator: 'electricity_kwh', year, adjusted: true, sortBy: 'score' });
    const scored = ranking.rows.filter((r) => r.score !== null);
    expect(scored.length).toBeGreaterThan(30);
    expect(ranking.adjustment!.reason).toBeNull();

    const page = await desk('officer');
    await page.goto(`${base}/league`);
    await page.getByRole('combobox', { name: '指标', exact: true }).first().click();
    await page.getByRole('option', { name: '用电量', exact: true }).click();
    // Toggle the switch itself: its input, not the label text, takes the pointer.
    await page.getByRole('switch', { name: '按特征调整（公平比较）' }).check();
    const table = page.getByRole('table', { name: '学校排名' });
    // mantine-datatable gives a sortable header the role of a button, not of a column header.
    const scoreHeader = table.locator('th[data-accessor="score"]');
    await expect.poll(() => scoreHeader.textContent(), { timeout: 20_000 }).toBe('能效得分');
    await settled(page);
    const first = table.locator('tbody tr').first();
    await expect.poll(() => first.textContent(), { timeout: 15_000 }).toContain(scored[0]!.name);
    expect(await first.getByTestId('score').textContent()).toBe(String(scored[0]!.score));
    expect(await table.locator('tbody tr').nth(1).textContent()).toContain(scored[1]!.name);

    // The model panel: effects in words, what it rests on, the scatter.
    const panel = page.getByTestId('model-panel');
    await expect.poll(() => panel.getByTestId('model-effects').locator('li').count(), { timeout: 15_000 }).toBeGreaterThan(3);
    expect(await panel.getByText(/^寄宿制学校预期用电量高约\d+(\.\d+)?%$/).count()).toBe(1);
    expect(await panel.getByTestId('model-rests-on').textContent()).toContain(`${ranking.adjustment!.n}所学校`);
    expect(await panel.locator('.recharts-surface').count()).toBeGreaterThan(0);
    expect(await panel.locator('.recharts-scatter-symbol').count()).toBeGreaterThan(30);
    await page.screenshot({ path: path.join(SHOTS, 'league-adjusted.png'), fullPage: true });

    // Sorting by the score the other way keeps the schools without a score last.
    const unscored = ranking.rows.filter((r) => r.score === null).length;
    await scoreHeader.click();
    await settled(page);
    if (unscored > 0) {
      const pages = Math.ceil(ranking.rows.length / 25);
      await page
        .getByRole('button', { name: String(pages), exact: true })
        .last()
        .click();
      await expect.poll(() => table.locator('tbody tr').last().getByTestId('score-none').count(), { timeout: 10_000 }).toBe(1);
    }
  }, 180_000);

  it('a school’s profile shows its actual against expected use over the years', async () => {
    const officer = await callerAs('officer');
    const school = demo.principals[0]!;
    const schoolId = (await officer.schools.list({ countyId: demo.countyId })).find((s) => s.name === school.school)!.id;
    const years = await officer.analytics.schoolExpectations({ schoolId, indicator: 'electricity_kwh', toYear: year });
    expect(years.length).toBeGreaterThan(1);
    const page = await desk('officer');
    await page.goto(`${base}/profile/${schoolId}`);
    const chart = page.getByTestId('expectation-chart');
    await expect.poll(() => chart.locator('.recharts-bar-rectangle').count(), { timeout: 20_000 }).toBeGreaterThan(1);
    expect(await chart.getByText('用电量：实际与预期（按年度）').count()).toBe(1);
    await chart.getByText('表格', { exact: true }).click();
    for (const y of years) expect(await chart.getByRole('cell', { name: String(y.year), exact: true }).count()).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, 'profile-expected.png'), fullPage: true });
  }, 120_000);

  it('a principal sees the school’s score on the standing page at 390 × 844, nothing sideways', async () => {
    const principal = demo.principals[0]!;
    const standing = await (await callerAs(principal.username)).analytics.myStanding({
      schoolId: (await (await callerAs(principal.username)).auth.me())!.schoolId!,
      year,
    });
    const electricity = standing.fair.find((f) => f.indicator === 'electricity_kwh')!;
    const page = await signInAs(site!, principal.username, { context: PHONE });
    await page.goto(`${base}/standing`);
    const card = page.getByTestId('fair-scores');
    await card.waitFor({ timeout: 20_000 });
    await settled(page);
    if (electricity.score !== null) expect(await card.getByTestId('score-electricity_kwh').textContent()).toBe(String(electricity.score));
    else expect(await card.getByText(electricity.reason!, { exact: false }).count()).toBe(1);
    expect(await card.getByText('能效得分（按特征调整的公平比较）').count()).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, 'phone-standing-score.png'), fullPage: true });
    expect(await offscreen(page)).toEqual([]);
    expect(await fitsViewport(page)).toBe(true);
  }, 120_000);
});
