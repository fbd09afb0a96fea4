import type { DatabaseHandle, School, SignedInUser } from '@oversight/db';
import { createTestDatabase, describeEachDatabase } from '@oversight/db/testing';
import type { Period, SummarySchool } from '@oversight/domain';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixtureReports, plainFigures, type StoredReport } from '../../domain/test/summary-fixture.js';
import { fileFixtureReports } from '../../db/test/summaries-support.js';
import { callerFor, failure, signedInAs, world } from './support.js';

type World = Awaited<ReturnType<typeof world>>;

const asSummarySchool = (s: School): SummarySchool => ({
  id: s.id,
  code: s.code,
  name: s.name,
  countyId: s.countyId,
  type: s.type,
  location: s.location,
  hasCanteen: s.hasCanteen,
  buildingAreaM2: s.buildingAreaM2,
  siteAreaM2: s.siteAreaM2,
});

await describeEachDatabase('summaries procedures', (kind) => {
  let handle: DatabaseHandle;
  let w: World;
  let officer: SignedInUser;
  let principal: SignedInUser;
  let cityOfficer: SignedInUser;
  let stored: StoredReport[];

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    w = await world(handle.db);
    // Both test schools are primaries with a canteen: each gets the fixture's first (primary, canteen) school's figures.
    stored = [
      ...fixtureReports([asSummarySchool(w.schools.a1)]),
      ...fixtureReports([asSummarySchool(w.schools.a2)]),
      ...fixtureReports([asSummarySchool(w.schools.c)]),
    ].filter((r) => r.period <= ('2026Q3' as Period));
    await fileFixtureReports(handle.db, stored);
    officer = await signedInAs(handle.db, w.users.officer.id);
    principal = await signedInAs(handle.db, w.users.principal.id);
    cityOfficer = await signedInAs(handle.db, w.users.cityOfficer.id);
  }, 300_000);
  afterAll(() => handle?.close());

  it('drafts, saves, finalises and reads a county summary', async () => {
    const api = callerFor(handle.db, officer);
    const draft = await api.summaries.draft({ countyId: w.countyA.id, year: 2026 });
    expect(draft).toMatchObject({
      level: 'county',
      year: 2026,
      upToQuarter: 3,
      status: 'draft',
      version: 1,
      title: '甲县教育局2026年前三季度学校后勤工作总结',
    });
    const plain = plainFigures(
      stored.map((r) => ({ ...r, status: 'approved' as const })),
      [w.schools.a1, w.schools.a2].map(asSummarySchool),
      3,
    );
    for (const id of ['liability_insured', 'electricity_kwh', 'energy_change', 'plants_planted', 'grade_A', 'schools_complete'] as const) {
      expect(draft.figures[id]!.value, id).toBeCloseTo(plain[id], 6);
    }

    const bad = await failure(
      api.summaries.save({ id: draft.id, version: 1, sections: [{ id: 'a', title: '标题', paragraphs: [{ id: 'p', text: 'x'.repeat(5001) }], children: [] }] }),
    );
    expect(bad.code).toBe('BAD_REQUEST');
    expect(bad.message).toBe('单个段落不能超过5000字。（字段：sections.0.paragraphs.0.text）');
    const sections = draft.sections.map((s, i) =>
      i === 0 ? { ...s, paragraphs: [{ id: 'opening-p1', text: '今年，{{fig:liability_rate}}的学生参加了校方责任险。' }] } : s,
    );
    const saved = await api.summaries.save({ id: draft.id, version: 1, sections });
    expect(saved.version).toBe(2);
    const stale = await failure(api.summaries.save({ id: draft.id, version: 1, sections }));
    expect(stale.code).toBe('CONFLICT');

    const final = await api.summaries.finalize({ id: draft.id, version: 2 });
    expect(final).toMatchObject({ status: 'final', version: 3, figuresFrozen: true });
    expect((await api.summaries.get({ id: draft.id })).figures).toEqual(final.figures);
    expect((await api.summaries.drift({ id: draft.id })).drift).toEqual([]);
    expect((await api.summaries.list({ countyId: w.countyA.id })).map((s) => [s.id, s.status])).toContainEqual([draft.id, 'final']);
  });

  it('gives a principal its own school’s draft and nothing else', async () => {
    const api = callerFor(handle.db, principal);
    const own = await api.summaries.schoolDraft({ schoolId: w.schools.a1.id, year: 2026 });
    expect(own.title).toBe(`${w.schools.a1.name}2026年前三季度后勤工作总结`);
    expect((await api.summaries.list({ countyId: w.countyA.id })).map((s) => s.id)).toEqual([own.id]);
    expect((await failure(api.summaries.schoolDraft({ schoolId: w.schools.a2.id, year: 2026 }))).code).toBe('NOT_FOUND');
    expect((await failure(api.summaries.draft({ countyId: w.countyA.id, year: 2026 }))).code).toBe('FORBIDDEN');
    const county = await callerFor(handle.db, officer).summaries.draft({ countyId: w.countyA.id, year: 2026, upToQuarter: 2 });
    expect((await failure(api.summaries.get({ id: county.id }))).code).toBe('NOT_FOUND');
    expect((await failure(api.summaries.finalize({ id: county.id, version: 1 }))).code).toBe('NOT_FOUND');
  });

  it('drafts a city’s summary for the city bureau; a county bureau may not', async () => {
    const city = await callerFor(handle.db, cityOfficer).summaries.draft({ cityId: w.cityA.id, year: 2026 });
    expect(city).toMatchObject({ level: 'city', title: '甲市教育局2026年前三季度学校后勤工作总结' });
    expect(city.figures.schools_total!.value).toBe(3);
    expect((await failure(callerFor(handle.db, officer).summaries.draft({ cityId: w.cityA.id, year: 2026 }))).code).toBe('NOT_FOUND');
    const both = await failure(callerFor(handle.db, cityOfficer).summaries.draft({ countyId: w.countyA.id, cityId: w.cityA.id, year: 2026 }));
    expect(both.message).toBe('请指定县（countyId）或市（cityId）其中之一。（字段：countyId）');
    const quarter = await failure(callerFor(handle.db, officer).summaries.draft({ countyId: w.countyA.id, year: 2026, upToQuarter: 5 }));
    expect(quarter.message).toBe('截至季度只能是1至4。（字段：upToQuarter）');
  });

  it('lets the bureau admin name the issuing unit; the title of the next draft carries it; bad input is refused by name', async () => {
    const admin = callerFor(handle.db, await signedInAs(handle.db, w.users.bureauAdmin.id));
    expect(await admin.summaries.issuingUnit({ countyId: w.countyA.id })).toMatchObject({ issuingUnit: '甲县教育局', custom: false });
    const empty = await failure(admin.summaries.setIssuingUnit({ countyId: w.countyA.id, issuingUnit: ' ' }));
    expect(empty.message).toBe('发文单位名称不能为空（如“青石县教育局”“青石县教育和体育局”）。（字段：issuingUnit）');
    const long = await failure(admin.summaries.setIssuingUnit({ countyId: w.countyA.id, issuingUnit: '局'.repeat(41) }));
    expect(long.message).toBe('发文单位名称不能超过40个字。（字段：issuingUnit）');
    expect((await admin.summaries.issuingUnit({ countyId: w.countyA.id })).custom).toBe(false);
    await admin.summaries.setIssuingUnit({ countyId: w.countyA.id, issuingUnit: '甲县教育科技局' });
    const draft = await callerFor(handle.db, officer).summaries.draft({ countyId: w.countyA.id, year: 2026 });
    expect(draft).toMatchObject({ title: '甲县教育科技局2026年前三季度学校后勤工作总结', issuer: '甲县教育科技局' });
    await admin.summaries.setIssuingUnit({ countyId: w.countyA.id, issuingUnit: '甲县教育局' });
  });
});
