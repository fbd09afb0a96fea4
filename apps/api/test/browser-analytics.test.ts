import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DatabaseHandle, DemoSummary } from '@oversight/db';
import { periodOf, shiftPeriod } from '@oversight/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, callerAs as callerAsDemo, inView, openDemoSite, signInAs, SHOTS, type DemoSite } from './browser-support.js';
import { bytes, schoolValueCell, workbookOf } from './files-support.js';

/**
 * The analytics pages in headless Chromium: targets and attainment, the league table, the annual summary
 * (draft, edit, finalise, download) and a spreadsheet upload with errors.
 */
const skip = browserSkipReason('analytics browser tests');

describe.skipIf(skip !== null)('analytics in the browser', () => {
  let handle: DatabaseHandle;
  let base: string;
  let demo: DemoSummary;
  let site: DemoSite | undefined;

  beforeAll(async () => {
    site = await openDemoSite();
    ({ handle, base, demo } = site);
  }, 180_000);

  afterAll(() => site?.close());

  const signedIn = (username: string) => signInAs(site!, username, { context: { viewport: { width: 1400, height: 1000 } } });

  const callerAs = (username: string) => callerAsDemo(handle.db, username);

  const year = new Date().getFullYear();
  const countyId = async () => (await (await callerAs('officer')).auth.me())!.countyId!;

  it('an officer sets a county target and sees whether it is met', async () => {
    const page = await signedIn('officer');
    await page.goto(`${base}/targets`);
    await expect.poll(() => page.getByRole('heading', { name: '年度目标' }).count(), { timeout: 15_000 }).toBe(1);
    await page.getByRole('button', { name: '新增目标' }).click();
    await page.screenshot({ path: path.join(SHOTS, 'target-form.png') });
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('combobox', { name: '指标', exact: true }).click();
    await page.getByRole('option', { name: '学平险参保率', exact: true }).click();
    await dialog.getByText('全县总体').click();
    // The demo county already aims at 95%: a different value proves the form stored this one.
    await dialog.getByLabel('目标值', { exact: true }).fill('96.5');
    await dialog.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => page.getByRole('dialog').count(), { timeout: 15_000 }).toBe(0);

    const officer = await callerAs('officer');
    const input = { countyId: await countyId(), year };
    const stored = (await officer.targets.list(input)).find((t) => t.indicator === 'accident_rate' && t.kind === 'county_total');
    expect(stored).toMatchObject({ comparator: 'gte', value: 96.5, measure: 'value' });
    const item = (await officer.targets.attainment(input)).items.find((i) => i.target.id === stored!.id)!;
    const badge = item.yearToDate.met === true ? '达标' : item.yearToDate.met === false ? '未达标' : '待定';
    const row = page.getByRole('row').filter({ hasText: stored!.label }).last();
    await expect.poll(() => row.getByText(badge, { exact: true }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.getByText(item.fullYear.basis === 'projection' ? '预测' : '实际', { exact: true }).count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SHOTS, 'targets.png'), fullPage: true });

    await page.goto(`${base}/overview`);
    await expect.poll(() => page.getByText(stored!.label).count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SHOTS, 'overview.png'), fullPage: true });
  }, 120_000);

  it('an officer lands on the workbench, accepts a proposed target for next year and sees it set', async () => {
    const page = await signedIn('officer');
    await expect.poll(() => page.getByRole('heading', { name: '青石县工作台' }).count(), { timeout: 15_000 }).toBe(1);
    expect(new URL(page.url()).pathname).toBe('/workbench');
    for (const card of ['workbench-review', 'workbench-missing', 'workbench-targets']) {
      await expect.poll(() => page.getByTestId(card).count(), { timeout: 15_000 }).toBe(1);
    }

    const officer = await callerAs('officer');
    const input = { countyId: await countyId(), year: year + 1 };
    const before = await officer.targets.list(input);
    const proposal = (await officer.targets.propose(input)).proposals.find(
      (p) => typeof p.proposal.value === 'number' && p.current?.value !== p.proposal.value,
    );
    expect(proposal, 'the demo county has a proposal not yet set at its value').toBeDefined();
    await page.goto(`${base}/targets?year=${year + 1}`);
    const card = page.getByTestId(`proposal-${proposal!.proposal.indicator}`).filter({ hasText: proposal!.label });
    await expect.poll(() => card.count(), { timeout: 20_000 }).toBe(1);
    // Nothing is set by showing the proposals.
    expect(await officer.targets.list(input)).toEqual(before);
    await card.getByRole('button', { name: '采纳', exact: true }).click();
    await expect.poll(() => card.getByText('已设为目标').count(), { timeout: 15_000 }).toBe(1);
    const set = (await officer.targets.list(input)).find((t) => t.indicator === proposal!.proposal.indicator && t.kind === proposal!.proposal.kind);
    expect(set).toMatchObject({ measure: proposal!.proposal.measure, comparator: proposal!.proposal.comparator, value: proposal!.proposal.value });
    await expect.poll(() => page.getByRole('row').filter({ hasText: set!.label }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SHOTS, 'target-proposals.png'), fullPage: true });

    // 不采纳 is kept: after a reload the proposal is listed apart as declined, and 恢复 brings it back.
    const accepted = await officer.targets.list(input);
    const other = (await officer.targets.propose(input)).proposals.find((p) => p.key !== proposal!.key && !p.declined);
    expect(other, 'the demo county has a second proposal').toBeDefined();
    const otherCard = page.getByTestId(`proposal-${other!.proposal.indicator}`).filter({ hasText: other!.label });
    await otherCard.getByRole('button', { name: '不采纳', exact: true }).click();
    await expect.poll(() => otherCard.count(), { timeout: 15_000 }).toBe(0);
    await page.reload();
    const declined = page.getByTestId('declined-proposals');
    await expect.poll(() => declined.getByText(other!.label).count(), { timeout: 20_000 }).toBe(1);
    expect(await officer.targets.list(input)).toEqual(accepted);
    await declined.getByRole('button', { name: '恢复' }).click();
    await expect.poll(() => otherCard.count(), { timeout: 15_000 }).toBe(1);
    expect((await officer.targets.propose(input)).proposals.find((p) => p.key === other!.key)?.declined).toBeNull();

    // The workbench's link to the early warning scrolls to it once the overview has loaded.
    await page.goto(`${base}/overview#target-warnings`);
    const warnings = page.getByTestId('target-warnings');
    await expect.poll(() => warnings.getByRole('heading', { name: `${year}年目标预警` }).count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => inView(warnings), { timeout: 10_000 }).toBe(true);
    // Scrolled to: the card's top sits just below the header, not wherever it happens to be laid out.
    await expect.poll(async () => Math.round((await warnings.boundingBox())?.y ?? -1), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(async () => (await warnings.boundingBox())?.y ?? 9999, { timeout: 10_000 }).toBeLessThan(160);
    expect(await page.evaluate('window.scrollY')).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SHOTS, 'target-warnings.png') });
  }, 120_000);

  it('an officer reads the league table in the order the server ranks', async () => {
    const officer = await callerAs('officer');
    const ranking = await officer.analytics.ranking({ countyId: await countyId(), indicator: 'accident_rate', year });
    const ranked = ranking.rows.filter((r) => r.rank !== null);
    expect(ranked.length).toBeGreaterThan(2);
    const page = await signedIn('officer');
    await page.goto(`${base}/league`);
    const table = page.getByRole('table', { name: '学校排名' });
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 20_000 }).toBeGreaterThan(2);
    const first = table.locator('tbody tr').first();
    await expect.poll(() => first.textContent(), { timeout: 15_000 }).toContain(ranked[0]!.name);
    expect(await table.locator('tbody tr').nth(1).textContent()).toContain(ranked[1]!.name);
    expect(await page.getByText('距目标最远的学校').count()).toBe(1);
    expect(await page.locator('.recharts-surface').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SHOTS, 'league.png'), fullPage: true });
  }, 120_000);

  it('an officer drafts the annual summary, edits it, finalises it and downloads it', async () => {
    const page = await signedIn('officer');
    await page.goto(`${base}/summaries`);
    await page.getByRole('button', { name: '生成初稿' }).click();
    await page.waitForURL(/\/summaries\/\d+$/, { timeout: 90_000 });
    const id = Number(page.url().split('/').pop());
    await expect.poll(() => page.locator('.summary-figure').count(), { timeout: 20_000 }).toBeGreaterThan(5);
    await page.locator('.summary-figure').first().click();
    await expect.poll(() => page.getByText('计算方法').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SHOTS, 'summary-figure.png') });
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: '编辑' }).click();
    const paragraph = page.getByRole('textbox', { name: '段落' }).first();
    const before = await paragraph.inputValue();
    await paragraph.fill(`${before}各校已逐项核对。`);
    await page.getByRole('button', { name: '添加章节' }).click();
    await page.getByRole('textbox', { name: '章节标题' }).last().fill('校园环境整治');
    await page.getByRole('textbox', { name: '段落' }).last().fill('全年完成校园环境整治。');
    await page.getByRole('button', { name: '保存版本' }).click();
    await expect.poll(() => page.getByText('已保存为第2版').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const officer = await callerAs('officer');
    const saved = await officer.summaries.get({ id });
    expect(saved.version).toBe(2);
    expect(JSON.stringify(saved.sections)).toContain('各校已逐项核对。');
    expect(saved.sections.at(-1)!.title).toBe('校园环境整治');

    await page.getByRole('button', { name: '定稿' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '定稿' }).click();
    await expect.poll(() => page.getByText('已定稿', { exact: true }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect((await officer.summaries.get({ id })).status).toBe('final');

    const [docx] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByRole('link', { name: '下载Word' }).click()]);
    const file = readFileSync((await docx.path())!);
    expect(file.subarray(0, 2).toString()).toBe('PK');
    expect(docx.suggestedFilename()).toMatch(/\.docx$/);
    await page.screenshot({ path: path.join(SHOTS, 'summary.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: path.join(SHOTS, 'summary-print.png'), fullPage: true });
  }, 180_000);

  it('the bureau admin names the issuing unit on the summaries page; the next draft is titled with it and counts the schools of its problems', async () => {
    const bureau = await callerAs('bureau');
    const county = site!.demo.countyId;
    expect(await bureau.summaries.issuingUnit({ countyId: county })).toMatchObject({ issuingUnit: '青石县教育局', custom: false });
    const page = await signedIn('bureau');
    await page.goto(`${base}/summaries`);
    const setting = page.getByRole('textbox', { name: '发文单位：' });
    await expect.poll(() => setting.inputValue(), { timeout: 15_000 }).toBe('青石县教育局');
    await setting.fill('');
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await expect.poll(() => page.getByText('发文单位名称不能为空（如“青石县教育局”“青石县教育和体育局”）。').count(), { timeout: 15_000 }).toBe(1);
    await setting.fill('青石县教育和体育局');
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await expect.poll(() => page.getByText('发文单位已改为“青石县教育和体育局”，此后生成的总结以此署名。').count(), { timeout: 15_000 }).toBe(1);
    try {
      expect((await bureau.summaries.issuingUnit({ countyId: county })).issuingUnit).toBe('青石县教育和体育局');
      await page
        .getByRole('textbox', { name: '总结时段' })
        .or(page.getByRole('combobox', { name: '总结时段' }))
        .first()
        .click();
      await page.getByRole('option', { name: '上半年', exact: true }).click();
      await page.getByRole('button', { name: '生成初稿' }).click();
      await page.waitForURL(/\/summaries\/\d+$/, { timeout: 90_000 });
      const id = Number(page.url().split('/').pop());
      const view = await bureau.summaries.get({ id });
      expect(view.title).toBe(`青石县教育和体育局${year}年上半年学校后勤工作总结`);
      await expect.poll(() => page.getByText(view.title).count(), { timeout: 20_000 }).toBeGreaterThan(0);
      // Part 二 counts the schools; the appendix on the page names them.
      const problems = view.sections.find((s) => s.title === '存在的问题')!;
      const names = (await bureau.schools.list({ countyId: county })).map((s) => s.name);
      const words = JSON.stringify(problems.children.map((c) => c.paragraphs.map((p) => p.text)));
      for (const name of names) expect(words, name).not.toContain(name);
      if (view.tables[0]?.id === 'missed-schools') {
        await page
          .getByRole('button', { name: '预览' })
          .click()
          .catch(() => undefined);
        await expect.poll(() => page.getByText('附件：未达到目标的学校名单').count(), { timeout: 15_000 }).toBe(1);
      }
      await page.screenshot({ path: path.join(SHOTS, 'summary-issuing-unit.png'), fullPage: true });
      const officerPage = await signedIn('officer');
      await officerPage.goto(`${base}/summaries`);
      await expect.poll(() => officerPage.getByText('发文单位： 青石县教育和体育局').count(), { timeout: 15_000 }).toBe(1);
    } finally {
      await bureau.summaries.setIssuingUnit({ countyId: county, issuingUnit: '青石县教育局' });
    }
  }, 180_000);

  it('a principal uploads a report workbook with an error and sees the cell named, nothing stored', async () => {
    const school = demo.principals.find((p) => p.school === '青石县实验小学')!;
    const principal = await callerAs(school.username);
    const [own] = await principal.schools.list({ search: school.school });
    const period = shiftPeriod(periodOf(new Date()), -1);
    const before = await principal.reports.get({ schoolId: own!.id, period });
    const page = await signedIn(school.username);
    const response = await page.request.get(`${base}/api/templates/school-report.xlsx?schoolId=${own!.id}&period=${period}`);
    expect(response.status()).toBe(200);
    const workbook = await workbookOf(Buffer.from(await response.body()));
    schoolValueCell(workbook.worksheets[0]!, 'students_enrolled').value = '很多';
    const buffer = await bytes(workbook);

    await page.goto(`${base}/imports`);
    await expect.poll(() => page.getByRole('link', { name: '下载本校报表模板' }).count(), { timeout: 15_000 }).toBe(1);
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: '本校报表.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer });
    await page.getByRole('button', { name: '上传并检查' }).click();
    await expect.poll(() => page.getByText('未保存任何数据').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    const errorRow = page.getByRole('row').filter({ hasText: '在校学生数' }).first();
    await expect.poll(() => errorRow.count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByRole('button', { name: /下载标注后的工作簿/ }).count()).toBe(1);
    const after = await principal.reports.get({ schoolId: own!.id, period });
    expect(after.version).toBe(before.version);
    expect(after.values).toEqual(before.values);
    await page.screenshot({ path: path.join(SHOTS, 'import-errors.png'), fullPage: true });
  }, 120_000);
});
