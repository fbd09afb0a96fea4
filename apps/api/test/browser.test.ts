import path from 'node:path';
import type { OrgNode } from '@oversight/api';
import type { DatabaseHandle, DemoSummary } from '@oversight/db';
import { periodLabel, periodOf, shiftPeriod, type Period } from '@oversight/domain';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, callerAs as callerAsDemo, openDemoSite, plausibleValues, SHOTS, type DemoSite } from './browser-support.js';

/** Signs in through the real SPA in headless Chromium and works through the reporting pages as each role. */
const skip = browserSkipReason('browser tests');

describe.skipIf(skip !== null)('in the browser', () => {
  let handle: DatabaseHandle;
  let browser: Browser;
  let base: string;
  let demo: DemoSummary;
  let site: DemoSite | undefined;

  beforeAll(async () => {
    site = await openDemoSite();
    ({ handle, browser, base, demo } = site);
  }, 180_000);

  afterAll(() => site?.close());

  async function signIn(username: string, password = 'demo123456'): Promise<Page> {
    const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    await page.goto(`${base}/`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    return page;
  }

  const callerAs = (username: string) => callerAsDemo(handle.db, username);

  async function signedIn(username: string, password?: string): Promise<Page> {
    const page = await signIn(username, password);
    await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 15_000 });
    return page;
  }

  const principalOf = (schoolName: string) => demo.principals.find((p) => p.school === schoolName)!.username;

  /** The first quarter from the running one on in which none of these schools has a report yet (read, not assumed). */
  async function openQuarter(schoolIds: number[], from = periodOf(new Date())): Promise<Period> {
    const officer = await callerAs('officer');
    let period = from;
    for (let i = 0; i < 12; i += 1, period = shiftPeriod(period, 1)) {
      const reports = await Promise.all(schoolIds.map((schoolId) => officer.reports.get({ schoolId, period })));
      if (reports.every((r) => r.version === 0)) return period;
    }
    throw new Error('no quarter without reports');
  }

  /** A principal saves a complete report, explains whatever the checks warn about, and submits it. */
  async function submitThroughApi(schoolName: string, period: Period) {
    const principal = await callerAs(principalOf(schoolName));
    const [school] = await principal.schools.list({ search: schoolName });
    let view = await principal.reports.save({ schoolId: school!.id, period, version: 0, values: plausibleValues(school!, period) });
    const warnings = view.issues.filter((i) => i.severity === 'warning');
    if (warnings.length) {
      const explanations = Object.fromEntries(warnings.map((w) => [w.code, '本季度学校施工改造，数据与往年不可比。']));
      view = await principal.reports.save({ schoolId: school!.id, period, version: view.version, values: {}, explanations });
    }
    expect(view.issues.filter((i) => i.severity === 'error')).toEqual([]);
    await principal.reports.submit({ schoolId: school!.id, period, version: view.version });
    return school!;
  }

  /** Fills every explanation box the form shows, tab by tab (warnings depend on last year's figures). */
  async function explainEveryWarning(page: Page) {
    for (const tab of await page.getByRole('tab').all()) {
      await tab.click();
      for (const box of await page.getByRole('textbox', { name: /情况说明$/ }).all()) {
        if (!(await box.inputValue())) await box.fill('本季度校舍改造，部分数据与往年不可比，已核实无误。');
      }
    }
  }

  it('an officer signs in to the workbench and browses the county’s schools', async () => {
    const page = await signIn('officer');
    await expect.poll(() => page.getByRole('heading', { name: '青石县工作台' }).count(), { timeout: 15_000 }).toBe(1);
    expect(new URL(page.url()).pathname).toBe('/workbench');
    await expect.poll(() => page.getByTestId('workbench-review').count(), { timeout: 15_000 }).toBe(1);
    await page.getByRole('link', { name: '学校管理' }).click();
    await expect.poll(() => page.getByRole('heading', { name: '学校管理' }).count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => page.getByText('青石县实验小学').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.getByText('账号管理').count()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'officer-schools.png') }).catch(() => {});
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

  it('a principal fills in a report, fixes an error, explains a warning and submits it', async () => {
    const schoolName = '青石县实验小学';
    const principal = await callerAs(principalOf(schoolName));
    const [school] = await principal.schools.list({ search: schoolName });
    const period = await openQuarter([school!.id]);
    // An earlier sitting saved most of the report; three figures are still to be entered.
    const { students_enrolled: _s, liability_insured: _l, accident_premium_collected_by_school: _a, ...earlier } = plausibleValues(school!, period);
    await principal.reports.save({ schoolId: school!.id, period, version: 0, values: earlier });

    const page = await signedIn(principalOf(schoolName));
    await page.goto(`${base}/reports/${school!.id}/${period}`);
    await page.getByLabel('在校学生数', { exact: true }).fill('500');
    await page.getByRole('tab', { name: /各项保险/ }).click();
    await page.getByLabel('校方责任险参保人数', { exact: true }).fill('900');
    // The autosave brings back the cross-check, shown next to the field.
    await expect.poll(() => page.getByText('校方责任险参保人数（900）不能大于在校学生数（500）').count(), { timeout: 15_000 }).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, 'report-error.png'), fullPage: true });

    await page.getByLabel('校方责任险参保人数', { exact: true }).fill('480');
    await expect.poll(() => page.getByText('不能大于在校学生数').count(), { timeout: 15_000 }).toBe(0);
    await page.getByRole('radiogroup', { name: '学校是否代收学平险保费' }).getByLabel('是').check();
    await expect.poll(() => page.getByText('学校是否代收学平险保费为“是”，与规定不符，请说明情况。').count(), { timeout: 15_000 }).toBe(1);
    await page.getByRole('textbox', { name: '学校是否代收学平险保费 情况说明' }).fill('个别家长委托班主任代缴，已全部退还并整改。');
    await explainEveryWarning(page);
    await expect.poll(() => page.getByText(/草稿已于.*自动保存/).count(), { timeout: 15_000 }).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, 'report-warning.png'), fullPage: true });

    await page.getByRole('button', { name: '报送', exact: true }).click();
    await page.getByRole('button', { name: '确认报送' }).click();
    await expect.poll(() => page.getByText('报表已报送，正在等待教育局审核，暂不能修改。').count(), { timeout: 15_000 }).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, 'report-submitted.png'), fullPage: true });

    const stored = await principal.reports.get({ schoolId: school!.id, period });
    expect(stored.status).toBe('submitted');
    expect(stored.values).toMatchObject({ students_enrolled: 500, liability_insured: 480, accident_premium_collected_by_school: true });
    expect(stored.explanations.accident_premium_collected_by_school).toContain('已全部退还');
  }, 120_000);

  it('a stale autosave merges: the other person’s change to another field is taken with a notice, the principal’s edit is saved', async () => {
    const officer = await callerAs('officer');
    const school = (await officer.schools.list({})).find((s) => s.type === 'junior')!;
    const principal = await callerAs(principalOf(school.name));
    const period = await openQuarter([school.id]);
    const draft = await principal.reports.save({ schoolId: school.id, period, version: 0, values: { students_enrolled: 300, staff_count: 40 } });

    const page = await signedIn(principalOf(school.name));
    await page.goto(`${base}/reports/${school.id}/${period}`);
    await expect.poll(() => page.getByLabel('教职工数', { exact: true }).inputValue(), { timeout: 15_000 }).toBe('40');
    // Meanwhile the bureau corrects the draft on the school's behalf.
    await officer.reports.save({ schoolId: school.id, period, version: draft.version, values: { staff_count: 77 } });
    await page.getByLabel('在校学生数', { exact: true }).fill('321');
    // The save on the old version is refused; the form loads the newer one and sends the edit again on it.
    await expect.poll(() => page.getByText('他人刚修改了教职工数，已与您的修改合并。').count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => page.getByLabel('教职工数', { exact: true }).inputValue(), { timeout: 15_000 }).toBe('77');
    await expect.poll(() => page.getByText(/草稿已于.*自动保存/).count(), { timeout: 15_000 }).toBe(1);
    expect(await page.getByLabel('在校学生数', { exact: true }).inputValue()).toBe('321');
    await page.screenshot({ path: path.join(SHOTS, 'report-conflict.png'), fullPage: true });

    const stored = await principal.reports.get({ schoolId: school.id, period });
    expect(stored.values).toMatchObject({ students_enrolled: 321, staff_count: 77 });
    expect(stored.version).toBe(draft.version + 2);
  }, 120_000);

  it('an officer approves one submitted report and returns another with a reason', async () => {
    const officer = await callerAs('officer');
    const candidates = (await officer.schools.list({})).filter((s) => s.name !== '青石县实验小学' && s.type === 'primary');
    const [first, second] = candidates;
    const period = await openQuarter([first!.id, second!.id]);
    await submitThroughApi(first!.name, period);
    await submitThroughApi(second!.name, period);

    const page = await signedIn('officer');
    await page.getByRole('link', { name: '审核队列' }).click();
    await expect.poll(() => page.getByRole('heading', { name: '审核队列' }).count(), { timeout: 15_000 }).toBe(1);
    // Newest submissions first.
    await page.getByText('报送时间', { exact: true }).click();
    await page.getByRole('cell', { name: first!.name, exact: true }).click();
    await expect.poll(() => page.getByRole('button', { name: '审核通过' }).count(), { timeout: 15_000 }).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, 'review.png'), fullPage: true });
    await page.getByRole('button', { name: '审核通过' }).click();
    await expect.poll(() => page.getByText('已审核通过', { exact: true }).count(), { timeout: 15_000 }).toBeGreaterThan(0);

    await page.getByRole('link', { name: '审核队列' }).first().click();
    await page.getByText('报送时间', { exact: true }).click();
    await page.getByRole('cell', { name: second!.name, exact: true }).click();
    await page.getByRole('button', { name: '退回修改' }).click();
    await page.getByLabel('退回原因').fill('用电量与上年同期相比明显偏低，请核对电费单据后重新填报。');
    await page.getByRole('button', { name: '确认退回' }).click();
    await expect.poll(() => page.getByText('已退回', { exact: true }).count(), { timeout: 15_000 }).toBeGreaterThan(0);

    const returned = await officer.reports.get({ schoolId: second!.id, period });
    expect(returned.status).toBe('returned');
    expect(returned.returnReason).toContain('请核对电费单据');

    // An approved report can be reopened, with a reason.
    await page.goto(`${base}/review/${first!.id}/${period}`);
    await page.getByRole('button', { name: '重新打开' }).click();
    await page.getByLabel('重新打开原因').fill('发现供餐天数与教育局台账不一致，请学校核实。');
    await page.getByRole('button', { name: '确认重新打开' }).click();
    await expect.poll(() => page.getByText('已退回', { exact: true }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const reopened = await officer.reports.get({ schoolId: first!.id, period });
    expect(reopened.status).toBe('returned');
    expect(reopened.returnReason).toContain('供餐天数');
  }, 120_000);

  it('an officer approves clean reports together from the review queue', async () => {
    const officer = await callerAs('officer');
    const kindergartens = (await officer.schools.list({})).filter((s) => s.type === 'kindergarten').slice(0, 2);
    // Two years ahead: no figures last year and no peers yet, so these reports carry no warnings at all.
    const period = await openQuarter(
      kindergartens.map((s) => s.id),
      shiftPeriod(periodOf(new Date()), 8),
    );
    for (const school of kindergartens) await submitThroughApi(school.name, period);

    const page = await signedIn('officer');
    await page.getByRole('link', { name: '审核队列' }).click();
    await page.getByText('报送时间', { exact: true }).click();
    for (const school of kindergartens) await page.getByRole('checkbox', { name: `选择 ${school.name} ${periodLabel(period)}` }).check();
    await page.getByRole('button', { name: '批量审核通过（2）' }).click();
    await expect.poll(() => page.getByText('已审核通过 2 份报表。').count(), { timeout: 15_000 }).toBe(1);
    for (const school of kindergartens) {
      expect((await officer.reports.get({ schoolId: school.id, period })).status).toBe('approved');
    }
  }, 120_000);

  it('an officer reminds every school still missing, and the principal sees the reminder at home', async () => {
    // A school registered today has certainly not reported the quarter yet.
    const bureau = await callerAs('bureau');
    const find = (nodes: OrgNode[]): OrgNode | undefined =>
      nodes.length === 0 ? undefined : (nodes.find((n) => n.id === demo.countyId) ?? find(nodes.flatMap((n) => n.children)));
    const county = find(await bureau.org.tree())!;
    const school = await bureau.schools.create({
      countyId: county.id,
      code: `21${county.code.slice(0, 2)}998801`,
      name: '青石县新城小学',
      type: 'primary',
      ownership: 'public',
      location: 'urban',
      boarding: false,
      buildingAreaM2: 6000,
      siteAreaM2: 15000,
      hasCanteen: true,
    });
    await bureau.users.createPrincipal({ schoolId: school.id, username: 'xincheng', displayName: '新城小学校长', password: 'demo123456' });
    // A password the bureau chose is one-time: the principal sets their own first (browser-accounts covers the page).
    await (await callerAs('xincheng')).auth.changePassword({ currentPassword: 'demo123456', newPassword: 'qingshi7788' });

    const page = await signedIn('officer');
    await page.getByRole('link', { name: '报送情况' }).click();
    await expect.poll(() => page.getByRole('heading', { name: '报送情况' }).count(), { timeout: 15_000 }).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, 'completeness.png'), fullPage: true });
    await page.getByRole('textbox', { name: '筛选学校' }).fill('新城');
    await expect.poll(() => page.getByRole('button', { name: /青石县新城小学 · .* · 未填报/ }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await page.getByRole('button', { name: '一键催报' }).click();
    await page.getByRole('button', { name: '发送提醒' }).click();
    await expect.poll(() => page.getByText(/已提醒 \d+ 所学校/).count(), { timeout: 15_000 }).toBe(1);

    const principal = await signedIn('xincheng', 'qingshi7788');
    await expect.poll(() => principal.getByText(/请尽快填报.*学校后勤数据/).count(), { timeout: 15_000 }).toBe(1);
    await principal.screenshot({ path: path.join(SHOTS, 'principal-home.png'), fullPage: true });
  }, 120_000);

  it('a bureau admin registers a school and opens its account, guided by inline messages', async () => {
    const page = await signedIn('bureau');
    await expect.poll(() => page.getByRole('heading', { name: '青石县工作台' }).count(), { timeout: 15_000 }).toBe(1);
    await page.getByRole('link', { name: '学校管理' }).click();
    await expect.poll(() => page.getByRole('heading', { name: '学校管理' }).count(), { timeout: 15_000 }).toBe(1);
    await page.getByRole('button', { name: '新增学校' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('学校名称').fill('青石县东湖小学');
    await dialog.getByLabel('办学类型').click();
    await page.getByRole('option', { name: '小学', exact: true }).click();
    await dialog.getByLabel('城乡分类').click();
    await page.getByRole('option', { name: '城区' }).click();
    await dialog.getByLabel('学校标识码').fill('3151998802');
    await dialog.getByLabel('校舍建筑面积（平方米）').fill('5200');
    await dialog.getByLabel('占地面积（平方米）').fill('12000');
    await dialog.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => dialog.getByText('学校标识码前两位应为办学类型代码21（小学）。').count(), { timeout: 15_000 }).toBe(1);
    await dialog.getByLabel('学校标识码').fill('2151998802');
    await dialog.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => page.getByText('已新增学校“青石县东湖小学”。').count(), { timeout: 15_000 }).toBe(1);

    await page.getByRole('link', { name: '账号管理' }).click();
    await page.getByRole('button', { name: '新建账号' }).click();
    const form = page.getByRole('dialog');
    await form.getByLabel('所属学校').fill('东湖');
    await page.getByRole('option', { name: /青石县东湖小学/ }).click();
    // The school's identifier is offered as the username; a taken one is refused next to the field.
    expect(await form.getByLabel('用户名').inputValue()).toBe('2151998802');
    await form.getByLabel('用户名').fill('officer');
    await form.getByLabel('姓名 / 单位').fill('东湖小学总务处');
    await form.getByLabel('初始密码').fill('short');
    await form.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => form.getByText('密码至少8位。').count(), { timeout: 15_000 }).toBe(1);
    await form.getByLabel('初始密码').fill('donghu2026');
    await form.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => form.getByText('用户名“officer”已被使用。').count(), { timeout: 15_000 }).toBe(1);
    await form.getByLabel('用户名').fill('2151998802');
    await form.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => page.getByText('已创建账号“2151998802”。').count(), { timeout: 15_000 }).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, 'accounts.png'), fullPage: true });

    const bureau = await callerAs('bureau');
    const [school] = await bureau.schools.list({ search: '东湖' });
    const account = (await bureau.users.list()).find((u) => u.username === '2151998802');
    expect(account).toMatchObject({ role: 'principal', schoolId: school!.id, active: true });
  }, 120_000);

  it('the English switch changes the interface language and is remembered', async () => {
    const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByLabel('Username').fill('officer');
    await page.getByLabel('Password').fill('demo123456');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('heading', { name: /workbench/ }).count(), { timeout: 15_000 }).toBe(1);
    await page.getByRole('link', { name: 'Schools' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Schools' }).count(), { timeout: 15_000 }).toBe(1);
    expect(await page.getByRole('link', { name: 'Submissions' }).count()).toBe(1);
    await expect.poll(() => page.getByText('Primary school').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.getByText('学校管理').count()).toBe(0);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.screenshot({ path: path.join(SHOTS, 'english.png'), fullPage: true });

    await page.reload();
    await expect.poll(() => page.getByRole('heading', { name: 'Schools' }).count(), { timeout: 15_000 }).toBe(1);
    await page.getByRole('button', { name: '中文' }).click();
    await expect.poll(() => page.getByRole('heading', { name: '学校管理' }).count(), { timeout: 15_000 }).toBe(1);
  }, 60_000);
});
