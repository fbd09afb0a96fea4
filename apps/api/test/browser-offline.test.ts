import path from 'node:path';
import type { DatabaseHandle, DemoSummary } from '@oversight/db';
import { inputIndicatorsFor, periodOf, shiftPeriod, type Period } from '@oversight/domain';
import type { Page } from 'playwright-core';
import { describeEachDatabase } from '@oversight/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, callerAs as callerAsDemo, fitsViewport, openDemoSite, signInAs, plausibleValues, SHOTS, type DemoSite } from './browser-support.js';

/**
 * The report form on a bad connection, in headless Chromium at phone size: edits made offline are kept on the device
 * (through a reload), shown as not yet saved, and sent with the version they were based on when the connection
 * returns; someone else's save meanwhile is merged by field, or, where both changed the same field, shown side by
 * side for the principal to choose; a server error is shown, not retried forever.
 */
const skip = browserSkipReason('offline browser tests');
const PHONE = { width: 390, height: 844 };
const AUTOSAVE = '**/trpc/reports.autosave*';

await describeEachDatabase('autosave on a bad connection', (kind) => {
  describe.skipIf(skip !== null)('in Chromium at phone size', () => {
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

    const signedIn = (username: string) => signInAs(site!, username, { context: { viewport: PHONE } });

    /** A school of the given type no other test here uses, its principal, and a quarter without a report yet. */
    async function setUp(index: number) {
      const officer = await callerAs('officer');
      const school = (await officer.schools.list({})).filter((s) => s.type === 'junior' || s.type === 'primary')[index]!;
      const username = demo.principals.find((p) => p.school === school.name)!.username;
      const principal = await callerAs(username);
      let period: Period = periodOf(new Date());
      for (let i = 0; i < 12 && (await officer.reports.get({ schoolId: school.id, period })).version > 0; i += 1) period = shiftPeriod(period, 1);
      const draft = await principal.reports.save({ schoolId: school.id, period, version: 0, values: { students_enrolled: 300, staff_count: 40 } });
      const page = await signedIn(username);
      await page.goto(`${base}/reports/${school.id}/${period}`);
      await expect.poll(() => page.getByLabel('教职工数', { exact: true }).inputValue(), { timeout: 15_000 }).toBe('40');
      return { officer, principal, school, period, draft, page, stored: () => principal.reports.get({ schoolId: school.id, period }) };
    }

    const field = (page: Page, name: string) => page.getByLabel(name, { exact: true });
    const status = (page: Page) => page.getByRole('status').filter({ hasText: '尚未保存' });
    const keptOnDevice = (page: Page) =>
      page.evaluate('Object.keys(localStorage).filter((k) => k.startsWith("oversight.keptEdits")).length') as Promise<number>;

    it('edits made offline survive a reload and are stored exactly as typed when the connection returns', async () => {
      const { page, stored, school, period } = await setUp(0);
      const context = page.context();
      await field(page, '在校学生数').fill('310');
      await expect.poll(() => page.getByText(/草稿已于.*自动保存/).count(), { timeout: 15_000 }).toBe(1);

      await context.setOffline(true);
      await field(page, '在校学生数').fill('320');
      await field(page, '教职工数').fill('45');
      await page.getByRole('tab', { name: /各项保险/ }).click();
      await field(page, '校方责任险参保人数').fill('298');
      await expect.poll(() => status(page).textContent(), { timeout: 15_000 }).toContain('网络已断开 · 3 项修改暂存在本设备 · 联网后自动保存');
      // The checks follow what is typed, offline too: 298 insured of 320 pupils is no longer an error.
      expect(await page.getByText(/校方责任险参保人数（[\d,]+）不能大于在校学生数/).count()).toBe(0);
      expect(await fitsViewport(page)).toBe(true);
      await page.screenshot({ path: path.join(SHOTS, 'report-offline.png'), fullPage: true });
      expect((await stored()).values).toMatchObject({ students_enrolled: 310, staff_count: 40 });

      // Offline, a reload only gets the browser's own error page; nothing typed is lost.
      await page.reload().catch(() => {});
      // The page comes back while the server is still out of reach: the kept edits are restored and shown as not saved.
      await page.route(AUTOSAVE, (route) => route.abort('internetdisconnected'));
      await context.setOffline(false);
      await page.goto(`${base}/reports/${school.id}/${period}`);
      await expect.poll(() => field(page, '在校学生数').inputValue(), { timeout: 15_000 }).toBe('320');
      expect(await field(page, '教职工数').inputValue()).toBe('45');
      await expect.poll(() => page.getByText('已恢复本设备上暂存的 3 项未保存修改，将自动保存。').count(), { timeout: 15_000 }).toBe(1);
      await expect.poll(() => status(page).textContent(), { timeout: 15_000 }).toContain('连接不上服务器 · 3 项修改暂存在本设备 · 稍后自动重试');
      expect((await stored()).values).toMatchObject({ students_enrolled: 310, staff_count: 40 });
      expect(await keptOnDevice(page)).toBe(1);
      await page.screenshot({ path: path.join(SHOTS, 'report-offline-restored.png'), fullPage: true });

      // The connection returns: the next retry stores them on the version they were based on.
      await page.unroute(AUTOSAVE);
      await expect.poll(() => page.getByText(/草稿已于.*自动保存/).count(), { timeout: 40_000 }).toBe(1);
      const after = await stored();
      expect(after.values).toMatchObject({ students_enrolled: 320, staff_count: 45, liability_insured: 298 });
      expect(after.version).toBe(3);
      expect(await keptOnDevice(page)).toBe(0);
      await page.getByRole('tab', { name: /各项保险/ }).click();
      expect(await field(page, '校方责任险参保人数').inputValue()).toBe('298');
    }, 150_000);

    it('someone else’s save meanwhile: other fields merge with a notice, the same field shows both values to choose from', async () => {
      const { page, stored, officer, school, period, draft } = await setUp(1);
      const context = page.context();
      const other = inputIndicatorsFor(school).find((i) => i.valueType === 'integer' && !['students_enrolled', 'staff_count'].includes(i.code))!;

      await context.setOffline(true);
      await field(page, '在校学生数').fill('321');
      await field(page, '教职工数').fill('41');
      await expect.poll(() => status(page).textContent(), { timeout: 15_000 }).toContain('2 项修改暂存在本设备');
      // Meanwhile the bureau corrects the same draft: the enrolment (which the principal changed too) and another figure.
      await officer.reports.save({ schoolId: school.id, period, version: draft.version, values: { students_enrolled: 350, [other.code]: 7 } });

      await context.setOffline(false);
      const dialog = page.getByRole('dialog', { name: '报表已被他人修改' });
      await expect.poll(() => dialog.count(), { timeout: 20_000 }).toBe(1);
      const students = dialog.getByRole('radiogroup', { name: '在校学生数' });
      await expect.poll(() => students.textContent()).toContain('我的修改321');
      expect(await students.textContent()).toContain('他人保存的350');
      expect(await dialog.getByRole('radiogroup').count()).toBe(1);
      expect(await dialog.getByText(`他人刚修改了${other.name.zh}，已与您的修改合并。`).count()).toBe(1);
      // Nothing is written while the principal chooses.
      expect((await stored()).values).toMatchObject({ students_enrolled: 350, staff_count: 40, [other.code]: 7 });
      await page.screenshot({ path: path.join(SHOTS, 'report-conflict-choice.png') });
      expect(await fitsViewport(page)).toBe(true);

      await students.getByRole('radio', { name: /我的修改/ }).click();
      await dialog.getByRole('button', { name: '保存所选' }).click();
      await expect.poll(() => dialog.count(), { timeout: 10_000 }).toBe(0);
      await expect.poll(() => page.getByText(/草稿已于.*自动保存/).count(), { timeout: 15_000 }).toBe(1);
      const after = await stored();
      expect(after.values).toMatchObject({ students_enrolled: 321, staff_count: 41, [other.code]: 7 });
      expect(await field(page, '在校学生数').inputValue()).toBe('321');
      // The value not chosen is not lost without trace: the bureau's save stays in the report's history.
      const history = (await officer.reports.get({ schoolId: school.id, period, withHistory: true })).history ?? [];
      expect(history.some((h) => JSON.stringify(h.after).includes('"students_enrolled":350'))).toBe(true);
      expect(await keptOnDevice(page)).toBe(0);
    }, 150_000);

    it('edits waiting while the report was submitted elsewhere are kept, shown, and offered again once it is returned', async () => {
      const { page, principal, officer, school, period, draft, stored } = await setUp(3);
      const context = page.context();
      await context.setOffline(true);
      await field(page, '在校学生数').fill('333');
      await expect.poll(() => status(page).textContent(), { timeout: 15_000 }).toContain('1 项修改暂存在本设备');
      // Meanwhile the report is completed and submitted from another device.
      let view = await principal.reports.save({ schoolId: school.id, period, version: draft.version, values: plausibleValues(school, period) });
      const warnings = view.issues.filter((i) => i.severity === 'warning');
      const explanations = Object.fromEntries(warnings.map((w) => [w.code, '本季度学校施工改造，数据与往年不可比。']));
      view = await principal.reports.save({ schoolId: school.id, period, version: view.version, values: {}, explanations });
      await principal.reports.submit({ schoolId: school.id, period, version: view.version });

      await context.setOffline(false);
      await expect.poll(() => page.getByText('本设备上还暂存着 1 项未能保存的修改').count(), { timeout: 20_000 }).toBe(1);
      expect(await page.getByText('报表已报送，正在等待教育局审核，暂不能修改。').count()).toBe(1);
      expect((await stored()).values.students_enrolled).toBe(10);
      await page.screenshot({ path: path.join(SHOTS, 'report-kept-readonly.png') });

      // Returned by the bureau: opening the report offers the kept edit beside the value stored meanwhile.
      const submitted = await stored();
      await officer.reports.returnForRevision({ schoolId: school.id, period, version: submitted.version, reason: '请核对在校学生数。' });
      await page.reload();
      const dialog = page.getByRole('dialog', { name: '报表已被他人修改' });
      await expect.poll(() => dialog.count(), { timeout: 20_000 }).toBe(1);
      const students = dialog.getByRole('radiogroup', { name: '在校学生数' });
      expect(await students.textContent()).toContain('我的修改333');
      expect(await students.textContent()).toContain('他人保存的10');
      await dialog.getByRole('button', { name: '全部用我的' }).click();
      await expect.poll(() => page.getByText(/草稿已于.*自动保存/).count(), { timeout: 15_000 }).toBe(1);
      expect((await stored()).values.students_enrolled).toBe(333);
      expect(await keptOnDevice(page)).toBe(0);
    }, 150_000);

    it('a server error is shown as an error, not kept retrying', async () => {
      const { page, stored } = await setUp(2);
      let calls = 0;
      await page.route(AUTOSAVE, (route) => {
        calls += 1;
        return route.fulfill({
          status: 500,
          contentType: 'application/json',
          body: JSON.stringify([
            { error: { json: { message: '服务器内部错误，请稍后再试。', code: -32603, data: { code: 'INTERNAL_SERVER_ERROR', httpStatus: 500 } } } },
          ]),
        });
      });
      await field(page, '在校学生数').fill('333');
      await expect.poll(() => page.getByText('自动保存未成功：服务器内部错误，请稍后再试。').count(), { timeout: 15_000 }).toBe(1);
      expect(await status(page).count()).toBe(0);
      const refused = calls;
      await page.waitForTimeout(4000);
      expect(calls).toBe(refused);
      expect((await stored()).values).toMatchObject({ students_enrolled: 300 });

      // The next edit, once the server answers again, saves both.
      await page.unroute(AUTOSAVE);
      await field(page, '教职工数').fill('42');
      await expect.poll(() => page.getByText(/草稿已于.*自动保存/).count(), { timeout: 15_000 }).toBe(1);
      expect((await stored()).values).toMatchObject({ students_enrolled: 333, staff_count: 42 });
    }, 120_000);
  });
});
