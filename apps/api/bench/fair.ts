import type { Database, Kysely } from '@oversight/db';
import type { ProvinceSummary } from '@oversight/db/province';
import { callerFor, signedIn, typicalCounty, YEAR } from './reads.js';
import type { Figure } from './report.js';
import { time } from './stats.js';

const INDICATOR = 'electricity_kwh';

/**
 * The fair comparison (issue 17): the province's fit (a refit, as after any approval: the kept fit removed before
 * each run) and the league tables read with scores once the fit is kept, county and province.
 */
export async function fairComparison(db: Kysely<Database>, province: ProvinceSummary, runs: number): Promise<Figure[]> {
  const county = typicalCounty(province);
  const officer = callerFor(db, await signedIn(db, county.officer.id));
  const provinceOfficer = callerFor(db, await signedIn(db, province.provinceOfficer.id));
  const schools = province.counties.reduce((t, c) => t + c.schools, 0);
  const forget = () => db.deleteFrom('countyFigures').where('key', 'like', 'comparison|%').execute();

  const fit = await time(
    async () => {
      await forget();
      await officer.analytics.model({ countyId: county.id, year: YEAR, indicator: INDICATOR });
    },
    runs,
    1,
  );
  const model = await officer.analytics.model({ countyId: county.id, year: YEAR, indicator: INDICATOR });
  if (model.reason !== null) throw new Error(`模型未能拟合：${model.reason}`);
  const countyLeague = await time(
    () => officer.analytics.ranking({ countyId: county.id, year: YEAR, indicator: INDICATOR, adjusted: true, sortBy: 'score' }),
    30,
  );
  const provinceLeague = await time(() => provinceOfficer.analytics.ranking({ year: YEAR, indicator: INDICATOR, adjusted: true, sortBy: 'score' }), runs, 1);
  const table = await provinceOfficer.analytics.ranking({ year: YEAR, indicator: INDICATOR, adjusted: true, sortBy: 'score' });
  const scored = table.rows.filter((r) => r.score !== null).length;
  const note = `全省 ${schools} 所学校，模型依据 ${model.n} 所（R² ${model.r2?.toFixed(3)}，${model.outliers.length} 所本县偏离模型）`;
  return [
    { name: '公平比较：全省模型拟合（审核后首次读取）', ...fit, unit: 'ms', target: { p95AtMost: 1000 }, baseline: null, note },
    { name: '县排行榜（含能效得分）', ...countyLeague, unit: 'ms', target: { p95AtMost: 50 }, baseline: null, note: `${county.schools} 所学校` },
    {
      name: '全省排行榜（含能效得分）',
      ...provinceLeague,
      unit: 'ms',
      target: { p95AtMost: 300 },
      baseline: null,
      note: `${table.rows.length} 行，${scored} 所有得分`,
    },
  ];
}
