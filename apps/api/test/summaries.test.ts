import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { inflateSync } from 'node:zlib';
import { draftSchoolSummary, draftSummary, finalizeSummary, setIssuingUnit, type DatabaseHandle, type SummaryView } from '@oversight/db';
import { createTestDatabase } from '@oversight/db/testing';
import { renderText } from '@oversight/domain';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureReports } from '../../../packages/domain/test/summary-fixture.js';
import { fileFixtureReports } from '../../../packages/db/test/summaries-support.js';
import { chartLayout, chartSvg } from '../src/documents/charts.js';
import { chartPng } from '../src/documents/png.js';
import { county, download, server, workbookOf } from './files-support.js';

const run = promisify(execFile);

/**
 * Summary downloads over HTTP: cookie-authenticated and scope-checked, a real Word document and a workbook.
 * The .docx is converted to PDF by LibreOffice (soffice --headless) and read back with pdftotext: the Chinese
 * text must come through intact. Without soffice or pdftotext that part is skipped with a notice;
 * REQUIRE_OFFICE=1 (CI) makes it a failure.
 */
const SOFFICE = process.env.SOFFICE_PATH ?? '/usr/bin/soffice';
const PDFTOTEXT = process.env.PDFTOTEXT_PATH ?? '/usr/bin/pdftotext';
const officeMissing = [
  existsSync(SOFFICE) ? null : `LibreOffice not found at ${SOFFICE} (apt-get install -y libreoffice-writer)`,
  existsSync(PDFTOTEXT) ? null : `pdftotext not found at ${PDFTOTEXT} (apt-get install -y poppler-utils)`,
].filter(Boolean);
if (officeMissing.length && process.env.REQUIRE_OFFICE === '1') throw new Error(`Office round-trip required: ${officeMissing.join('; ')}`);
if (officeMissing.length) console.warn(`\n[school-oversight] SKIPPED the .docx → PDF round-trip: ${officeMissing.join('; ')}\n`);

describe('summary downloads', () => {
  let handle: DatabaseHandle;
  let app: FastifyInstance;
  let places: Awaited<ReturnType<typeof county>>;
  let summary: SummaryView;
  let ownSchool: SummaryView;

  beforeAll(async () => {
    handle = await createTestDatabase('pglite');
    places = await county(handle);
    // The primary school files as the fixture's urban primary school, the vocational school as its vocational school.
    // Their sites are smaller than the fixture's: the green area stays within them.
    const reports = fixtureReports([places.primary, places.vocational], [0, 4]).map((r) => ({ ...r, values: { ...r.values, green_area_total_m2: 2500 } }));
    await fileFixtureReports(handle.db, reports);
    const officer = { userId: null, role: 'bureau_officer' as const, scope: { kind: 'counties' as const, countyIds: [places.countyA.id] } };
    const draft = await draftSummary(handle.db, officer, { countyId: places.countyA.id, year: 2026 });
    summary = await finalizeSummary(handle.db, officer, { id: draft.id, version: 1 });
    ownSchool = await draftSchoolSummary(handle.db, officer, { schoolId: places.primary.id, year: 2026 });
    app = await server(handle);
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    await handle?.close();
  });

  it('sends the Word document to the county’s officer, named after the summary', async () => {
    const response = await download(app, `/api/summaries/${summary.id}.docx`, places.sessions.officerA);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(response.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('甲县教育局2026年学校后勤工作总结.docx')}`);
    expect(response.rawPayload.subarray(0, 2).toString()).toBe('PK');
  });

  it('names the files after the county’s issuing unit as its bureau admin set it', async () => {
    const admin = { userId: null, role: 'bureau_admin' as const, scope: { kind: 'counties' as const, countyIds: [places.countyA.id] } };
    await setIssuingUnit(handle.db, admin, { countyId: places.countyA.id, issuingUnit: '甲县教育和体育局' });
    try {
      const draft = await draftSummary(handle.db, admin, { countyId: places.countyA.id, year: 2026, upToQuarter: 2 });
      for (const extension of ['docx', 'xlsx']) {
        const response = await download(app, `/api/summaries/${draft.id}.${extension}`, places.sessions.officerA);
        expect(response.statusCode).toBe(200);
        expect(response.headers['content-disposition']).toContain(
          `filename*=UTF-8''${encodeURIComponent(`甲县教育和体育局2026年上半年学校后勤工作总结（草稿）.${extension}`)}`,
        );
      }
      // The final summary keeps the name it was issued under.
      const final = await download(app, `/api/summaries/${summary.id}.docx`, places.sessions.officerA);
      expect(final.headers['content-disposition']).toContain(encodeURIComponent('甲县教育局2026年学校后勤工作总结.docx'));
    } finally {
      await setIssuingUnit(handle.db, admin, { countyId: places.countyA.id, issuingUnit: '甲县教育局' });
    }
  });

  it('refuses callers outside the summary’s scope, and anonymous ones', async () => {
    expect((await download(app, `/api/summaries/${summary.id}.docx`, places.sessions.officerB)).statusCode).toBe(404);
    expect((await download(app, `/api/summaries/${summary.id}.xlsx`, places.sessions.principal)).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: `/api/summaries/${summary.id}.docx` })).statusCode).toBe(401);
    const missing = await download(app, '/api/summaries/999999.docx', places.sessions.officerA);
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { message: '总结不存在。', field: null } });
    // A principal downloads its own school’s summary; another school’s principal may not.
    expect((await download(app, `/api/summaries/${ownSchool.id}.docx`, places.sessions.principal)).statusCode).toBe(200);
    expect((await download(app, `/api/summaries/${ownSchool.id}.docx`, places.sessions.otherPrincipal)).statusCode).toBe(404);
  });

  it('sends the appendix as a workbook: one sheet per table, chart data, and the source of every figure', async () => {
    const response = await download(app, `/api/summaries/${summary.id}.xlsx`, places.sessions.officerA);
    expect(response.statusCode).toBe(200);
    const workbook = await workbookOf(response.rawPayload);
    const names = workbook.worksheets.map((s) => s.name);
    expect(names.slice(0, 5)).toEqual(['未达到目标的学校名单', '各校保险情况', '各校能源资源消耗情况', '各校绿色校园建设情况', '各校食堂管理情况']);
    // The first sheet names the schools part 二 only counts: the vocational school's interns and its late report.
    const missed = workbook.getWorksheet('未达到目标的学校名单')!;
    expect(missed.getRow(1).getCell(1).value).toBe('甲县教育局2026年学校后勤工作总结 附件：未达到目标的学校名单');
    expect(missed.getRow(2).values).toEqual([undefined, '学校', '指标', '目标', '实际', '说明']);
    const listed = (missed.getSheetValues().slice(3) as unknown[][]).filter(Boolean).map((r) => `${r[1]}|${r[2]}|${r[3]}|${r[4]}`);
    expect(listed).toContain(`${places.vocational.name}|实习责任险参保率|达到100%（人人参保）|80%`);
    expect(listed).toContain(`${places.vocational.name}|季度报表|按期报送并审核通过|第二季度报表未按期报送`);
    expect(names.at(-1)).toBe('数据来源');
    const energy = workbook.getWorksheet('各校能源资源消耗情况')!;
    const header = energy.getRow(2).values as unknown[];
    const column = header.indexOf('用电量（千瓦时）');
    const totalRow = energy.getRow(energy.rowCount);
    expect(totalRow.getCell(1).value).toBe('全县合计');
    expect(totalRow.getCell(column).value).toBeCloseTo(summary.figures.electricity_kwh!.value!, 6);
    const sources = workbook.getWorksheet('数据来源')!;
    const rows = sources.getSheetValues().filter(Boolean) as unknown[][];
    const rate = rows.find((r) => r[1] === 'liability_rate')!;
    expect(rate[4]).toBe(summary.figures.liability_rate!.text);
    expect(rate[6]).toBe('校方责任险参保人数之和 ÷ 在校学生数之和 × 100%（各校第一至第四季度数据）');
  });

  it.skipIf(officeMissing.length > 0)(
    'opens in LibreOffice and converts to PDF with the Chinese text intact',
    async () => {
      const response = await download(app, `/api/summaries/${summary.id}.docx`, places.sessions.officerA);
      const dir = mkdtempSync(path.join(tmpdir(), 'oversight-docx-'));
      try {
        const file = path.join(dir, 'summary.docx');
        writeFileSync(file, response.rawPayload);
        // A profile of its own, so a LibreOffice already running for someone else does not swallow the job.
        await run(SOFFICE, [`-env:UserInstallation=file://${path.join(dir, 'profile')}`, '--headless', '--convert-to', 'pdf', '--outdir', dir, file], {
          timeout: 180_000,
        });
        await run(PDFTOTEXT, ['-layout', path.join(dir, 'summary.pdf'), path.join(dir, 'summary.txt')]);
        const text = readFileSync(path.join(dir, 'summary.txt'), 'utf8');
        const flat = text.replace(/\s+/g, '');
        expect(flat).toContain('甲县教育局2026年学校后勤工作总结');
        expect(flat).toContain('一、取得的成绩及采取的措施');
        expect(flat).toContain('二、存在的问题');
        expect(flat).toContain('三、下一步工作打算');
        // Part 二 counts the schools; the appendix, on its own page, names them.
        const problems = flat.slice(flat.indexOf('二、存在的问题'), flat.indexOf('三、下一步工作打算'));
        expect(problems).toContain('个别学校');
        expect(problems).not.toContain(places.vocational.name);
        expect(problems).not.toContain(places.primary.name);
        const appendix = flat.slice(flat.indexOf('附件：未达到目标的学校名单'));
        expect(appendix).toContain(places.vocational.name);
        expect(appendix.indexOf('附表1各校保险情况')).toBeGreaterThan(0);
        const liability = renderText(summary.sections[1]!.children[0]!.children[0]!.paragraphs[0]!.text, summary.figures);
        expect(flat).toContain(liability.replace(/\s+/g, ''));
        expect(flat).toContain('甲县教育局');
        expect(flat).toContain('附表1各校保险情况');
        expect(flat).toContain('附图2各季度综合能耗');
        expect(flat).not.toContain('�');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    240_000,
  );
});

describe('chart images drawn without a browser', () => {
  const chart = {
    id: 'c',
    title: '各类学校参保率',
    kind: 'bar' as const,
    unit: '%',
    categories: ['小学', '初级中学<&>'],
    series: [
      { name: '校方责任险参保率', values: [100, 98.5] },
      { name: '学平险参保率', values: [93.2, null] },
    ],
  };

  it('writes an SVG with every label, escaped', () => {
    const svg = chartSvg(chartLayout(chart));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const text of ['各类学校参保率', '小学', '初级中学&lt;&amp;&gt;', '校方责任险参保率', '学平险参保率', '>100<']) expect(svg).toContain(text);
    // Three bars (the missing value leaves a gap), each drawn in the SVG.
    const bars = chartLayout(chart).rects;
    expect(bars).toHaveLength(3);
    for (const bar of bars)
      expect(svg).toContain(
        `<rect x="${bar.x.toFixed(1)}" y="${bar.y.toFixed(1)}" width="${bar.w.toFixed(1)}" height="${bar.h.toFixed(1)}" fill="${bar.color}"/>`,
      );
  });

  it('encodes a valid PNG: signature, size, one filtered scanline per row, the bars where the layout put them', () => {
    const layout = chartLayout(chart, 320, 200);
    const png = chartPng(layout);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([320, 200]);
    const idatAt = png.indexOf('IDAT');
    const length = png.readUInt32BE(idatAt - 4);
    const rows = inflateSync(png.subarray(idatAt + 4, idatAt + 4 + length));
    expect(rows.length).toBe((320 * 3 + 1) * 200);
    // A bar’s colour is drawn where the layout put the first bar.
    const bar = layout.rects[0]!;
    const x = Math.round(bar.x + 2);
    const y = Math.round(bar.y + bar.h / 2);
    const at = y * (320 * 3 + 1) + 1 + x * 3;
    expect([rows[at], rows[at + 1], rows[at + 2]]).toEqual([0x2f, 0x55, 0x97]);
    expect(png.subarray(-8, -4).toString('ascii')).toBe('IEND');
  });
});
