import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  addMeasure,
  backupDatabase,
  choosePractices,
  createUser,
  describeUser,
  getUser,
  login,
  restoreDatabase,
  saveReport,
  submitReport,
  SYSTEM_ACTOR,
  type DatabaseHandle,
} from '../src/index.js';
import { completeValues, createTestDatabase, databaseKinds, describeEachDatabase } from '../src/testing.js';
import { PASSWORD, school, smallHierarchy } from './fixtures.js';

const dir = mkdtempSync(path.join(tmpdir(), 'oversight-backup-'));
let fileCounter = 0;
const newFile = () => path.join(dir, `backup-${++fileCounter}.jsonl.gz`);

/** The backup's content without its header (which carries the time it was taken). */
const body = (file: string) => gunzipSync(readFileSync(file)).toString('utf8').split('\n').slice(1).join('\n');

async function rowCount(handle: DatabaseHandle, table: 'reports' | 'users' | 'auditLog') {
  const { n } = await handle.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(n);
}

await describeEachDatabase('backup and restore', (kind) => {
  let source: DatabaseHandle;
  let original: string;

  beforeAll(async () => {
    source = await createTestDatabase(kind);
    const places = await smallHierarchy(source.db);
    const s = await school(source.db, places.countyA.id, { name: '备份测试小学', buildingAreaM2: 3210.75 });
    const principal = await createUser(source.db, SYSTEM_ACTOR, {
      role: 'principal',
      username: 'backup-principal',
      displayName: '张校长',
      password: PASSWORD,
      schoolId: s.id,
    });
    const actor = { userId: principal.id, role: 'principal' as const, scope: (await describeUser(source.db, (await getUser(source.db, principal.id))!)).scope };
    const saved = await saveReport(source.db, actor, {
      schoolId: s.id,
      period: '2026Q1',
      version: 0,
      values: completeValues(s, '2026Q1', {
        students_enrolled: 812,
        staff_count: 61,
        electricity_kwh: 41234.56,
        open_kitchen: true,
        food_safety_grade: 'A',
        food_safety_grade_date: '2026-01-08',
        canteen_practice: '推行校长陪餐制度，\n每周公示带量食谱。',
      }),
      explanations: { electricity_kwh: '新增空调，用电上升"引号"与\\反斜杠' },
    });
    await submitReport(source.db, actor, { schoolId: s.id, period: '2026Q1', version: saved.version }).catch(() => undefined);
    await login(source.db, { username: 'backup-principal', password: PASSWORD, address: '127.0.0.1' });
    // The bureau's measures and the practice it quotes (issue 16) are kept like everything else.
    await addMeasure(source.db, SYSTEM_ACTOR, {
      countyId: places.countyA.id,
      domain: 'canteen',
      date: '2026-03-05',
      kind: 'meeting',
      text: '召开食堂管理“工作会议”',
    });
    await choosePractices(source.db, SYSTEM_ACTOR, {
      countyId: places.countyA.id,
      year: 2026,
      domain: 'canteen',
      picks: [{ schoolId: s.id, period: '2026Q1' }],
    });
    original = newFile();
    await backupDatabase(source.db, original);
  });
  afterAll(() => source.close());

  it('round-trips into an empty database of every kind, exactly', async () => {
    for (const target of await databaseKinds()) {
      const restored = await createTestDatabase(target);
      try {
        const counts = await restoreDatabase(restored.db, original);
        expect(counts.reports).toBe(1);
        expect(counts).toMatchObject({ bureau_measures: 1, typical_practices: 1 });
        const again = newFile();
        await backupDatabase(restored.db, again);
        expect(body(again)).toBe(body(original));
        // Identity counters continue after the restored rows: a new row gets a fresh id.
        const before = await rowCount(restored, 'users');
        await createUser(restored.db, SYSTEM_ACTOR, { role: 'system_admin', username: `after-restore-${target}`, displayName: '管理员', password: PASSWORD });
        expect(await rowCount(restored, 'users')).toBe(before + 1);
      } finally {
        await restored.close();
      }
    }
  });

  it('refuses to restore over existing data and leaves it untouched', async () => {
    const before = newFile();
    await backupDatabase(source.db, before);
    await expect(restoreDatabase(source.db, original)).rejects.toThrow(/不是空的/);
    const after = newFile();
    await backupDatabase(source.db, after);
    expect(body(after)).toBe(body(before));
  });

  it('refuses a damaged or foreign file and restores nothing', async () => {
    const lines = gunzipSync(readFileSync(original)).toString('utf8').split('\n');
    const truncated = newFile();
    // Cut in the middle of the last table's rows: the file ends inside a JSON line.
    writeFileSync(truncated, gzipSync(lines.join('\n').slice(0, -40)));
    const foreign = newFile();
    writeFileSync(foreign, gzipSync('{"header":{"format":"something-else"}}\n'));
    for (const file of [truncated, foreign]) {
      const target = await createTestDatabase(kind);
      try {
        await expect(restoreDatabase(target.db, file)).rejects.toThrow();
        expect(await rowCount(target, 'reports')).toBe(0);
        expect(await rowCount(target, 'auditLog')).toBe(0);
      } finally {
        await target.close();
      }
    }
  });
});
