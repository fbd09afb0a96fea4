import { AppError, renderText, type Period, type Scope, type SummarySchool } from '@oversight/domain';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureReports, fixtureSchools, plainFigures, TARGETS_2026, TARGETS_2027, type StoredReport } from '../../domain/test/summary-fixture.js';
import {
  approveReport,
  createOrgUnit,
  createSchool,
  createUser,
  draftSchoolSummary,
  draftSummary,
  finalizeSummary,
  getSummary,
  issuingUnit,
  listSummaries,
  reopenReport,
  saveReport,
  saveSummary,
  setIssuingUnit,
  setTarget,
  submitReport,
  summaryDrift,
  SYSTEM_ACTOR,
  type Actor,
  type Database,
  type DatabaseHandle,
  type School,
  type SummaryView,
} from '../src/index.js';
import { createTestDatabase, describeEachDatabase } from '../src/testing.js';
import { fileFixtureReports } from './summaries-support.js';
import { PASSWORD, smallHierarchy } from './fixtures.js';

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** Creates the fixture's schools in a county (same attributes, database ids). */
async function schoolsIn(db: Kysely<Database>, countyId: number, prefix: string, codeBase: number, count = 7): Promise<SummarySchool[]> {
  const created: SummarySchool[] = [];
  for (const [i, plan] of fixtureSchools(countyId).slice(0, count).entries()) {
    const s: School = await createSchool(db, SYSTEM_ACTOR, {
      countyId,
      code: `${plan.code.slice(0, 2)}51${String(codeBase + i).padStart(6, '0')}`,
      name: plan.name.replace('青石县', prefix),
      type: plan.type,
      ownership: 'public',
      location: plan.location,
      boarding: false,
      buildingAreaM2: plan.buildingAreaM2,
      siteAreaM2: plan.siteAreaM2,
      hasCanteen: plan.hasCanteen,
    });
    created.push({ ...plan, id: s.id, code: s.code, name: s.name, countyId });
  }
  return created;
}

/** The stored approved reports, read back raw from the table: what the independent computation works on. */
async function storedReports(db: Kysely<Database>, schoolIds: readonly number[]): Promise<StoredReport[]> {
  const rows = await db
    .selectFrom('reports')
    .select(['schoolId', 'period', 'values', 'status', 'late'])
    .where('schoolId', 'in', [...schoolIds])
    .execute();
  return rows.map((r) => ({ schoolId: r.schoolId, period: r.period as Period, values: r.values, status: r.status, late: r.late }));
}

/** The figures the draft must quote, computed independently; compared with the view's figures. */
function expectFiguresMatch(view: SummaryView, expected: Record<string, number>) {
  for (const [id, value] of Object.entries(expected)) {
    expect(view.figures[id], `figure ${id}`).toBeDefined();
    expect(view.figures[id]!.value, id).toBeCloseTo(value, 6);
  }
}

await describeEachDatabase('annual summaries', (kind) => {
  let handle: DatabaseHandle;
  let places: Awaited<ReturnType<typeof smallHierarchy>>;
  let schools: SummarySchool[];
  let neighbours: SummarySchool[];
  let officer: Actor;
  let principal: Actor;
  const cityOfficer = (): Actor => ({ userId: null, role: 'bureau_officer', scope: { kind: 'counties', countyIds: [places.countyA.id, places.countyA2.id] } });
  const otherCounty = (): Scope => ({ kind: 'counties', countyIds: [places.countyB.id] });

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    const db = handle.db;
    places = await smallHierarchy(db);
    schools = await schoolsIn(db, places.countyA.id, '甲县', 1);
    neighbours = await schoolsIn(db, places.countyA2.id, '丙县', 101, 3);
    await fileFixtureReports(db, [...fixtureReports(schools), ...fixtureReports(neighbours)]);
    const user = await createUser(db, SYSTEM_ACTOR, {
      role: 'bureau_officer',
      username: 'summary-officer',
      displayName: '甲县教育局',
      password: PASSWORD,
      orgUnitId: places.countyA.id,
    });
    officer = { userId: user.id, role: 'bureau_officer', scope: { kind: 'counties', countyIds: [places.countyA.id] } };
    const head = await createUser(db, SYSTEM_ACTOR, {
      role: 'principal',
      username: 'summary-principal',
      displayName: '职校校长',
      password: PASSWORD,
      schoolId: schools[4]!.id,
    });
    principal = { userId: head.id, role: 'principal', scope: { kind: 'school', schoolId: schools[4]!.id, countyId: places.countyA.id } };
    for (const [year, list] of [
      [2026, TARGETS_2026],
      [2027, TARGETS_2027],
    ] as const) {
      for (const t of list) {
        await setTarget(db, officer, {
          countyId: places.countyA.id,
          year,
          indicator: t.indicator,
          kind: t.kind,
          measure: t.measure,
          comparator: t.comparator,
          value: t.value,
          statusValue: t.statusValue,
          schoolTypes: t.schoolTypes,
        });
      }
    }
  }, 600_000);
  afterAll(() => handle?.close());

  const now = new Date('2027-01-20T10:00:00+08:00');

  describe.each([4, 3] as const)('a county draft up to quarter %i', (upTo) => {
    it('quotes every figure as computed independently from the stored reports', async () => {
      const view = await draftSummary(handle.db, officer, { countyId: places.countyA.id, year: 2026, upToQuarter: upTo }, { now });
      const raw = await storedReports(
        handle.db,
        schools.map((s) => s.id),
      );
      const plain = plainFigures(raw, schools, upTo);
      expectFiguresMatch(view, plain);
      expect(view.figures.schools_total!.value).toBe(7);
      expect(view.basis.missing).toEqual([]);
      expect(view.basis.partial.map((p) => p.name)).toEqual(upTo === 4 ? ['甲县机关幼儿园', '甲县河口小学'] : ['甲县机关幼儿园']);
      expect(view.basis.late.map((l) => `${l.name}${l.period}`)).toEqual(['甲县职业技术学校2026Q2']);
      expect(view.title).toBe(upTo === 4 ? '甲县教育局2026年学校后勤工作总结' : '甲县教育局2026年前三季度学校后勤工作总结');
      expect(view.issuer).toBe('甲县教育局');
      expect(view).toMatchObject({ status: 'draft', version: 1, upToQuarter: upTo, figuresFrozen: false, countyId: places.countyA.id });
      expect(view.versions).toHaveLength(1);
      // The neighbouring county's schools are not in this county's summary.
      for (const f of Object.values(view.figures)) for (const id of f.source.schoolIds) expect(schools.map((s) => s.id)).toContain(id);
      // Targets come from the database: “每所学校校方责任险参保率达到100%” was missed by the nine-year school.
      const missed = Object.values(view.figures).find((f) => f.target?.label === '每所学校校方责任险参保率达到100%')!;
      expect(missed.names).toEqual(['甲县柳溪九年制学校']);
      expect(missed.text).toBe('个别学校');
      expect(view.tables[0]!.rows).toContainEqual(['甲县柳溪九年制学校', '校方责任险参保率', '达到100%', '98.6%', '']);
    });
  });

  it('defaults to the last quarter with approved reports, and says what the draft rests on', async () => {
    const view = await draftSummary(handle.db, officer, { countyId: places.countyA.id, year: 2026 }, { now });
    expect(view.upToQuarter).toBe(4);
    const opening = renderText(view.sections[0]!.paragraphs[1]!.text, view.figures);
    expect(opening).toBe(
      '本总结数据取自全县7所学校第一至第四季度经审核通过的季度报表，其中5所学校各季度报表均已审核通过；另有2所学校有季度报表尚未审核通过，相关数据未计入（名单见附件）。',
    );
    const audit = await handle.db
      .selectFrom('auditLog')
      .select(['action', 'actorId'])
      .where('entity', '=', 'summary')
      .where('entityId', '=', String(view.id))
      .execute();
    // Every drafting is audited; an earlier draft of the county and year nobody edited is refreshed in place (same id).
    expect(audit.at(-1)).toEqual({ action: 'summary.draft', actorId: officer.userId });
    expect(audit.every((a) => a.action === 'summary.draft')).toBe(true);
  });

  it('saves edits with an optimistic version, keeps each version, and refuses bad input without changing anything', async () => {
    const draft = await draftSummary(handle.db, officer, { countyId: places.countyA.id, year: 2026, upToQuarter: 4 }, { now });
    const sections = structuredClone(draft.sections);
    sections[1]!.children[0]!.children[0]!.paragraphs[0]!.text = '经各校共同努力，校方责任险参保率达到{{fig:liability_rate}}。';
    sections.push({ id: 'free-1', title: '校园环境治理', paragraphs: [{ id: 'free-1-p1', text: '开展“整治十乱”活动。' }], children: [] });
    const saved = await saveSummary(handle.db, officer, { id: draft.id, version: 1, sections, title: '甲县2026年学校后勤工作总结（征求意见稿）' }, { now });
    expect(saved.version).toBe(2);
    expect(saved.title).toBe('甲县2026年学校后勤工作总结（征求意见稿）');
    expect(renderText(saved.sections[1]!.children[0]!.children[0]!.paragraphs[0]!.text, saved.figures)).toBe(
      `经各校共同努力，校方责任险参保率达到${draft.figures.liability_rate!.text}。`,
    );
    expect(saved.versions.map((v) => v.version)).toEqual([2, 1]);

    const stale = await rejection(saveSummary(handle.db, officer, { id: draft.id, version: 1, sections }, { now }));
    expect(stale.code).toBe('CONFLICT');
    expect(stale.message).toBe('该总结已被他人修改（您的版本 1，当前版本 2），请刷新后再操作，以免覆盖他人的修改。');
    const broken = structuredClone(sections);
    broken[0]!.paragraphs[0]!.text = '数据见{{fig:no_such_figure}}。';
    const link = await rejection(saveSummary(handle.db, officer, { id: draft.id, version: 2, sections: broken }, { now }));
    expect(link.message).toBe('正文引用了不存在的数据：{{fig:no_such_figure}}。请删除这些引用，或从数据列表中重新插入。');
    const malformed = await rejection(
      saveSummary(handle.db, officer, { id: draft.id, version: 2, sections: [{ id: 'x', title: 5, paragraphs: [], children: [] }] }, { now }),
    );
    expect(malformed).toMatchObject({ code: 'BAD_REQUEST', field: 'sections.0.title', message: '标题必须是文字。' });
    const unchanged = await getSummary(handle.db, officer.scope, draft.id, { now });
    expect(unchanged.version).toBe(2);
    expect(unchanged.sections).toEqual(saved.sections);
  });

  it('a finalised summary keeps its figures when a report is corrected later; drift shows what moved', async () => {
    const draft = await draftSummary(handle.db, officer, { countyId: places.countyA.id, year: 2026, upToQuarter: 4 }, { now });
    const final = await finalizeSummary(handle.db, officer, { id: draft.id, version: 1 }, { now });
    expect(final).toMatchObject({ status: 'final', version: 2, figuresFrozen: true });
    expect(final.finalizedAt).not.toBeNull();
    const frozenElectricity = final.figures.electricity_kwh!.value!;
    const otherDraft = await draftSummary(handle.db, officer, { countyId: places.countyA.id, year: 2026, upToQuarter: 4 }, { now });

    // The bureau reopens one approved report and corrects its electricity use.
    const target = schools[0]!;
    await reopenReport(handle.db, SYSTEM_ACTOR, { schoolId: target.id, period: '2026Q2', reason: '用电量录入有误' });
    const current = await handle.db
      .selectFrom('reports')
      .select(['version', 'values'])
      .where('schoolId', '=', target.id)
      .where('period', '=', '2026Q2')
      .executeTakeFirstOrThrow();
    const corrected = (current.values.electricity_kwh as number) + 5000;
    let version = (
      await saveReport(
        handle.db,
        SYSTEM_ACTOR,
        { schoolId: target.id, period: '2026Q2', version: current.version, values: { electricity_kwh: corrected } },
        { returning: 'version' },
      )
    ).version;
    const view = await saveReport(handle.db, SYSTEM_ACTOR, { schoolId: target.id, period: '2026Q2', version, values: {} });
    const warnings = Object.fromEntries(view.issues.filter((i) => i.severity === 'warning').map((w) => [w.code, '已核实。']));
    version = (
      await saveReport(
        handle.db,
        SYSTEM_ACTOR,
        { schoolId: target.id, period: '2026Q2', version: view.version, values: {}, explanations: warnings },
        { returning: 'version' },
      )
    ).version;
    version = (await submitReport(handle.db, SYSTEM_ACTOR, { schoolId: target.id, period: '2026Q2', version }, { returning: 'version' })).version;
    await approveReport(handle.db, SYSTEM_ACTOR, { schoolId: target.id, period: '2026Q2', version });

    const again = await getSummary(handle.db, officer.scope, final.id, { now });
    expect(again.figures.electricity_kwh!.value).toBe(frozenElectricity);
    expect(again.figures).toEqual(final.figures);
    expect(again.tables).toEqual(final.tables);
    const drift = await summaryDrift(handle.db, officer.scope, final.id, { now });
    const moved = drift.drift.find((d) => d.id === 'electricity_kwh')!;
    expect(moved).toMatchObject({ kind: 'changed', frozen: { value: frozenElectricity } });
    expect(moved.live!.value! - frozenElectricity).toBeCloseTo(5000, 6);
    expect(drift.drift.map((d) => d.id)).not.toContain('water_m3');
    // A draft follows the live data.
    const live = await getSummary(handle.db, officer.scope, otherDraft.id, { now });
    expect(live.figures.electricity_kwh!.value! - otherDraft.figures.electricity_kwh!.value!).toBeCloseTo(5000, 6);
    expect((await summaryDrift(handle.db, officer.scope, otherDraft.id, { now })).drift).toEqual([]);

    const locked = await rejection(saveSummary(handle.db, officer, { id: final.id, version: 2, sections: final.sections }, { now }));
    expect(locked).toMatchObject({ code: 'CONFLICT', message: '该总结已定稿，不能再修改。' });
    const twice = await rejection(finalizeSummary(handle.db, officer, { id: final.id, version: 2 }, { now }));
    expect(twice.code).toBe('CONFLICT');
    const actions = (
      await handle.db.selectFrom('auditLog').select('action').where('entity', '=', 'summary').where('entityId', '=', String(final.id)).orderBy('id').execute()
    ).map((a) => a.action);
    expect(actions).toEqual(['summary.draft', 'summary.finalize']);
  });

  it('drafts a school’s own summary for its principal, and keeps others out', async () => {
    const own = await draftSchoolSummary(handle.db, principal, { schoolId: schools[4]!.id, year: 2026 }, { now });
    expect(own.level).toBe('school');
    expect(own.title).toBe('甲县职业技术学校2026年后勤工作总结');
    expect(own.issuer).toBe('甲县职业技术学校');
    const raw = await storedReports(handle.db, [schools[4]!.id]);
    const plain = plainFigures(raw, schools, 4, [schools[4]!.id]);
    expectFiguresMatch(own, {
      liability_insured: plain.liability_insured,
      internship_rate: plain.internship_rate,
      energy_kgce: plain.energy_kgce,
      energy_change: plain.energy_change,
      issues_rectified: plain.issues_rectified,
    });
    expect((await getSummary(handle.db, principal.scope, own.id, { now })).id).toBe(own.id);
    expect((await listSummaries(handle.db, principal.scope, { countyId: places.countyA.id })).map((s) => s.id)).toEqual([own.id]);

    const county = await draftSummary(handle.db, officer, { countyId: places.countyA.id, year: 2026 }, { now });
    expect((await rejection(getSummary(handle.db, principal.scope, county.id))).code).toBe('NOT_FOUND');
    expect((await rejection(draftSchoolSummary(handle.db, principal, { schoolId: schools[0]!.id, year: 2026 }))).code).toBe('NOT_FOUND');
    expect((await rejection(draftSummary(handle.db, principal, { countyId: places.countyA.id, year: 2026 }))).code).toBe('FORBIDDEN');
    expect((await rejection(getSummary(handle.db, otherCounty(), county.id))).code).toBe('NOT_FOUND');
    expect((await rejection(saveSummary(handle.db, { ...officer, scope: otherCounty() }, { id: county.id, version: 1, sections: county.sections }))).code).toBe(
      'NOT_FOUND',
    );
    const listed = await listSummaries(handle.db, officer.scope, { countyId: places.countyA.id });
    expect(listed.map((s) => s.id)).toContain(own.id);
    expect(listed.map((s) => s.id)).toContain(county.id);
  });

  it('drafts a city’s summary across its counties for a city bureau only', async () => {
    const city = await draftSummary(handle.db, cityOfficer(), { cityId: places.cityA.id, year: 2026 }, { now });
    expect(city.level).toBe('city');
    expect(city.countyId).toBeNull();
    expect(city.title).toBe('甲市教育局2026年学校后勤工作总结');
    const raw = await storedReports(
      handle.db,
      [...schools, ...neighbours].map((s) => s.id),
    );
    const plain = plainFigures(raw, [...schools, ...neighbours], 4);
    expectFiguresMatch(city, {
      electricity_kwh: plain.electricity_kwh,
      liability_rate: plain.liability_rate,
      energy_change: plain.energy_change,
      schools_total: 10,
    });
    expect(city.tables.find((t) => t.id === 'counties')!.rows.map((r) => r[0])).toEqual(['甲县', '丙县']);
    expect((await rejection(draftSummary(handle.db, officer, { cityId: places.cityA.id, year: 2026 }))).code).toBe('NOT_FOUND');
    expect((await rejection(getSummary(handle.db, officer.scope, city.id))).code).toBe('NOT_FOUND');
    expect((await listSummaries(handle.db, cityOfficer().scope, { cityId: places.cityA.id })).map((s) => s.id)).toEqual([city.id]);
    const notCity = await rejection(draftSummary(handle.db, cityOfficer(), { cityId: places.countyA.id, year: 2026 }));
    expect(notCity).toMatchObject({ code: 'BAD_REQUEST', message: '“甲县”不是市级单位：市级总结请选择一个市。' });
  });

  it('answers a county, city or unit out of scope exactly as a missing one, naming none', async () => {
    const empty = await createOrgUnit(handle.db, SYSTEM_ACTOR, { parentId: places.province.id, level: 'city', code: '511800', name: '空市' });
    const answer = async (call: Promise<unknown>) => {
      const error = await rejection(call);
      return { code: error.code, message: error.message };
    };
    const noCounty = { code: 'NOT_FOUND', message: '县（市、区）不存在。' };
    const noCity = { code: 'NOT_FOUND', message: '市级单位不存在。' };
    for (const countyId of [places.countyB.id, 999_999]) {
      expect(await answer(draftSummary(handle.db, officer, { countyId, year: 2026 }))).toEqual(noCounty);
      expect(await answer(listSummaries(handle.db, officer.scope, { countyId }))).toEqual(noCounty);
    }
    // Another city, an empty one, another bureau's county given as a city (its name must not show), none at all.
    for (const cityId of [places.cityB.id, empty.id, places.countyB.id, 999_999]) {
      expect(await answer(draftSummary(handle.db, officer, { cityId, year: 2026 }))).toEqual(noCity);
      expect(await answer(listSummaries(handle.db, officer.scope, { cityId }))).toEqual(noCity);
    }
  });

  it('writes part 二 the way a bureau does: the schools counted, their own explanation as the cause, the names in the appendix', async () => {
    // The nine-year school explains its liability shortfall on its Q4 report (reopened, explained, approved again).
    const nine = schools[3]!;
    await reopenReport(handle.db, SYSTEM_ACTOR, { schoolId: nine.id, period: '2026Q4', reason: '请补充情况说明' });
    const current = await handle.db
      .selectFrom('reports')
      .select(['version', 'explanations'])
      .where('schoolId', '=', nine.id)
      .where('period', '=', '2026Q4')
      .executeTakeFirstOrThrow();
    const explanations = { ...current.explanations, liability_insured: `${nine.name}有12名转学新生尚未办理参保手续。` };
    let version = (
      await saveReport(
        handle.db,
        SYSTEM_ACTOR,
        { schoolId: nine.id, period: '2026Q4', version: current.version, values: {}, explanations },
        { returning: 'version' },
      )
    ).version;
    version = (await submitReport(handle.db, SYSTEM_ACTOR, { schoolId: nine.id, period: '2026Q4', version }, { returning: 'version' })).version;
    await approveReport(handle.db, SYSTEM_ACTOR, { schoolId: nine.id, period: '2026Q4', version });

    const view = await draftSummary(handle.db, officer, { countyId: places.countyA.id, year: 2026, upToQuarter: 4 }, { now });
    const text = [
      view.title,
      ...view.sections.flatMap(function walk(s): string[] {
        return [s.title, ...s.paragraphs.map((p) => renderText(p.text, view.figures)), ...s.children.flatMap(walk)];
      }),
    ].join('\n');
    const problems = text.slice(text.indexOf('存在的问题'), text.indexOf('下一步工作打算'));
    expect(problems).toContain(
      '个别学校未达到“每所学校校方责任险参保率达到100%”的目标，实际为98.6%，据有关学校说明，主要原因是：该校有12名转学新生尚未办理参保手续',
    );
    for (const s of schools) {
      expect(problems, s.name).not.toContain(s.name);
      expect(text.slice(0, text.indexOf('取得的成绩')), s.name).not.toContain(s.name);
    }
    expect(text).not.toMatch(/[≥≤=<>]/);
    const appendix = view.tables.find((t) => t.id === 'missed-schools')!;
    expect(appendix.rows).toContainEqual(['甲县柳溪九年制学校', '校方责任险参保率', '达到100%', '98.6%', '该校有12名转学新生尚未办理参保手续']);
    expect(
      appendix.rows
        .filter((r) => r[1] === '季度报表')
        .map((r) => `${r[0]}：${r[3]}`)
        .sort(),
    ).toEqual(['甲县机关幼儿园：第三季度报表尚未审核通过', '甲县河口小学：第四季度报表尚未审核通过', '甲县职业技术学校：第二季度报表未按期报送'].sort());
  });

  it('lets a bureau admin name the issuing unit, used in new drafts; a final summary keeps the name it was issued under', async () => {
    const admin: Actor = { userId: null, role: 'bureau_admin', scope: { kind: 'counties', countyIds: [places.countyA.id] } };
    const draft = await draftSummary(handle.db, officer, { countyId: places.countyA.id, year: 2026, upToQuarter: 2 }, { now });
    const final = await finalizeSummary(handle.db, officer, { id: draft.id, version: 1 }, { now });
    expect(final).toMatchObject({ title: '甲县教育局2026年上半年学校后勤工作总结', issuer: '甲县教育局' });
    expect(await issuingUnit(handle.db, admin, places.countyA.id)).toEqual({
      countyId: places.countyA.id,
      issuingUnit: '甲县教育局',
      custom: false,
      defaultName: '甲县教育局',
    });

    for (const [value, message] of [
      ['  ', '发文单位名称不能为空（如“青石县教育局”“青石县教育和体育局”）。'],
      ['教'.repeat(41), '发文单位名称不能超过40个字。'],
      ['甲县教育局/体育局', '发文单位名称不能含有 \\ / : * ? " < > | 或换行等字符（会用在文件名中）。'],
      [42, '发文单位名称必须是文字。'],
    ] as const) {
      const error = await rejection(setIssuingUnit(handle.db, admin, { countyId: places.countyA.id, issuingUnit: value }));
      expect(error).toMatchObject({ code: 'BAD_REQUEST', field: 'issuingUnit', message });
    }
    expect((await issuingUnit(handle.db, admin, places.countyA.id)).custom).toBe(false);
    expect((await rejection(setIssuingUnit(handle.db, admin, { countyId: places.countyB.id, issuingUnit: '乙县教育局' }))).code).toBe('NOT_FOUND');

    expect(await setIssuingUnit(handle.db, admin, { countyId: places.countyA.id, issuingUnit: ' 甲县教育和体育局 ' })).toMatchObject({
      issuingUnit: '甲县教育和体育局',
      custom: true,
    });
    const audit = await handle.db.selectFrom('auditLog').select(['action', 'before', 'after']).where('action', '=', 'settings.issuing_unit').execute();
    expect(audit.at(-1)).toMatchObject({ before: { issuingUnit: '甲县教育局' }, after: { issuingUnit: '甲县教育和体育局' } });

    const renamed = await draftSummary(handle.db, officer, { countyId: places.countyA.id, year: 2026, upToQuarter: 3 }, { now });
    expect(renamed).toMatchObject({ title: '甲县教育和体育局2026年前三季度学校后勤工作总结', issuer: '甲县教育和体育局' });
    expect(await getSummary(handle.db, officer.scope, final.id, { now })).toMatchObject({ issuer: '甲县教育局' });
    // Setting the default name back clears the setting.
    expect(await setIssuingUnit(handle.db, admin, { countyId: places.countyA.id, issuingUnit: '甲县教育局' })).toMatchObject({ custom: false });
  });
});
