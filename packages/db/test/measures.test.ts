import { AppError, summaryText, type SummarySchool } from '@oversight/domain';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixtureReports, fixtureSchools } from '../../domain/test/summary-fixture.js';
import {
  addMeasure,
  choosePractices,
  createSchool,
  createUser,
  draftSummary,
  listMeasures,
  removeMeasure,
  schoolPractices,
  SYSTEM_ACTOR,
  updateMeasure,
  type Actor,
  type DatabaseHandle,
} from '../src/index.js';
import { createTestDatabase, describeEachDatabase } from '../src/testing.js';
import { PASSWORD, smallHierarchy } from './fixtures.js';
import { fileFixtureReports } from './summaries-support.js';

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const PRACTICE_Q1 = '我校建立食材采购索证索票台账，做到每批可追溯。';
const PRACTICE_Q3 = '推行校长陪餐制度，每周公示带量食谱。';

await describeEachDatabase('bureau measures and typical practices', (kind) => {
  let handle: DatabaseHandle;
  let places: Awaited<ReturnType<typeof smallHierarchy>>;
  let schools: SummarySchool[];
  let officer: Actor;
  let stranger: Actor;

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    const db = handle.db;
    places = await smallHierarchy(db);
    schools = [];
    // 实验小学 (canteen), 河口小学 (no canteen), 第一中学 (canteen).
    for (const [i, plan] of fixtureSchools(places.countyA.id).slice(0, 3).entries()) {
      const s = await createSchool(db, SYSTEM_ACTOR, {
        countyId: places.countyA.id,
        code: `${plan.code.slice(0, 2)}5100000${i + 1}`,
        name: plan.name.replace('青石县', '甲县'),
        type: plan.type,
        ownership: 'public',
        location: plan.location,
        boarding: false,
        buildingAreaM2: plan.buildingAreaM2,
        siteAreaM2: plan.siteAreaM2,
        hasCanteen: plan.hasCanteen,
      });
      schools.push({ ...plan, id: s.id, code: s.code, name: s.name, countyId: places.countyA.id });
    }
    const reports = fixtureReports(schools).map((r) => {
      if (r.schoolId === schools[0]!.id && r.period === '2026Q1') return { ...r, values: { ...r.values, canteen_practice: PRACTICE_Q1 } };
      if (r.schoolId === schools[2]!.id && r.period === '2026Q3')
        return { ...r, values: { ...r.values, canteen_practice: PRACTICE_Q3, green_practice: '师生认领绿化责任区。' } };
      // A draft's text is not quoted: the school is still writing it.
      if (r.schoolId === schools[1]!.id && r.period === '2026Q2')
        return { ...r, status: 'draft' as const, values: { ...r.values, energy_practice: '草稿中的做法' } };
      return r;
    });
    await fileFixtureReports(db, reports);
    const user = await createUser(db, SYSTEM_ACTOR, {
      role: 'bureau_officer',
      username: 'measures-officer',
      displayName: '甲县教育局',
      password: PASSWORD,
      orgUnitId: places.countyA.id,
    });
    officer = { userId: user.id, role: 'bureau_officer', scope: { kind: 'counties', countyIds: [places.countyA.id] } };
    stranger = { userId: null, role: 'bureau_officer', scope: { kind: 'counties', countyIds: [places.countyB.id] } };
  }, 300_000);
  afterAll(() => handle?.close());

  const audits = (action: string) => handle.db.selectFrom('auditLog').select(['action', 'before', 'after', 'actorId']).where('action', '=', action).execute();

  it('keeps a dated list of measures per domain and year, audited; bad input and other counties store nothing', async () => {
    const countyId = places.countyA.id;
    const doc = await addMeasure(handle.db, officer, {
      countyId,
      domain: 'insurance',
      date: '2026-03-02',
      kind: 'document',
      text: '转发《四川省校方责任保险统保方案》',
    });
    await addMeasure(handle.db, officer, { countyId, domain: 'insurance', date: '2026-05-12', kind: 'meeting', text: '全县学校保险工作会议' });
    const typo = await addMeasure(handle.db, officer, { countyId, domain: 'canteen', date: '2026-04-08', kind: 'meeting', text: '食堂从业人员培训' });
    const fixed = await updateMeasure(handle.db, officer, {
      id: typo.id,
      domain: 'canteen',
      date: '2026-04-09',
      kind: 'training',
      text: '食堂从业人员食品安全培训',
    });
    expect(fixed).toMatchObject({ year: 2026, kind: 'training', date: '2026-04-09' });
    const spare = await addMeasure(handle.db, officer, { countyId, domain: 'green', date: '2025-12-30', kind: 'inspection', text: '上年度的检查' });
    expect(spare.year).toBe(2025);
    await removeMeasure(handle.db, officer, spare.id);

    const listed = await listMeasures(handle.db, officer.scope, { countyId, year: 2026 });
    expect(listed.bureau).toBe('甲县教育局');
    expect(listed.measures.map((m) => [m.date, m.kind, m.text])).toEqual([
      ['2026-03-02', 'document', '转发《四川省校方责任保险统保方案》'],
      ['2026-04-09', 'training', '食堂从业人员食品安全培训'],
      ['2026-05-12', 'meeting', '全县学校保险工作会议'],
    ]);
    expect((await audits('measure.add')).length).toBe(4);
    expect((await audits('measure.update'))[0]).toMatchObject({
      actorId: officer.userId,
      before: expect.objectContaining({ kind: 'meeting' }),
      after: expect.objectContaining({ kind: 'training' }),
    });
    expect((await audits('measure.remove'))[0]!.before).toMatchObject({ text: '上年度的检查' });

    await expect(addMeasure(handle.db, officer, { countyId, domain: 'energy', date: '2026-02-30', kind: 'meeting', text: '节能会议' })).rejects.toThrow(
      '措施日期',
    );
    expect((await rejection(addMeasure(handle.db, stranger, { countyId, domain: 'energy', date: '2026-02-03', kind: 'meeting', text: '节能会议' }))).code).toBe(
      'NOT_FOUND',
    );
    expect(
      (await rejection(updateMeasure(handle.db, stranger, { id: doc.id, domain: 'energy', date: '2026-02-03', kind: 'meeting', text: '改掉' }))).code,
    ).toBe('NOT_FOUND');
    expect((await rejection(removeMeasure(handle.db, stranger, doc.id))).code).toBe('NOT_FOUND');
    expect((await listMeasures(handle.db, officer.scope, { countyId, year: 2026 })).measures).toHaveLength(3);
  });

  it('offers the schools’ practice texts of every quarter of the year, handed-in reports only, and keeps the officer’s choice in order', async () => {
    const countyId = places.countyA.id;
    const offered = await schoolPractices(handle.db, officer.scope, { countyId, year: 2026 });
    expect(offered.map((p) => [p.schoolName, p.domain, p.period, p.chosen])).toEqual([
      ['甲县实验小学', 'canteen', '2026Q1', null],
      ['甲县第一中学', 'green', '2026Q3', null],
      ['甲县第一中学', 'canteen', '2026Q3', null],
    ]);

    // A report without a text for the domain is refused, naming the school, the quarter and the field; nothing changes.
    const refused = await rejection(
      choosePractices(handle.db, officer, { countyId, year: 2026, domain: 'canteen', picks: [{ schoolId: schools[1]!.id, period: '2026Q2' }] }),
    );
    expect(refused.message).toBe('甲县河口小学2026年第二季度的报表（已报送或已审核）没有填写“食堂管理本季度主要做法”，不能选作典型做法。');
    expect((await listMeasures(handle.db, officer.scope, { countyId, year: 2026 })).practices).toEqual([]);

    const chosen = await choosePractices(handle.db, officer, {
      countyId,
      year: 2026,
      domain: 'canteen',
      picks: [
        { schoolId: schools[2]!.id, period: '2026Q3' },
        { schoolId: schools[0]!.id, period: '2026Q1' },
      ],
    });
    expect(chosen.map((p) => [p.schoolName, p.position, p.text])).toEqual([
      ['甲县第一中学', 1, PRACTICE_Q3],
      ['甲县实验小学', 2, PRACTICE_Q1],
    ]);
    expect((await schoolPractices(handle.db, officer.scope, { countyId, year: 2026, domain: 'canteen' })).map((p) => p.chosen)).toEqual([2, 1]);
    expect((await audits('practices.choose')).at(-1)!.after).toEqual([
      { schoolId: schools[2]!.id, period: '2026Q3', position: 1 },
      { schoolId: schools[0]!.id, period: '2026Q1', position: 2 },
    ]);
    expect((await rejection(schoolPractices(handle.db, stranger.scope, { countyId, year: 2026 }))).code).toBe('NOT_FOUND');
  });

  it('drafts the county summary with the measures opening each domain and the chosen practices as 典型做法', async () => {
    const view = await draftSummary(
      handle.db,
      officer,
      { countyId: places.countyA.id, year: 2026, upToQuarter: 4 },
      { now: new Date('2027-01-20T10:00:00+08:00') },
    );
    const achievements = view.sections.find((s) => s.id === 'achievements')!;
    const insurance = achievements.children.find((c) => c.id === 'insurance')!;
    expect(insurance.paragraphs[0]!.text).toMatch(/^2026年，甲县教育局3月转发《四川省校方责任保险统保方案》，5月召开全县学校保险工作会议。通过努力，全县/);
    const canteen = achievements.children.find((c) => c.id === 'canteen')!;
    expect(canteen.paragraphs[0]!.text).toMatch(/^2026年，甲县教育局4月组织开展食堂从业人员食品安全培训。通过努力，全县学校食堂/);
    const practices = canteen.children.at(-1)!;
    expect(practices.title).toBe('典型做法');
    expect(practices.paragraphs[0]!.text).toContain('甲县第一中学推行校长陪餐制度，每周公示带量食谱。甲县实验小学建立食材采购索证索票台账，做到每批可追溯。');
    // Domains without measures open with their figures as before; the whole text has no empty sentence.
    expect(achievements.children.find((c) => c.id === 'energy')!.paragraphs).toEqual([]);
    const text = summaryText(view.title, view.sections, view.figures);
    expect(text.match(/通过努力/g)).toHaveLength(2);
    expect(text).not.toContain('草稿中的做法');
  });
});
