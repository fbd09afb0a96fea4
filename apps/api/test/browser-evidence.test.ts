import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openEvidenceStore } from '@oversight/db';
import { periodLabel, periodOf, shiftPeriod, type Period } from '@oversight/domain';
import type { Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, callerAs as callerAsDemo, fitsViewport, openDemoSite, signInAs, plausibleValues, SHOTS, type DemoSite } from './browser-support.js';
import { makePdf } from './pdf.js';

/**
 * Evidence (issue 15) in the real SPA: a principal on a phone attaches a policy PDF and a photo to the report, sees the thumbnail and
 * submits; the officer sees both beside the figures on the review page (the photo inline and enlarged, the PDF opened by the browser
 * as a PDF) and returns the report naming the wrong file; a refused file shows the server's Chinese message and stores nothing.
 */
const skip = browserSkipReason('browser evidence tests');

const PHONE = { width: 390, height: 844 };
const POLICY = '食品安全责任险保单（2026）.pdf';
const PHOTO = '校园植树活动.jpg';

/** A small real photo-like JPEG: a sky-to-grass gradient with a few "trees". */
async function photo(): Promise<Buffer> {
  const trees = [80, 220, 360, 500]
    .map((x) => `<rect x="${x + 26}" y="300" width="12" height="80" fill="#6b4423"/><circle cx="${x + 32}" cy="280" r="48" fill="#2f7d32"/>`)
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480">
    <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#8ec5ff"/><stop offset="0.7" stop-color="#e8f4ff"/><stop offset="0.7" stop-color="#7cb342"/><stop offset="1" stop-color="#558b2f"/></linearGradient></defs>
    <rect width="640" height="480" fill="url(#g)"/>${trees}</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer();
}

describe.skipIf(skip !== null)('evidence in the browser', () => {
  let site: DemoSite | undefined;
  const storage = mkdtempSync(path.join(tmpdir(), 'oversight-evidence-browser-'));
  const store = openEvidenceStore({ dataDir: storage, s3: null });

  beforeAll(async () => {
    site = await openDemoSite('pglite', { evidenceStore: store });
  }, 180_000);

  afterAll(async () => {
    await site?.close();
    await store.close();
    rmSync(storage, { recursive: true, force: true });
  });

  const callerAs = (username: string) => callerAsDemo(site!.handle.db, username);
  const principalOf = (schoolName: string) => site!.demo.principals.find((p) => p.school === schoolName)!.username;

  const signedIn = (username: string, viewport = { width: 1280, height: 900 }) =>
    signInAs(site!, username, { context: { viewport, hasTouch: viewport.width < 500, isMobile: viewport.width < 500 } });

  /** A school with a canteen, and a quarter two years ahead (no last year, no peers: no warnings) with nothing reported yet. */
  async function draftReport(skipNames: readonly string[] = []) {
    const officer = await callerAs('officer');
    const school = (await officer.schools.list({})).find((s) => s.hasCanteen && s.type === 'primary' && !skipNames.includes(s.name))!;
    let period = shiftPeriod(periodOf(new Date()), 8);
    while ((await officer.reports.get({ schoolId: school.id, period })).version !== 0) period = shiftPeriod(period, 1);
    const principal = await callerAs(principalOf(school.name));
    const view = await principal.reports.save({ schoolId: school.id, period, version: 0, values: plausibleValues(school, period) });
    expect(view.issues.filter((i) => i.severity === 'error')).toEqual([]);
    return { school, period, principal };
  }

  /** Picks files through the file chooser the button opens, as a person would. */
  async function attach(page: Page, button: string, files: { name: string; mimeType: string; buffer: Buffer }[], scope: Page | Locator = page) {
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), scope.getByRole('button', { name: button }).click()]);
    await chooser.setFiles(files);
  }

  const loaded = (page: Page, alt: string) =>
    page.evaluate(
      `[...document.querySelectorAll('img')].filter((i) => i.alt === ${JSON.stringify(alt)}).map((i) => i.complete && i.naturalWidth > 0)`,
    ) as Promise<boolean[]>;

  it('a principal on a phone attaches a policy PDF and a photo and submits; the officer sees both beside the figures and returns naming the photo', async () => {
    const { school, period, principal } = await draftReport();
    const page = await signedIn(principalOf(school.name), PHONE);
    await page.goto(`${site!.base}/reports/${school.id}/${period}`);

    await page.getByRole('tab', { name: /各项保险/ }).click();
    // “Insured: yes” is a figure its catalogue entry wants the policy behind: it has a slot of its own.
    const policySlot = page.locator('[data-evidence-indicator="food_liability_insured"]');
    await expect.poll(() => policySlot.count(), { timeout: 15_000 }).toBe(1);
    const policy = makePdf(['Food safety liability insurance policy', 'Policy No. QS-2026-0815']);
    await attach(page, '为“食堂（小卖部）是否投保食品安全责任险”添加材料', [{ name: POLICY, mimeType: 'application/pdf', buffer: policy }], policySlot);
    await expect.poll(() => page.getByRole('link', { name: `在新窗口打开 ${POLICY}` }).count(), { timeout: 15_000 }).toBe(1);

    await page.getByRole('tab', { name: /绿色校园/ }).click();
    await attach(page, '为“本领域其他材料”添加材料', [{ name: PHOTO, mimeType: 'image/jpeg', buffer: await photo() }]);
    await expect.poll(() => page.getByRole('button', { name: `放大查看 ${PHOTO}` }).count(), { timeout: 15_000 }).toBe(1);
    // The thumbnail is a real image the server made (?thumb=1), loaded in the page.
    await expect.poll(() => loaded(page, PHOTO), { timeout: 15_000 }).toEqual([true]);
    expect(await page.locator(`img[alt="${PHOTO}"]`).getAttribute('src')).toMatch(/\/api\/evidence\/\d+\?thumb=1$/);
    // The phone shows the camera as well, and nothing is wider than the screen.
    expect(await page.getByRole('button', { name: '为“本领域其他材料”拍照' }).count()).toBe(1);
    expect(await fitsViewport(page)).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, 'evidence-principal.png'), fullPage: true });

    const files = await principal.evidence.list({ schoolId: school.id, period });
    expect(files.map((f) => [f.name, f.type, f.indicator, f.domain]).sort()).toEqual([
      [PHOTO, 'image/jpeg', null, 'green'],
      [POLICY, 'application/pdf', 'food_liability_insured', null],
    ]);

    await page.getByRole('button', { name: '报送', exact: true }).click();
    await page.getByRole('button', { name: '确认报送' }).click();
    await expect.poll(() => page.getByText('报表已报送，正在等待教育局审核，暂不能修改。').count(), { timeout: 15_000 }).toBe(1);
    expect((await principal.reports.get({ schoolId: school.id, period })).status).toBe('submitted');
    // Submitted, the report is read-only for the principal, the files shown beside the figures, with no remove button any more.
    await expect.poll(() => loaded(page, PHOTO), { timeout: 15_000 }).toEqual([true]);
    expect(await page.getByRole('link', { name: `在新窗口打开 ${POLICY}` }).count()).toBe(1);
    expect(await page.getByRole('button', { name: `删除 ${PHOTO}` }).count()).toBe(0);

    // The officer, on the review page: the photo inline beside the green-campus figures, the policy beside its indicator.
    const review = await signedIn('officer');
    await review.goto(`${site!.base}/review/${school.id}/${period}`);
    await expect.poll(() => loaded(review, PHOTO), { timeout: 15_000 }).toEqual([true]);
    const policyRow = review.locator('tr[data-indicator="food_liability_insured"]');
    await expect.poll(() => policyRow.getByRole('link', { name: `在新窗口打开 ${POLICY}` }).count(), { timeout: 15_000 }).toBe(1);
    await review.screenshot({ path: path.join(SHOTS, 'evidence-review.png'), fullPage: true });

    // The photo enlarged: the full image, not the thumbnail.
    await review.getByRole('button', { name: `放大查看 ${PHOTO}` }).click();
    const dialog = review.getByRole('dialog', { name: PHOTO });
    await expect.poll(() => dialog.count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(async () => (await loaded(review, PHOTO)).length, { timeout: 15_000 }).toBe(2);
    expect(await dialog.locator('img').getAttribute('src')).toMatch(/\/api\/evidence\/\d+$/);
    expect(await review.evaluate(`[...document.querySelectorAll('[role=dialog] img')].map((i) => i.naturalWidth)`)).toEqual([640]);
    await review.screenshot({ path: path.join(SHOTS, 'evidence-zoom.png') });
    await review.keyboard.press('Escape');

    // The policy opens in a new tab, answered as a PDF (the browser's own viewer).
    const link = policyRow.getByRole('link', { name: `在新窗口打开 ${POLICY}` });
    expect(await link.getAttribute('target')).toBe('_blank');
    const [answer, tab] = await Promise.all([
      review.context().waitForEvent('response', (r) => /\/api\/evidence\/\d+$/.test(new URL(r.url()).pathname)),
      review.context().waitForEvent('page'),
      link.click(),
    ]);
    expect(answer.status()).toBe(200);
    expect(answer.headers()['content-type']).toBe('application/pdf');
    expect(answer.headers()['content-disposition']).toMatch(/^inline;/);
    expect(tab.url()).toBe(answer.url());
    // (Chromium hands the body to its PDF viewer; the same address read directly is the file that was uploaded.)
    const pdf = await review.request.get(answer.url());
    expect((await pdf.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await tab.close();

    // Returning names the wrong file: ticking it writes its line into the reason.
    await review.getByRole('button', { name: '退回修改' }).click();
    await review.getByRole('checkbox', { name: `${PHOTO}（绿色校园）` }).check();
    const reason = review.getByLabel('退回原因');
    await expect.poll(() => reason.inputValue(), { timeout: 5_000 }).toBe(`佐证材料“${PHOTO}”（绿色校园）有误，请更换。`);
    await reason.fill(`${await reason.inputValue()}\n照片看不清植树位置，请补拍。`);
    await review.screenshot({ path: path.join(SHOTS, 'evidence-return.png') });
    await review.getByRole('button', { name: '确认退回' }).click();
    await expect.poll(() => review.getByText('已退回', { exact: true }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const returned = await principal.reports.get({ schoolId: school.id, period });
    expect(returned.status).toBe('returned');
    expect(returned.returnReason).toContain(`佐证材料“${PHOTO}”（绿色校园）有误`);

    // Back with the principal: the report is editable again, and the photo can be removed.
    await page.goto(`${site!.base}/reports/${school.id}/${period}`);
    await page.getByRole('tab', { name: /绿色校园/ }).click();
    await page.getByRole('button', { name: `删除 ${PHOTO}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: '删除' }).click();
    await expect.poll(() => page.getByRole('button', { name: `放大查看 ${PHOTO}` }).count(), { timeout: 15_000 }).toBe(0);
    expect((await principal.evidence.list({ schoolId: school.id, period })).map((f) => f.name)).toEqual([POLICY]);
    // The report's history lists every upload and the removal, with the file's name and hash.
    await page.getByRole('button', { name: '修改记录' }).click();
    const history = page.getByRole('dialog', { name: '修改记录' });
    await expect.poll(() => history.getByText('删除佐证材料', { exact: true }).count(), { timeout: 15_000 }).toBe(1);
    expect(await history.getByText('上传佐证材料', { exact: true }).count()).toBe(2);
    expect(await history.getByText(new RegExp(`^“${PHOTO.replace('.', '\\.')}”（SHA-256 [0-9a-f]{12}…）$`)).count()).toBe(2);
  }, 180_000);

  it('a file that is not what its name says is refused with the server’s Chinese message, and nothing is stored', async () => {
    const { school, period, principal } = await draftReport(['青石县实验小学']);
    const page = await signedIn(principalOf(school.name), PHONE);
    await page.goto(`${site!.base}/reports/${school.id}/${period}`);
    await page.getByRole('tab', { name: /各项保险/ }).click();
    // Any indicator of the tab can take a file, picked from the domain's slot; here one without a slot of its own.
    await page.getByLabel('材料对应').selectOption({ label: '学生伤害事故起数' });
    // A Windows program renamed to .pdf.
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(2048, 0x41)]);
    await attach(page, '为“学生伤害事故起数”添加材料', [{ name: '保单.pdf', mimeType: 'application/pdf', buffer: exe }]);
    const alert = page.getByRole('alert').filter({ hasText: '“保单.pdf”未能上传' });
    await expect.poll(() => alert.count(), { timeout: 15_000 }).toBe(1);
    // The server's own reason, in Chinese, after the file's name.
    expect(await alert.textContent()).toMatch(/“保单\.pdf”未能上传：.*[\u4e00-\u9fff]/);
    await page.screenshot({ path: path.join(SHOTS, 'evidence-refused.png'), fullPage: true });
    expect(await principal.evidence.list({ schoolId: school.id, period })).toEqual([]);
  }, 120_000);

  it('where the county requires evidence, the form names the missing policy beside its figure, and attaching it clears the finding', async () => {
    const officer = await callerAs('officer');
    const school = (await officer.schools.list({})).find((s) => s.hasCanteen && s.type === 'junior')!;
    let period = shiftPeriod(periodOf(new Date()), 12);
    while ((await officer.reports.get({ schoolId: school.id, period })).version !== 0) period = shiftPeriod(period, 1);
    const bureau = await callerAs('bureau');
    await bureau.evidence.setRequiredFrom({ countyId: site!.demo.countyId, from: period });
    try {
      const principal = await callerAs(principalOf(school.name));
      const values = { ...plausibleValues(school, period), food_liability_insured: true };
      const saved = await principal.reports.save({ schoolId: school.id, period, version: 0, values });
      const message = '食堂（小卖部）是否投保食品安全责任险：请上传食品安全责任险保单作为佐证材料，否则不能报送。';
      expect(saved.issues).toContainEqual(expect.objectContaining({ code: 'food_liability_insured', rule: 'evidence', severity: 'error', message }));

      const page = await signedIn(principalOf(school.name), PHONE);
      await page.goto(`${site!.base}/reports/${school.id}/${period}`);
      await page.getByRole('tab', { name: /各项保险/ }).click();
      const row = page.locator('[data-indicator="food_liability_insured"]');
      const slot = page.locator('[data-evidence-indicator="food_liability_insured"]');
      // Beside the figure (as any error of the form) and in the evidence slot, with its badge.
      await expect.poll(() => row.getByText(message).count(), { timeout: 15_000 }).toBe(1);
      await expect.poll(() => slot.getByText('需要佐证材料').count(), { timeout: 15_000 }).toBe(1);
      expect(await slot.getByText(message).count()).toBe(1);
      await page.screenshot({ path: path.join(SHOTS, 'evidence-needed.png'), fullPage: true });

      await attach(
        page,
        '为“食堂（小卖部）是否投保食品安全责任险”添加材料',
        [{ name: POLICY, mimeType: 'application/pdf', buffer: makePdf(['Policy']) }],
        slot,
      );
      await expect.poll(() => page.getByText(message).count(), { timeout: 15_000 }).toBe(0);
      expect(await slot.getByText('需要佐证材料').count()).toBe(0);
      // The server agrees: the report no longer carries the finding.
      const after = await principal.reports.get({ schoolId: school.id, period });
      expect(after.issues.filter((i) => i.code === 'food_liability_insured' && i.rule === 'evidence')).toEqual([]);
    } finally {
      await bureau.evidence.setRequiredFrom({ countyId: site!.demo.countyId, from: null });
    }
  }, 120_000);

  it('the officer downloads the county’s evidence of a year as a zip from the completeness page', async () => {
    const page = await signedIn('officer');
    await page.getByRole('link', { name: '报送情况' }).click();
    const button = page.getByRole('link', { name: /^\d{4}年全县佐证材料$/ });
    await expect.poll(() => button.count(), { timeout: 15_000 }).toBe(1);
    const href = (await button.getAttribute('href'))!;
    const year = Number(/\/(\d{4})\.zip$/.exec(href)?.[1]);
    expect(href).toBe(`/api/evidence/county/${site!.demo.countyId}/${year}.zip`);

    // A file in that year: the officer attaches it (over HTTP, as the page would) to a report of the year still open.
    const officer = await callerAs('officer');
    const school = (await officer.schools.list({})).find((s) => s.type === 'junior')!;
    const quarters = [1, 2, 3, 4].map((q) => `${year}Q${q}` as Period);
    let open: Period | undefined;
    for (const q of quarters) {
      const report = await officer.reports.get({ schoolId: school.id, period: q });
      if (report.version === 0 || report.status === 'draft' || report.status === 'returned') open = q;
    }
    expect(open).toBeDefined();
    const stored = await page.request.post(`${site!.base}/api/reports/${school.id}/${open}/evidence`, {
      headers: { origin: site!.base },
      multipart: { domain: 'energy', file: { name: '电费单据.pdf', mimeType: 'application/pdf', buffer: makePdf(['Electricity bill']) } },
    });
    expect(stored.ok(), await stored.text()).toBe(true);

    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    expect(download.suggestedFilename()).toMatch(/\.zip$/);
    const zip = readFileSync(await download.path());
    expect(zip.subarray(0, 2).toString('latin1')).toBe('PK');
    // Entry names are stored as they are (UTF-8): a folder for the school and the quarter, the original file name.
    expect(zip.includes(Buffer.from(school.name))).toBe(true);
    expect(zip.includes(Buffer.from('电费单据.pdf'))).toBe(true);
  }, 120_000);

  it('the bureau admin names the quarter from which evidence is required on the completeness page; the officer reads it', async () => {
    const bureau = await callerAs('bureau');
    expect((await bureau.evidence.requiredFrom({ countyId: site!.demo.countyId })).from).toBeNull();
    const page = await signedIn('bureau');
    await page.getByRole('link', { name: '报送情况' }).click();
    const setting = page.locator('input[aria-label="佐证材料要求：自"]');
    await expect.poll(() => setting.inputValue(), { timeout: 15_000 }).toBe('暂不要求');
    const next = shiftPeriod(periodOf(new Date()), 1);
    const label = periodLabel(next, 'zh');
    await setting.click();
    await page.getByRole('option', { name: label }).click();
    await page.getByRole('button', { name: '保存要求' }).click();
    await expect.poll(() => page.getByText(`自${label}起，报表须按指标要求附佐证材料方可报送。`).count(), { timeout: 15_000 }).toBe(1);
    try {
      expect((await bureau.evidence.requiredFrom({ countyId: site!.demo.countyId })).from).toBe(next);
      const officerPage = await signedIn('officer');
      await officerPage.getByRole('link', { name: '报送情况' }).click();
      await expect.poll(() => officerPage.getByText(`佐证材料要求：自 ${label}`).count(), { timeout: 15_000 }).toBe(1);
      await page.screenshot({ path: path.join(SHOTS, 'evidence-setting.png') });
    } finally {
      await bureau.evidence.setRequiredFrom({ countyId: site!.demo.countyId, from: null });
    }
  }, 120_000);
});
