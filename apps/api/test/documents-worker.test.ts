import { buildSummary } from '@oversight/domain';
import { afterAll, describe, expect, it } from 'vitest';
import { countyInput } from '../../../packages/domain/test/summary-fixture.js';
import { summaryDocx, type SummaryDocumentData } from '../src/documents/docx.js';
import { DocumentPool } from '../src/documents/pool.js';
import { renderDocument } from '../src/documents/render.js';
import { FileRefusal } from '../src/files/refusal.js';
import ExcelJS from 'exceljs';
import { inflateRawSync } from 'node:zlib';

/**
 * Documents come from worker threads (issue 13: a county's .docx no longer holds the server's thread). What the
 * worker makes is the document the request thread used to make: the same parts, byte for byte, but for the
 * creation time in docProps/core.xml. How long the thread is held is measured by `pnpm load-test`, not here.
 */
const doc = buildSummary(countyInput(4));
const data: SummaryDocumentData = {
  title: doc.title,
  status: 'final',
  sections: doc.sections,
  figures: doc.figures,
  tables: doc.tables,
  charts: doc.charts,
  issuer: '青石县教育局',
  date: new Date('2026-12-20T02:00:00Z'),
};

/** The entries of a zip archive (stored or deflated), read from its central directory. */
function unzip(file: Buffer): Map<string, Buffer> {
  const end = file.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = file.readUInt16LE(end + 10);
  let at = file.readUInt32LE(end + 16);
  const entries = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const method = file.readUInt16LE(at + 10);
    const size = file.readUInt32LE(at + 20);
    const nameLength = file.readUInt16LE(at + 28);
    const skip = file.readUInt16LE(at + 30) + file.readUInt16LE(at + 32);
    const local = file.readUInt32LE(at + 42);
    const name = file.subarray(at + 46, at + 46 + nameLength).toString();
    const start = local + 30 + file.readUInt16LE(local + 26) + file.readUInt16LE(local + 28);
    const data = file.subarray(start, start + size);
    entries.set(name, method === 0 ? data : inflateRawSync(data));
    at += 46 + nameLength + skip;
  }
  return entries;
}

/** Every part of an OOXML file but its core properties (which carry the time of writing). */
function parts(file: Buffer): Map<string, string> {
  return new Map([...unzip(file)].filter(([name]) => name !== 'docProps/core.xml').map(([name, bytes]) => [name, bytes.toString('base64')]));
}

describe('the document worker pool', () => {
  const pool = new DocumentPool({ size: 2 });
  afterAll(() => pool.close());

  it('makes the same Word document as the request thread did', async () => {
    const [fromWorker, inProcess] = await Promise.all([pool.render({ kind: 'docx', data }), summaryDocx(data)]);
    expect(fromWorker.subarray(0, 2).toString()).toBe('PK');
    const worker = parts(fromWorker);
    expect([...worker.keys()].sort()).toEqual([...parts(inProcess).keys()].sort());
    expect(worker).toEqual(parts(inProcess));
    expect(worker.has('word/document.xml')).toBe(true);
  });

  it('makes the same appendix workbook', async () => {
    const schoolNames = Object.fromEntries(
      Object.values(doc.figures)
        .flatMap((f) => f.source.schoolIds)
        .map((id) => [id, `学校${id}`]),
    );
    const job = { kind: 'xlsx' as const, data: { title: doc.title, tables: doc.tables, charts: doc.charts, figures: doc.figures, schoolNames } };
    const [fromWorker, inProcess] = await Promise.all([pool.render(job), renderDocument(job)]);
    expect(parts(fromWorker)).toEqual(parts(inProcess));
  });

  it('answers several documents at once, each its own', async () => {
    const titles = ['甲', '乙', '丙', '丁', '戊'].map((t) => `${t}县2026年学校后勤工作总结`);
    const bodies = await Promise.all(titles.map((title) => pool.render({ kind: 'docx', data: { ...data, title } })));
    bodies.forEach((body, i) => {
      expect(unzip(body).get('word/document.xml')!.toString()).toContain(titles[i]);
    });
  });

  it('fails a job that cannot be generated, and goes on with the next', async () => {
    const broken = { ...data, sections: null } as unknown as SummaryDocumentData;
    await expect(pool.render({ kind: 'docx', data: broken })).rejects.toThrow(/document generation failed/);
    expect((await pool.render({ kind: 'docx', data })).subarray(0, 2).toString()).toBe('PK');
  });

  it('annotates an upload, and answers a workbook it cannot load with the refusal the user can act on', async () => {
    const plan = { marks: [], rows: [{ cells: ['', '', '', '未发现问题，可以导入。'] }], sheet: '导入检查结果' };
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('季度报表').getCell('A1').value = '学校标识码';
    const file = Buffer.from(await workbook.xlsx.writeBuffer());
    const annotated = await pool.render({ kind: 'annotate', data: { ...plan, file } });
    expect([...unzip(annotated).keys()].filter((name) => /^xl\/worksheets\/sheet\d+\.xml$/.test(name))).toHaveLength(2);
    const damaged = pool.render({ kind: 'annotate', data: { ...plan, file: Buffer.from('PK not a workbook') } });
    await expect(damaged).rejects.toBeInstanceOf(FileRefusal);
    await expect(damaged).rejects.toMatchObject({ status: 400, rule: 'damaged' });
  });

  it('refuses new jobs past its queue, and every job once closed', async () => {
    const small = new DocumentPool({ size: 1, maxQueued: 1 });
    const first = small.render({ kind: 'docx', data });
    const second = small.render({ kind: 'docx', data });
    await expect(small.render({ kind: 'docx', data })).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS', message: '服务器正在生成的文档较多，请稍后再试。' });
    await Promise.all([first, second]);
    await small.close();
    await expect(small.render({ kind: 'docx', data })).rejects.toThrow('document pool closed');
  });
});
