import { describe, expect, it } from 'vitest';
import {
  buildSummary,
  figureDrift,
  outline,
  renderText,
  summarySectionsInput,
  summaryText,
  unknownFigures,
  type FigureMap,
  type SummaryDocument,
  type SummaryInput,
  type SummarySection,
} from '../src/index.js';
import { COUNTY, countyInput, fixtureReports, fixtureSchools, plainFigures, TARGETS_2026, type StoredReport } from './summary-fixture.js';

const independent = (stored: readonly StoredReport[], upTo: number, schoolIds?: readonly number[]) => plainFigures(stored, fixtureSchools(), upTo, schoolIds);

function expectFigures(doc: SummaryDocument, expected: Record<string, number>) {
  for (const [id, value] of Object.entries(expected)) {
    const figure = doc.figures[id];
    expect(figure, `figure ${id} missing`).toBeDefined();
    expect(figure!.value, id).toBeCloseTo(value, 6);
  }
}

function allText(doc: SummaryDocument): string {
  return summaryText(doc.title, doc.sections, doc.figures);
}

describe.each([4, 3] as const)('a county summary up to quarter %i', (upTo) => {
  const stored = fixtureReports();
  const doc = buildSummary(countyInput(upTo, stored));
  const plain = independent(stored, upTo);

  it('quotes every figure as computed independently from the stored reports', () => {
    expectFigures(doc, plain);
  });

  it('states how many schools’ reports it rests on and which are missing or late', () => {
    expect(doc.basis.schools).toBe(7);
    expect(doc.basis.complete).toBe(plain.schools_complete);
    // The figures keep the names (for tracing); the opening counts them and the appendix lists them.
    const missing = doc.figures.reports_missing!;
    expect(missing.names).toEqual(upTo === 4 ? ['青石县河口小学', '青石县机关幼儿园'] : ['青石县机关幼儿园']);
    expect(missing.text).toBe(upTo === 4 ? '2所' : '1所');
    expect(doc.figures.reports_late!.names).toEqual(['青石县职业技术学校']);
    const opening = renderText(doc.sections[0]!.paragraphs[1]!.text, doc.figures);
    expect(opening).toBe(
      upTo === 4
        ? '本总结数据取自全县7所学校第一至第四季度经审核通过的季度报表，其中5所学校各季度报表均已审核通过；另有2所学校有季度报表尚未审核通过，相关数据未计入（名单见附件）。'
        : '本总结数据取自全县7所学校第一至第三季度经审核通过的季度报表，其中6所学校各季度报表均已审核通过；另有1所学校有季度报表尚未审核通过，相关数据未计入（名单见附件）。',
    );
    const appendix = doc.tables[0]!;
    expect(appendix.rows).toContainEqual(['青石县机关幼儿园', '季度报表', '按期报送并审核通过', '第三季度报表尚未审核通过', '']);
    expect(appendix.rows).toContainEqual(['青石县职业技术学校', '季度报表', '按期报送并审核通过', '第二季度报表未按期报送', '']);
  });

  it('writes the figures the way bureau documents do', () => {
    const f = doc.figures;
    expect(f.liability_schools!.text).toBe('7所');
    expect(f.liability_insured!.text).toBe(`${plain.liability_insured}人`);
    // 9548 of 9560: 99.87…% is short of 100% and must not be written “100%”.
    expect(f.liability_rate!.text).toBe('99.9%');
    expect(f.greening_investment!.text).toBe(`${Number((plain.greening_investment / 10_000).toFixed(2))}万元`);
    expect(f.plants_planted!.text).toBe(`${Number((plain.plants_planted / 10_000).toFixed(2))}万株`);
    expect(f.green_area_added!.text).toBe(`${Number((plain.green_area_added / (10_000 / 15)).toFixed(2))}亩`);
    expect(f.energy_kgce!.text).toBe(`${Number((plain.energy_kgce / 1000).toFixed(2))}吨标准煤`);
    expect(f.energy_change!.text).toBe(`增长${Number(plain.energy_change.toFixed(1))}%`);
    expect(f.water_change!.text).toBe(`降低${Number((-plain.water_change).toFixed(1))}%`);
  });

  it('makes every figure traceable: approved reports of the window, the schools it rests on', () => {
    const window = Array.from({ length: upTo }, (_, i) => `2026Q${i + 1}`);
    const ids = new Set(fixtureSchools().map((s) => s.id));
    for (const figure of Object.values(doc.figures)) {
      expect(figure.source.statuses).toEqual(['approved']);
      expect(figure.source.description.length, figure.id).toBeGreaterThan(4);
      for (const id of figure.source.schoolIds) expect(ids.has(id), figure.id).toBe(true);
      for (const p of figure.source.periods) expect(window, figure.id).toContain(p);
    }
    expect(doc.figures.liability_rate!.source).toMatchObject({
      method: 'ratio_of_sums',
      indicator: 'liability_rate',
      description: `校方责任险参保人数之和 ÷ 在校学生数之和 × 100%（各校${upTo === 4 ? '第一至第四季度' : '第一至第三季度'}数据）`,
    });
    expect(doc.figures.energy_change!.source.comparedPeriods).toEqual(window.map((p) => p.replace('2026', '2025')));
    // School 6's Q3 was returned: in a year up to Q3 its figures rest on Q1–Q2 only.
    expect(doc.figures.electricity_kwh!.source.schoolIds).toHaveLength(7);
    expect(unknownFigures(doc.sections, doc.figures)).toEqual([]);
  });

  it('measures each figure against its target', () => {
    const text = allText(doc);
    const reached = upTo === 4 ? '完成' : '已达到';
    const missed = upTo === 4 ? '未完成' : '尚未达到';
    expect(text).toContain(`参保率${doc.figures.accident_rate!.text}，${reached}“全县学平险参保率达到90%以上”目标`);
    expect(text).toContain(`个别学校${upTo === 4 ? '未达到' : '尚未达到'}“每所学校校方责任险参保率达到100%”目标`);
    expect(text).toContain(`${missed}“全县综合能耗较上年降低5%以上”目标`);
    const share = TARGETS_2026.find((t) => t.measure === 'status_share')!;
    expect(doc.figures[`target_${share.id}`]!.value).toBeCloseTo((plain.grade_A / 6) * 100, 6);
    // Every target of the year is stated exactly once in section 一.
    const achievements = text.slice(0, text.indexOf('二、存在的问题'));
    for (const t of TARGETS_2026) {
      const label = doc.figures[`target_${t.id}`]!.target!.label.replace(/“/g, '‘').replace(/”/g, '’');
      expect(achievements.split(`“${label}”`).length - 1, label).toBe(1);
    }
  });

  it('states the problems by how many schools they concern, with the figure; the appendix names the schools', () => {
    const text = allText(doc);
    const problems = text.slice(text.indexOf('二、存在的问题'), text.indexOf('三、下一步工作打算'));
    expect(problems).toContain('二、存在的问题');
    expect(problems).toContain('有关学校名单见附件。');
    expect(problems).toContain('职业学校实习责任险参保率偏低');
    expect(problems).toContain('个别学校顶岗实习学生未做到人人参保');
    expect(problems).toContain('个别学校食堂食品安全量化等级为C级');
    expect(problems).toContain('个别学校存在代收学平险保费的情况');
    expect(problems).toMatch(/个别学校综合能耗较上年(同期)?增长\d+(\.\d)?%，增幅超过20%/);
    // School 4 insured 828 of its 840 students: 98.57…%.
    expect(problems).toContain(`个别学校${upTo === 4 ? '未达到' : '尚未达到'}“每所学校校方责任险参保率达到100%”的目标，实际为98.6%`);
    expect(problems).toContain('个别学校报表未按期报送');
    // Item list: “1.标题。正文”.
    expect(problems).toMatch(/\n1\.部分指标(尚未达到|未完成)年度目标。/);
  });

  it('plans next year from its targets', () => {
    const text = allText(doc);
    const plans = text.slice(text.indexOf('三、下一步工作打算'));
    expect(plans).toContain('2027年，力争全县综合能耗较上年降低15%以上。');
    expect(plans).toContain('2027年，力争全县新增绿地面积30亩。');
    if (upTo === 3) expect(plans).toContain('全力确保完成“全县综合能耗较上年降低5%以上”的全年目标');
  });

  it('follows the wording rules: full-width punctuation, no sentence about nothing, no broken link', () => {
    const text = allText(doc);
    expect(text).not.toMatch(/[,;:?!()]/);
    expect(text).not.toMatch(/(^|[^\d.])0(所|人|起|次|万元|元|株|亩)/);
    expect(text).not.toContain('【数据缺失');
    expect(text).not.toContain('““');
    expect(text).not.toMatch(/\d,\d{3}/);
    if (upTo === 3) expect(doc.title).toBe('青石县教育局2026年前三季度学校后勤工作总结');
    else expect(doc.title).toBe('青石县教育局2026年学校后勤工作总结');
    expect(text).toContain(upTo === 4 ? '2026年，全县共有7所学校参加校方责任险' : '2026年前三季度，全县共有7所学校参加校方责任险');
  });

  it('gives appendix tables per domain and chart data', () => {
    expect(doc.tables.map((t) => t.id)).toEqual(['missed-schools', 'schools-insurance', 'schools-energy', 'schools-green', 'schools-canteen']);
    const energy = doc.tables[2]!;
    expect(energy.rows).toHaveLength(7);
    const column = energy.columns.findIndex((c) => c.key === 'electricity_kwh');
    expect(energy.total![column]).toBeCloseTo(plain.electricity_kwh, 6);
    expect(energy.rows.reduce((t, r) => t + Number(r[column] ?? 0), 0)).toBeCloseTo(plain.electricity_kwh, 6);
    const green = doc.tables[3]!;
    const money = green.columns.findIndex((c) => c.key === 'greening_investment_yuan');
    expect(green.columns[money]!.label).toBe('绿化投入资金（万元）');
    expect(green.total![money]).toBeCloseTo(plain.greening_investment / 10_000, 6);
    const grades = doc.charts.find((c) => c.id === 'grade-distribution')!;
    expect(grades.series[0]!.values).toEqual([plain.grade_A, plain.grade_B, plain.grade_C, 0]);
    const trend = doc.charts.find((c) => c.id === 'energy-trend')!;
    expect(trend.categories).toHaveLength(upTo);
    const q1 = stored.filter((r) => r.period === '2026Q1' && r.status === 'approved');
    const q1Energy = q1.reduce(
      (t, r) => t + (r.values.electricity_kwh as number) * 0.1229 + (r.values.gas_m3 as number) * 1.2143 + (r.values.coal_kg as number) * 0.7143,
      0,
    );
    expect(trend.series[0]!.values[0]).toBeCloseTo(q1Energy / 1000, 2);
    const types = doc.charts.find((c) => c.id === 'rates-by-type')!;
    expect(types.categories).toEqual(['幼儿园', '小学', '初级中学', '九年一贯制学校', '高级中学', '中等职业学校']);
  });
});

describe('wording that varies with the data', () => {
  const single = (values: (s: StoredReport) => StoredReport) => {
    const schools = fixtureSchools().filter((s) => s.id === 3);
    const stored = fixtureReports()
      .filter((r) => r.schoolId === 3)
      .map(values);
    return buildSummary({ ...countyInput(4, stored), schools, targets: [], nextTargets: [] });
  };

  it('a county with one school reads right: no “均” for one, no counts of nothing', () => {
    const doc = single((r) => r);
    const text = allText(doc);
    expect(text).toContain('全县有食堂的1所学校已为食堂（小卖部）投保了食品安全责任险');
    expect(text).toContain('1所学校食堂食品安全量化等级为A级');
    expect(text).not.toMatch(/1所学校[^，。；]*均/);
    expect(text).not.toContain('0所');
    expect(text).toContain('2028年工作目标尚未设定'.replace('2028', '2027'));
    expect(text).toContain('本总结数据取自全县1所学校第一至第四季度经审核通过的季度报表，各校报表齐全。');
  });

  it('says nothing happened rather than “0起”, and drops clauses about zero', () => {
    const doc = single((r) => ({
      ...r,
      values: { ...r.values, injury_incidents: 0, injury_claims_settled: 0, injury_claims_paid_yuan: 0, issues_found: 0, issues_rectified: 0, gas_m3: 0 },
    }));
    const text = allText(doc);
    expect(text).toContain('全年全县学校未发生学生伤害事故');
    expect(text).toContain('未发现问题');
    expect(text).not.toContain('使用天然气');
    expect(text).not.toMatch(/(^|[^\d.])0(所|人|起|次|株|亩)/);
  });

  it('writes “用电量、用水量较上年均降低…” when both fell alike', () => {
    const now = new Map(
      fixtureReports()
        .filter((r) => r.schoolId === 3 && r.period.startsWith('2026'))
        .map((r) => [r.period.slice(-1), r.values]),
    );
    const doc = single((r) => {
      if (!r.period.startsWith('2025')) return r;
      const later = now.get(r.period.slice(-1))!;
      return { ...r, values: { ...r.values, electricity_kwh: (later.electricity_kwh as number) * 1.25, water_m3: (later.water_m3 as number) * 1.25 } };
    });
    const text = allText(doc);
    expect(text).toContain('用电量、用水量较上年均降低');
  });
});

describe('a school’s own summary', () => {
  const stored = fixtureReports();
  const base = countyInput(4, stored);
  const school = base.schools.find((s) => s.id === 5)!;
  const input: SummaryInput = {
    ...base,
    level: 'school',
    unit: { id: school.id, name: school.name },
    schools: [school],
    reports: base.reports.filter((r) => r.schoolId === 5),
    submissions: base.submissions.filter((s) => s.schoolId === 5),
  };
  const doc = buildSummary(input);

  it('speaks as 我校 and quotes the school’s own figures', () => {
    const plain = independent(stored, 4, [5]);
    expectFigures(doc, {
      liability_insured: plain.liability_insured,
      internship_rate: plain.internship_rate,
      electricity_kwh: plain.electricity_kwh,
      energy_kgce: plain.energy_kgce,
      energy_change: plain.energy_change,
      inspections: plain.inspections,
      issues_rectified: plain.issues_rectified,
    });
    const text = allText(doc);
    expect(doc.title).toBe('青石县职业技术学校2026年后勤工作总结');
    expect(text).toContain('一、主要工作及成效');
    expect(text).toContain('2026年，我校参加校方责任险，参保学生');
    expect(text).toContain('完成“我校校方责任险参保率达到100%”目标');
    expect(text).toContain('我校顶岗实习学生实习责任险参保率为80%，未做到人人参保');
    expect(text).toContain('我校第二季度报表未按期报送');
    expect(text).toContain('2027年，力争我校实习责任险参保率达到100%。');
    expect(text).not.toContain('全县');
    expect(text).not.toMatch(/我校[^。]*我校食堂从业/);
    expect(doc.tables.map((t) => t.id)).toEqual(['quarters']);
    expect(doc.tables[0]!.rows).toHaveLength(4);
  });

  it('refuses a school summary over several schools', () => {
    expect(() => buildSummary({ ...input, schools: base.schools })).toThrow('学校工作总结只能针对一所学校。');
  });
});

describe('a city’s summary across its counties', () => {
  const a = fixtureSchools(100);
  const b = fixtureSchools(200, 50, '白河县');
  const stored = [...fixtureReports(a), ...fixtureReports(b)];
  const doc = buildSummary({
    ...countyInput(4),
    level: 'city',
    unit: { id: 10, name: '青州市' },
    counties: [COUNTY, { id: 200, name: '白河县' }],
    schools: [...a, ...b],
    reports: stored.filter((r) => r.status === 'approved'),
    submissions: stored.filter((r) => r.period.startsWith('2026')),
  });

  it('adds up both counties, speaks of 全市 and names schools with their county', () => {
    const one = independent(fixtureReports(), 4);
    expect(doc.figures.electricity_kwh!.value).toBeCloseTo(2 * one.electricity_kwh, 6);
    expect(doc.figures.liability_rate!.value).toBeCloseTo(one.liability_rate, 6);
    expect(doc.figures.schools_total!.value).toBe(14);
    const text = allText(doc);
    expect(text).toContain('2026年，全市共有14所学校参加校方责任险');
    expect(text).toContain('白河县实验小学');
    expect(text).toContain('未完成“青石县综合能耗较上年降低5%以上”目标（实际为增长3%）');
    expect(doc.tables[0]!.id).toBe('missed-schools');
    expect(doc.tables[0]!.rows.map((r) => r[0])).toContain('白河县职业技术学校');
    expect(doc.tables[1]!.id).toBe('counties');
    expect(doc.tables[1]!.rows.map((r) => r[0])).toEqual(['青石县', '白河县']);
  });
});

describe('editing, numbering and drift', () => {
  it('numbers headings 一、（一）1. and runs items in', () => {
    const figures: FigureMap = {};
    const sections: SummarySection[] = [
      { id: 'o', title: '', paragraphs: [{ id: 'o1', text: '开头。' }], children: [] },
      {
        id: 'a',
        title: '取得的成绩',
        paragraphs: [],
        children: [
          { id: 'a1', title: '保险', paragraphs: [], children: [{ id: 'a11', title: '校方责任险', paragraphs: [{ id: 'p', text: '正文。' }], children: [] }] },
          { id: 'a2', title: '校园环境', paragraphs: [{ id: 'q', text: '自由撰写。' }], children: [] },
        ],
      },
      { id: 'b', title: '存在的问题', paragraphs: [], children: [{ id: 'b1', title: '问题甲', paragraphs: [{ id: 'r', text: '说明。' }], children: [] }] },
    ];
    expect(outline(sections, figures).map((e) => `${e.number}${e.title}${e.runIn ? '*' : ''}`)).toEqual([
      '',
      '一、取得的成绩',
      '（一）保险',
      '1.校方责任险*',
      '（二）校园环境',
      '二、存在的问题',
      '1.问题甲*',
    ]);
    expect(summaryText('标题', sections, figures)).toBe(
      '标题\n开头。\n一、取得的成绩\n（一）保险\n1.校方责任险。正文。\n（二）校园环境\n自由撰写。\n二、存在的问题\n1.问题甲。说明。',
    );
  });

  it('keeps figures linked through edits and marks a broken link', () => {
    const doc = buildSummary(countyInput(4));
    const edited: SummarySection[] = JSON.parse(JSON.stringify(doc.sections));
    const item = edited[1]!.children[0]!.children[0]!;
    item.paragraphs[0]!.text = `经努力，参保率达到{{fig:liability_rate}}。{{fig:nonexistent}}`;
    expect(renderText(item.paragraphs[0]!.text, doc.figures)).toBe(`经努力，参保率达到${doc.figures.liability_rate!.text}。【数据缺失：nonexistent】`);
    expect(unknownFigures(edited, doc.figures)).toEqual(['nonexistent']);
    expect(summarySectionsInput.safeParse(edited).success).toBe(true);
  });

  it('refuses malformed sections with a Chinese message', () => {
    const deep = (n: number): SummarySection => ({ id: `s${n}`, title: '标题', paragraphs: [], children: n ? [deep(n - 1)] : [] });
    const result = summarySectionsInput.safeParse([deep(5)]);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toBe('标题层级最多四级（一、（一）1.（1））。');
    expect(summarySectionsInput.safeParse([]).error!.issues[0]!.message).toBe('总结至少要有一个部分。');
    expect(summarySectionsInput.safeParse([{ id: 'a', title: 1, paragraphs: [], children: [] }]).error!.issues[0]!.message).toBe('标题必须是文字。');
  });

  it('shows where live data drifted from frozen figures', () => {
    const stored = fixtureReports();
    const frozen = buildSummary(countyInput(4, stored)).figures;
    expect(figureDrift(frozen, buildSummary(countyInput(4, stored)).figures)).toEqual([]);
    const corrected = stored.map((r) =>
      r.schoolId === 1 && r.period === '2026Q2' ? { ...r, values: { ...r.values, electricity_kwh: (r.values.electricity_kwh as number) + 10_000 } } : r,
    );
    const drift = figureDrift(frozen, buildSummary(countyInput(4, corrected)).figures);
    const ids = drift.map((d) => d.id);
    expect(ids).toContain('electricity_kwh');
    expect(ids).toContain('energy_kgce');
    expect(ids).not.toContain('water_m3');
    const electricity = drift.find((d) => d.id === 'electricity_kwh')!;
    expect(electricity.kind).toBe('changed');
    expect(electricity.live!.value! - electricity.frozen!.value!).toBeCloseTo(10_000, 6);
  });
});
