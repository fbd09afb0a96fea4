import { describeUser, getUser, importReports, type Database, type Kysely } from '@oversight/db';
import type { ProvinceSummary } from '@oversight/db/province';
import type { ImportRecord, Period } from '@oversight/domain';
import type { Figure } from './report.js';

/**
 * County-sheet import: the largest county's figures for a new quarter (its last quarter's values), as the sheet
 * reader hands them over, through importReports (every catalogue rule, one transaction), as drafts.
 */
export async function countyImport(db: Kysely<Database>, province: ProvinceSummary): Promise<Figure> {
  const county = [...province.counties].sort((a, b) => b.schools - a.schools)[0]!;
  const user = await describeUser(db, (await getUser(db, county.officer.id))!);
  const last = province.periods.at(-1)!;
  const rows = await db
    .selectFrom('reports')
    .innerJoin('schools', 'schools.id', 'reports.schoolId')
    .select(['schools.code', 'reports.values'])
    .where('reports.countyId', '=', county.id)
    .where('reports.period', '=', last)
    .execute();
  const period: Period = province.nextPeriod;
  const records: ImportRecord[] = rows.map((r, i) => {
    const at = (column: string) => ({ sheet: '县汇总', row: i + 2, column });
    return {
      template: 'county',
      schoolCode: r.code,
      schoolAt: at('A'),
      period,
      periodAt: at('B'),
      cells: Object.entries(r.values).map(([code, raw], c) => ({ code, raw: raw as string | number | boolean, at: at(String(c)) })),
    };
  });
  const values = records.reduce((t, r) => t + r.cells.length, 0);
  const started = performance.now();
  const result = await importReports(db, { userId: user.id, role: user.role, scope: user.scope }, records, {
    mode: 'draft',
    fileName: 'bench.xlsx',
    fileHash: 'b'.repeat(64),
  });
  const seconds = (performance.now() - started) / 1000;
  if (!result.ok) throw new Error(`导入失败：${result.errors[0]?.message}`);
  const rate = values / seconds;
  return {
    name: '县汇总表导入',
    median: rate,
    p95: rate,
    samples: 1,
    unit: 'values/s',
    target: { atLeast: 50_000 },
    baseline: null,
    note: `${records.length} 份报表，${values} 个数值，${(seconds * 1000).toFixed(0)} ms（校验+入库，不含解析xlsx）`,
  };
}
