import {
  AppError,
  conflict,
  evaluateFormula,
  groupMedian,
  INDICATORS,
  isOverseer,
  normaliseValues,
  periodLabel,
  reportInputs,
  sameQuarterLastYear,
  scopeIncludesSchool,
  validateReport,
  type CellRef,
  type ImportFinding,
  type ImportRecord,
  type Period,
  type ReportValues,
  type Role,
  REPORT_STATUS_LABELS,
} from '@oversight/domain';
import { sql, type Kysely } from 'kysely';
import type { Database, Report, ReportStatus, School } from '../schema.js';
import type { Actor } from './actor.js';

/**
 * Bulk import of quarterly figures from a spreadsheet (already parsed into records by the domain's
 * parseWorkbook). Every catalogue rule runs on every record; a file with any error stores nothing; a clean
 * file creates or updates drafts (or, for the bureau's historical import, approved reports) in one transaction,
 * with the database work batched so a county sheet of hundreds of schools takes a fraction of a second.
 * A record whose values equal what is stored changes nothing: importing the same file twice bumps no version
 * and writes no audit entry.
 *
 * Templates carry each report's version as of download (the 版本 cell). A record that would change a report whose
 * version is no longer the file's (someone saved after the download) is an error: the file stores nothing rather
 * than overwrite that save. The check reads the reports locked for update, in the transaction that writes them.
 * A record without a version (a sheet typed by hand) is applied on top of the stored report, with a warning.
 */

export type ImportMode = 'draft' | 'approved';

export interface ImportOptions {
  mode: ImportMode;
  /** Recorded in the audit log. */
  fileName: string;
  fileHash: string;
  /** Check everything, store nothing (for the annotated error report, or when the file already has errors). */
  dryRun?: boolean;
  now?: Date;
}

export interface ImportResult {
  ok: boolean;
  /** Reports created or changed. */
  stored: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Records with no value at all (a school left blank in the county sheet). */
  skipped: number;
  errors: ImportFinding[];
  warnings: ImportFinding[];
}

const CHUNK = 500;

const place = (ref: CellRef) => `${ref.sheet}!${ref.column}${ref.row}`;
const finding = (ref: CellRef, code: string, rule: string, message: string): ImportFinding => ({ sheet: ref.sheet, row: ref.row, column: ref.column, code, rule, message });

interface Planned {
  school: School;
  period: Period;
  existing: Report | undefined;
  values: ReportValues;
  status: ReportStatus;
  approve: boolean;
}

function sameValues(a: ReportValues, b: ReportValues): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

function diff(before: ReportValues, after: ReportValues) {
  const codes = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((c) => before[c] !== after[c]);
  return {
    before: Object.fromEntries(codes.map((c) => [c, before[c] ?? null])),
    after: Object.fromEntries(codes.map((c) => [c, after[c] ?? null])),
  };
}

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const PEER_INDICATORS = INDICATORS.filter((i) => i.peerFactor && i.formula);

/**
 * Same-type peers' values of the peer-compared indicators, per county, type and quarter, from submitted and
 * approved reports: one query for the whole file. medianFor leaves the school itself out, like the form does.
 */
async function peerTable(db: Kysely<Database>, countyIds: number[], periods: Period[]) {
  const groups = new Map<string, Map<string, { schoolId: number; value: number }[]>>();
  if (countyIds.length && periods.length && PEER_INDICATORS.length) {
    const rows = await db
      .selectFrom('reports')
      .innerJoin('schools', 'schools.id', 'reports.schoolId')
      .select(['reports.schoolId', 'reports.countyId', 'reports.period', 'reports.values', 'schools.type', 'schools.hasCanteen', 'schools.buildingAreaM2', 'schools.siteAreaM2'])
      .where('reports.countyId', 'in', countyIds)
      .where('reports.period', 'in', periods)
      .where('reports.status', 'in', ['submitted', 'approved'])
      .execute();
    for (const row of rows) {
      const key = `${row.countyId}|${row.type}|${row.period}`;
      const group = groups.get(key) ?? new Map<string, { schoolId: number; value: number }[]>();
      groups.set(key, group);
      for (const ind of PEER_INDICATORS) {
        const value = evaluateFormula(ind.formula!, reportInputs(row.values, row), row.period as Period);
        if (value === null) continue;
        const list = group.get(ind.code) ?? [];
        group.set(ind.code, list);
        list.push({ schoolId: row.schoolId, value });
      }
    }
  }
  return (school: School, period: Period): Record<string, number> => {
    const medians: Record<string, number> = {};
    const group = groups.get(`${school.countyId}|${school.type}|${period}`);
    for (const [code, list] of group ?? []) {
      const median = groupMedian(list.filter((p) => p.schoolId !== school.id).map((p) => p.value));
      if (median !== null) medians[code] = median;
    }
    return medians;
  };
}

/** Checks (and, when clean and not a dry run, stores) the records of one file. */
export async function importReports(db: Kysely<Database>, actor: Actor, records: readonly ImportRecord[], options: ImportOptions): Promise<ImportResult> {
  if (options.mode === 'approved' && !isOverseer(actor.role)) {
    throw new AppError('FORBIDDEN', '只有教育局账号可以导入已审核的历史数据（导入方式“approved”）；学校请按草稿导入。', 'mode');
  }
  const now = options.now ?? new Date();
  const errors: ImportFinding[] = [];
  const warnings: ImportFinding[] = [];
  const counts = { created: 0, updated: 0, unchanged: 0, skipped: 0 };

  return db.transaction().execute(async (trx) => {
    const codes = [...new Set(records.map((r) => r.schoolCode))];
    const schools = new Map<string, School>();
    for (const part of chunks(codes)) {
      for (const s of await trx.selectFrom('schools').selectAll().where('code', 'in', part).execute()) schools.set(s.code, s);
    }

    // Which school and quarter each record is, refusing unknown, foreign, closed and repeated ones.
    const resolved: { record: ImportRecord; school: School }[] = [];
    const seen = new Map<string, ImportRecord>();
    for (const record of records) {
      const school = schools.get(record.schoolCode);
      if (!school || !scopeIncludesSchool(actor.scope, school)) {
        // A school outside the caller's scope reads like an unknown one: its name is not disclosed.
        const message = school ? `学校标识码 ${record.schoolCode} 不在您的管辖范围内，不能导入。` : `学校标识码 ${record.schoolCode} 不存在，请核对。`;
        errors.push(finding(record.schoolAt, 'school_code', school ? 'scope' : 'unknown', message));
        continue;
      }
      if (!school.active) {
        errors.push(finding(record.schoolAt, 'school_code', 'inactive', `${school.name}（${school.code}）已停用，不能导入数据。`));
        continue;
      }
      const key = `${school.id}|${record.period}`;
      const first = seen.get(key);
      if (first) {
        errors.push(finding(record.schoolAt, 'school_code', 'duplicate', `${school.name}${periodLabel(record.period)}的数据在文件中出现了两次（另见${place(first.schoolAt)}）。`));
        continue;
      }
      seen.set(key, record);
      resolved.push({ record, school });
    }

    const ids = [...new Set(resolved.map((r) => r.school.id))];
    const periods = [...new Set(resolved.map((r) => r.record.period))];
    const existing = new Map<string, Report>();
    const lastYear = new Map<string, ReportValues>();
    for (const part of chunks(ids)) {
      if (!periods.length) break;
      const current = await trx
        .selectFrom('reports')
        .selectAll()
        .where('schoolId', 'in', part)
        .where('period', 'in', periods)
        .$if(!options.dryRun, (q) => q.forUpdate())
        .execute();
      for (const r of current) existing.set(`${r.schoolId}|${r.period}`, r);
      const earlier = await trx
        .selectFrom('reports')
        .select(['schoolId', 'period', 'values'])
        .where('schoolId', 'in', part)
        .where('period', 'in', periods.map(sameQuarterLastYear))
        .where('status', 'in', ['submitted', 'approved'])
        .execute();
      for (const r of earlier) lastYear.set(`${r.schoolId}|${r.period}`, r.values);
    }
    const peersOf = await peerTable(trx, [...new Set(resolved.map((r) => r.school.countyId))], periods);

    const planned: Planned[] = [];
    for (const { record, school } of resolved) {
      // County rows are named by their row; a school template is one report.
      const who = record.template === 'county' ? `第${record.schoolAt.row}行 ${school.name} ` : `${school.name}${periodLabel(record.period)}`;
      const period = record.period;
      const at = new Map(record.cells.map((c) => [c.code, c.at]));
      const where = (code: string) => at.get(code) ?? record.schoolAt;
      const raw = Object.fromEntries(record.cells.map((c) => [c.code, c.raw]));
      const { values: incoming, issues } = normaliseValues(raw, school);
      for (const issue of issues) errors.push(finding(where(issue.code), issue.code, issue.rule, issue.message));
      let blocked = issues.length > 0;
      if (!blocked && Object.values(incoming).every((v) => v === null)) {
        counts.skipped += 1;
        continue;
      }

      const report = existing.get(`${school.id}|${period}`);
      const values: ReportValues = { ...(report?.values ?? {}), ...incoming };
      for (const [code, value] of Object.entries(values)) if (value === null) delete values[code];
      const current = report?.version ?? 0;
      const version = record.version ?? null;
      // A file that would write over a change made after its download is refused (an unchanged report loses nothing).
      if (version !== null && version !== current && !(report && sameValues(report.values, values))) {
        const message = `${who}的报表在您下载模板后已被修改（模板版本${version}，当前版本${current}），为避免覆盖他人的修改，本次导入未保存任何数据。请重新下载模板后再填写。`;
        errors.push(finding(record.versionAt ?? record.schoolAt, 'version', 'conflict', message));
        continue;
      }
      const approve = options.mode === 'approved';
      const findings = validateReport(values, {
        school,
        period,
        lastYear: lastYear.get(`${school.id}|${sameQuarterLastYear(period)}`) ?? null,
        peerMedians: peersOf(school, period),
        forSubmission: approve,
      });
      for (const f of findings) {
        // A draft import answers for the cells it brings; problems in figures stored earlier are only flagged.
        if (f.severity === 'error' && (approve || at.has(f.code))) {
          errors.push(finding(where(f.code), f.code, f.rule, f.message));
          blocked = true;
        } else {
          const stored = f.severity === 'error' ? `已保存的数据有误：${f.message}` : f.message;
          warnings.push(finding(where(f.code), f.code, f.rule, stored));
        }
      }
      if (blocked) continue;

      if (report && sameValues(report.values, values)) {
        // Unchanged figures are not approved by an import: a school's own report, copied into the county sheet
        // as it stands, still goes through review.
        if (approve && report.status !== 'approved') {
          warnings.push(finding(record.schoolAt, 'school_code', 'not_reviewed', `${school.name}${periodLabel(period)}的报表与平台上学校填报的数据相同，导入未将其审核通过；请在审核页面审核。`));
        }
        counts.unchanged += 1;
        continue;
      }
      if (report) {
        const name = `${school.name}${periodLabel(period)}的报表`;
        // Like a save: the bureau may still correct a submitted report; nobody changes an approved one.
        const editable: readonly ReportStatus[] = approve || isOverseer(actor.role) ? ['draft', 'returned', 'submitted'] : ['draft', 'returned'];
        if (!editable.includes(report.status)) {
          const message =
            report.status === 'approved'
              ? `${name}已审核通过并锁定，导入不能修改；如需更正，请教育局先重新打开该报表。`
              : `${name}${REPORT_STATUS_LABELS[report.status].zh}，等待教育局审核，暂不能通过导入修改。`;
          errors.push(finding(record.schoolAt, 'school_code', 'locked', message));
          continue;
        }
      }
      if (report && version === null) {
        const message = `${who}的版本为空：平台上已有该报表（当前版本${current}），导入将在版本${current}之上写入文件中的单元格；若下载模板后有人修改过该报表，这些单元格上的修改会被覆盖。如需避免，请重新下载模板后再导入。`;
        warnings.push(finding(record.versionAt ?? record.schoolAt, 'version', 'no_version', message));
      }
      planned.push({ school, period, existing: report, values, status: approve ? 'approved' : (report?.status ?? 'draft'), approve });
    }

    const result = (stored: number): ImportResult => ({
      ok: errors.length === 0,
      stored,
      created: stored ? counts.created : 0,
      updated: stored ? counts.updated : 0,
      unchanged: counts.unchanged,
      skipped: counts.skipped,
      errors,
      warnings,
    });
    if (errors.length || options.dryRun || planned.length === 0) return result(0);

    const written = await write(trx, actor, planned, now, options);
    counts.created = written.created;
    counts.updated = written.updated;
    return result(written.created + written.updated);
  });
}

interface AuditRow {
  action: string;
  entity: string;
  entity_id: string;
  county_id: number | null;
  school_id: number | null;
  before: unknown;
  after: unknown;
}

/**
 * Writes the planned reports and their audit entries. Each statement carries its rows as one JSON parameter
 * (jsonb_to_recordset): hundreds of reports cost three statements, whatever the number of values.
 */
async function write(trx: Kysely<Database>, actor: Actor, planned: Planned[], now: Date, options: ImportOptions) {
  const stale = () => conflict('导入期间有报表被他人修改或新建，本次导入未保存任何数据，请重新导入。');
  const ids = new Map<string, { id: number; version: number }>();

  const fresh = planned.filter((p) => !p.existing);
  for (const part of chunks(fresh)) {
    const payload = JSON.stringify(part.map((p) => ({ county_id: p.school.countyId, school_id: p.school.id, period: p.period, status: p.status, vals: p.values, approve: p.approve })));
    const { rows } = await sql<{ id: number; schoolId: number; period: string; version: number }>`
      insert into reports (county_id, school_id, period, status, version, "values", explanations, created_at, updated_at, submitted_at, submitted_by, reviewed_at, reviewed_by)
      select v.county_id, v.school_id, v.period, v.status, 1, v.vals, '{}'::jsonb, ${now}::timestamptz, ${now}::timestamptz,
        case when v.approve then ${now}::timestamptz end, case when v.approve then ${actor.userId}::integer end,
        case when v.approve then ${now}::timestamptz end, case when v.approve then ${actor.userId}::integer end
      from jsonb_to_recordset(${payload}::jsonb) as v(county_id integer, school_id integer, period text, status text, vals jsonb, approve boolean)
      on conflict (school_id, period) do nothing
      returning id, school_id, period, version`.execute(trx);
    if (rows.length !== part.length) throw stale();
    for (const r of rows) ids.set(`${r.schoolId}|${r.period}`, { id: r.id, version: r.version });
  }

  const changed = planned.filter((p) => p.existing);
  for (const part of chunks(changed)) {
    const payload = JSON.stringify(part.map((p) => ({ id: p.existing!.id, version: p.existing!.version, vals: p.values, status: p.status, approve: p.approve })));
    const { rows } = await sql<{ id: number; version: number }>`
      update reports as r set
        "values" = v.vals,
        status = v.status,
        version = r.version + 1,
        updated_at = ${now}::timestamptz,
        submitted_at = case when v.approve then coalesce(r.submitted_at, ${now}::timestamptz) else r.submitted_at end,
        submitted_by = case when v.approve then coalesce(r.submitted_by, ${actor.userId}::integer) else r.submitted_by end,
        reviewed_at = case when v.approve then ${now}::timestamptz else r.reviewed_at end,
        reviewed_by = case when v.approve then ${actor.userId}::integer else r.reviewed_by end
      from jsonb_to_recordset(${payload}::jsonb) as v(id integer, version integer, vals jsonb, status text, approve boolean)
      where r.id = v.id and r.version = v.version
      returning r.id, r.version`.execute(trx);
    if (rows.length !== part.length) throw stale();
    const byId = new Map(rows.map((r) => [r.id, r.version]));
    for (const p of part) ids.set(`${p.school.id}|${p.period}`, { id: p.existing!.id, version: byId.get(p.existing!.id)! });
  }

  // One entry per report (its history, as for a save: the values that changed, before and after), one for the file.
  const action = options.mode === 'approved' ? 'report.import_approved' : 'report.import';
  const entries: AuditRow[] = planned.map((p) => {
    const row = ids.get(`${p.school.id}|${p.period}`)!;
    const change = diff(p.existing?.values ?? {}, p.values);
    return {
      action,
      entity: 'report',
      entity_id: String(row.id),
      county_id: p.school.countyId,
      school_id: p.school.id,
      // A new report had no values before: its entry lists them once, on the after side.
      before: p.existing ? { version: p.existing.version, status: p.existing.status, values: change.before } : { version: 0, status: null },
      after: { version: row.version, status: p.status, values: change.after, file: options.fileName },
    };
  });
  const counties = [...new Set(planned.map((p) => p.school.countyId))];
  entries.push({
    action: 'import.reports',
    entity: 'import',
    entity_id: options.fileHash.slice(0, 16),
    county_id: counties.length === 1 ? counties[0]! : null,
    school_id: planned.length === 1 ? planned[0]!.school.id : null,
    before: null,
    after: {
      file: options.fileName,
      sha256: options.fileHash,
      mode: options.mode,
      created: fresh.length,
      updated: changed.length,
      reports: planned.map((p) => `${p.school.code}/${p.period}`),
    },
  });
  for (const part of chunks(entries)) {
    await sql`
      insert into audit_log (at, actor_id, county_id, school_id, action, entity, entity_id, before, after)
      select ${now}::timestamptz, ${actor.userId}::integer, v.county_id, v.school_id, v.action, v.entity, v.entity_id, v.before, v.after
      from jsonb_to_recordset(${JSON.stringify(part)}::jsonb) as v(county_id integer, school_id integer, action text, entity text, entity_id text, before jsonb, after jsonb)`.execute(trx);
  }
  return { created: fresh.length, updated: changed.length };
}

export interface SheetSchool {
  school: School;
  /** The school's reports by quarter (any status). */
  reports: Map<Period, Pick<Report, 'status' | 'values' | 'version'>>;
}

/** A county's active schools (by identifier) with their reports for the given quarters: one query each. */
export async function countySheet(db: Kysely<Database>, countyId: number, periods: readonly Period[]): Promise<SheetSchool[]> {
  const schools = await db.selectFrom('schools').selectAll().where('countyId', '=', countyId).where('active', '=', true).orderBy('code').execute();
  const reports = periods.length
    ? await db
        .selectFrom('reports')
        .select(['schoolId', 'period', 'status', 'values', 'version'])
        .where('countyId', '=', countyId)
        .where('period', 'in', [...periods])
        .execute()
    : [];
  const bySchool = new Map<number, SheetSchool['reports']>();
  for (const r of reports) {
    const map = bySchool.get(r.schoolId) ?? new Map();
    bySchool.set(r.schoolId, map);
    map.set(r.period as Period, { status: r.status, values: r.values, version: r.version });
  }
  return schools.map((school) => ({ school, reports: bySchool.get(school.id) ?? new Map() }));
}
