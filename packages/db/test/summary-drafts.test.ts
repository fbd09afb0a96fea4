import { AppError, MAX_SUMMARIES_PER_UNIT_YEAR } from '@oversight/domain';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { draftSchoolSummary, draftSummary, finalizeSummary, saveSummary, type Actor, type DatabaseHandle } from '../src/index.js';
import { createTestDatabase, describeEachDatabase } from '../src/testing.js';
import { school, smallHierarchy } from './fixtures.js';

/**
 * Drafting is bounded (issue 13): drafting again over a draft nobody has edited refreshes it in place instead of
 * adding one, an edited or final summary is kept and a new draft added beside it, and a unit and year hold at most
 * MAX_SUMMARIES_PER_UNIT_YEAR summaries; past that drafting is refused and nothing changes.
 */
await describeEachDatabase('bounded drafting', (kind) => {
  let handle: DatabaseHandle;
  let places: Awaited<ReturnType<typeof smallHierarchy>>;
  let officer: Actor;
  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    places = await smallHierarchy(handle.db);
    officer = { userId: null, role: 'bureau_officer', scope: { kind: 'counties', countyIds: [places.countyA.id, places.countyA2.id] } };
  });
  afterAll(() => handle?.close());

  const rowsOf = (where: { orgUnitId: number; year: number; schoolId?: number }) =>
    handle.db
      .selectFrom('summaries')
      .select(['id', 'status', 'version', 'upToQuarter'])
      .where('orgUnitId', '=', where.orgUnitId)
      .where('year', '=', where.year)
      .$if(where.schoolId !== undefined, (q) => q.where('schoolId', '=', where.schoolId!))
      .orderBy('id')
      .execute();
  const draftAudits = (id: number) =>
    handle.db
      .selectFrom('auditLog')
      .select(['before', 'after'])
      .where('action', '=', 'summary.draft')
      .where('entityId', '=', String(id))
      .orderBy('id')
      .execute();

  it('refreshes an unedited draft in place: same id, one row, one version, each drafting audited', async () => {
    const first = await draftSummary(handle.db, officer, { countyId: places.countyA.id, year: 2026, upToQuarter: 2 });
    const again = await draftSummary(handle.db, officer, { countyId: places.countyA.id, year: 2026, upToQuarter: 3 });
    expect(again.id).toBe(first.id);
    expect(again.version).toBe(1);
    expect(again.upToQuarter).toBe(3);
    expect(again.versions.map((v) => v.version)).toEqual([1]);
    expect(await rowsOf({ orgUnitId: places.countyA.id, year: 2026 })).toEqual([{ id: first.id, status: 'draft', version: 1, upToQuarter: 3 }]);
    const audits = await draftAudits(first.id);
    expect(audits).toHaveLength(2);
    expect(audits[0]!.before).toBeNull();
    expect(audits[1]!.before).toMatchObject({ version: 1, upToQuarter: 2 });
    expect(audits[1]!.after).toMatchObject({ upToQuarter: 3, replaced: true });
  });

  it('keeps an edited or final summary and adds a new draft beside it, then refreshes that one', async () => {
    const year = 2025;
    const first = await draftSummary(handle.db, officer, { countyId: places.countyA.id, year });
    const edited = await saveSummary(handle.db, officer, { id: first.id, version: 1, sections: first.sections, title: '改过的标题' });
    const second = await draftSummary(handle.db, officer, { countyId: places.countyA.id, year });
    expect(second.id).not.toBe(first.id);
    await finalizeSummary(handle.db, officer, { id: second.id, version: 1 });
    const third = await draftSummary(handle.db, officer, { countyId: places.countyA.id, year });
    const fourth = await draftSummary(handle.db, officer, { countyId: places.countyA.id, year });
    expect(fourth.id).toBe(third.id);
    const rows = await rowsOf({ orgUnitId: places.countyA.id, year });
    expect(rows.map((r) => [r.id, r.status, r.version])).toEqual([
      [first.id, 'draft', edited.version],
      [second.id, 'final', 2],
      [third.id, 'draft', 1],
    ]);
    // Another county is another unit.
    const other = await draftSummary(handle.db, officer, { countyId: places.countyA2.id, year });
    expect(other.id).not.toBe(third.id);
  });

  it('refuses drafting past the bound per unit and year, changing nothing', async () => {
    const s = await school(handle.db, places.countyA.id);
    for (let i = 0; i < MAX_SUMMARIES_PER_UNIT_YEAR; i++) {
      const draft = await draftSchoolSummary(handle.db, officer, { schoolId: s.id, year: 2026 });
      await saveSummary(handle.db, officer, { id: draft.id, version: 1, sections: draft.sections, title: `第${i + 1}稿` });
    }
    const before = JSON.stringify({
      rows: await rowsOf({ orgUnitId: places.countyA.id, year: 2026, schoolId: s.id }),
      audit: await handle.db.selectFrom('auditLog').select('id').orderBy('id', 'desc').limit(1).execute(),
    });
    const refused = await draftSchoolSummary(handle.db, officer, { schoolId: s.id, year: 2026 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('CONFLICT');
    expect((refused as AppError).message).toBe(
      `${s.name}2026年度已有${MAX_SUMMARIES_PER_UNIT_YEAR}份总结（草稿和定稿），已达上限${MAX_SUMMARIES_PER_UNIT_YEAR}份，不能再新建草稿。请在已有的草稿上继续修改。`,
    );
    expect(
      JSON.stringify({
        rows: await rowsOf({ orgUnitId: places.countyA.id, year: 2026, schoolId: s.id }),
        audit: await handle.db.selectFrom('auditLog').select('id').orderBy('id', 'desc').limit(1).execute(),
      }),
    ).toBe(before);
    // Another year of the same school is drafted as usual.
    expect((await draftSchoolSummary(handle.db, officer, { schoolId: s.id, year: 2027 })).status).toBe('draft');
  });

  it('leaves one draft when drafting calls for one unit arrive together', async () => {
    const made = await Promise.all(Array.from({ length: 4 }, () => draftSummary(handle.db, officer, { countyId: places.countyA2.id, year: 2024 })));
    expect(new Set(made.map((m) => m.id)).size).toBe(1);
    expect(await rowsOf({ orgUnitId: places.countyA2.id, year: 2024 })).toHaveLength(1);
  });
});
