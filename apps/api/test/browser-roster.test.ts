import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DatabaseHandle } from '@oversight/db';
import { ROSTER_COLUMNS, type RosterKey } from '@oversight/domain';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, openDemoSite, signInAs, SHOTS, type DemoSite } from './browser-support.js';

/**
 * Onboarding from the roster in headless Chromium: the demo county's bureau admin downloads the roster from the
 * school management page, fills in nine new schools (with exceljs, as a spreadsheet program would), uploads it,
 * is first shown a bad cell by name (nothing stored), then, corrected, gets the account slips: nine slips, two A4
 * pages when printed; a principal signs in with a slip's one-time password and must set their own.
 */
const skip = browserSkipReason('roster browser tests');
const FILES = mkdtempSync(path.join(tmpdir(), 'oversight-roster-'));
const COLUMN = Object.fromEntries(ROSTER_COLUMNS.map((c, i) => [c.key, i + 1])) as Record<RosterKey, number>;

describe.skipIf(skip !== null)('roster onboarding in the browser', () => {
  let handle: DatabaseHandle;
  let base: string;
  let site: DemoSite | undefined;

  beforeAll(async () => {
    site = await openDemoSite();
    ({ handle, base } = site);
  }, 180_000);

  afterAll(() => site?.close());

  const signIn = (username: string, password: string, viewport = { width: 1280, height: 900 }) =>
    signInAs(site!, username, { password, context: { viewport, acceptDownloads: true } });

  it('downloads the roster, uploads it filled in, sees a bad cell named, then prints the account slips', async () => {
    const page = await signIn('bureau', 'demo123456');
    await page.goto(`${base}/schools`);
    await page.getByRole('button', { name: '名单导入' }).click();
    const dialog = page.getByRole('dialog');
    const downloading = page.waitForEvent('download');
    await dialog.getByRole('link', { name: '下载学校名单模板' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^学校名单-.+\.xlsx$/);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(readFileSync((await download.path())!) as unknown as ExcelJS.Buffer);
    const sheet = workbook.getWorksheet('学校名单')!;
    const options = workbook.getWorksheet('选项')!;
    const townshipList = [1, 2, 3, 4, 5, 6, 7].map((c) => options.getColumn(c).values.slice(1)).find((v) => v[0] === '所属乡镇')!;
    const township = String(townshipList[1]);
    let row = 4;
    while (sheet.getCell(row, 1).value !== null) row += 1;
    const existing = row - 4;
    const province = String(sheet.getCell(4, 1).value).slice(2, 4);
    for (let i = 0; i < 9; i++) {
      const values: Record<RosterKey, ExcelJS.CellValue> = {
        code: `21${province}77${String(i + 1).padStart(4, '0')}`,
        name: `新建村小${i + 1}`,
        type: '小学',
        ownership: '公办',
        location: '乡村',
        boarding: '否',
        buildingAreaM2: 900 + i,
        siteAreaM2: 3000,
        hasCanteen: i % 2 ? '是' : '否',
        township,
        contactName: `校长${i + 1}`,
        contactPhone: i === 4 ? '1381234' : `1381234${String(i).padStart(4, '0')}`,
      };
      for (const [key, value] of Object.entries(values)) sheet.getCell(row + i, COLUMN[key as RosterKey]).value = value;
    }
    const bad = path.join(FILES, 'roster-bad.xlsx');
    await workbook.xlsx.writeFile(bad);

    // One short phone number: the whole file is refused, the cell named.
    await dialog.locator('input[type="file"]').setInputFiles(bad);
    await dialog.getByRole('button', { name: '上传并导入' }).click();
    await expect.poll(() => dialog.getByText('未保存任何数据').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(() => dialog.getByText(`第${row + 4}行联系电话（L${row + 4}）`, { exact: false }).count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SHOTS, 'roster-findings.png') });
    const stored = await handle.db.selectFrom('schools').select('id').where('name', 'like', '新建村小%').execute();
    expect(stored).toHaveLength(0);

    sheet.getCell(row + 4, COLUMN.contactPhone).value = '13812340004';
    const good = path.join(FILES, 'roster-good.xlsx');
    await workbook.xlsx.writeFile(good);
    await dialog.locator('input[type="file"]').setInputFiles(good);
    await dialog.getByRole('button', { name: '上传并导入' }).click();
    await expect.poll(() => dialog.getByText('导入成功').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await dialog.getByText(`新建9所、更新0所学校，${existing}所无变化；开设校长账号9个。`).count()).toBe(1);
    await dialog.getByRole('button', { name: '打印账号单（9个账号）' }).click();

    const slips = page.locator('.account-slip');
    await expect.poll(() => slips.count(), { timeout: 15_000 }).toBe(9);
    expect(await page.locator('.account-slips-page').count()).toBe(2);
    const first = (await slips.first().textContent())!;
    expect(first).toContain(base);
    expect(first).toContain(`新建村小1（21${province}770001）`);
    const password = (await slips.first().getByTestId('slip-password').textContent())!.trim();
    expect(password).toMatch(/^[A-Za-z2-9]{10}$/);

    // At A4 width on screen, then as printed: the app's frame gone, two A4 pages of slips.
    await page.setViewportSize({ width: 794, height: 1123 });
    await page.screenshot({ path: path.join(SHOTS, 'roster-slips.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.mantine-AppShell-navbar').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: /打印/ }).isVisible()).toBe(false);
    await page.screenshot({ path: path.join(SHOTS, 'roster-slips-print.png'), fullPage: true });
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)).toHaveLength(2);
    await page.emulateMedia({ media: 'screen' });

    // Leaving the slips asks first: the passwords are not shown again.
    await page.getByRole('button', { name: '返回学校管理' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '已打印，离开' }).click();
    await expect.poll(() => page.locator('.account-slip').count(), { timeout: 15_000 }).toBe(0);
    await page.getByPlaceholder('按学校名称或标识码搜索').fill('新建村小9');
    await expect.poll(() => page.getByRole('cell', { name: '新建村小9', exact: true }).count(), { timeout: 15_000 }).toBe(1);

    // The principal of the first new school signs in with the slip, at phone size, and must set a password first.
    const principal = await signIn(`21${province}770001`, password, { width: 390, height: 844 });
    await expect.poll(() => principal.getByRole('heading', { name: '请先设置您自己的密码' }).count(), { timeout: 15_000 }).toBe(1);
  });
});
