import {
  AppError,
  changedValues,
  conflict,
  editorOf,
  importFinding,
  isEditable,
  isOverseer,
  normaliseValues,
  periodLabel,
  REPORT_STATUS_LABELS,
  scopeIncludesSchool,
  validateReport,
  type CellRef,
  type ImportFinding,
  type ImportRecord,
  type ImportResult,
  type Period,
  type ReportValues,
} from '@oversight/domain';
import { sql, type Kysely } from 'kysely';
import type { Database, Report, ReportStatus, School } from '../schema.js';
import type { Actor } from './actor.js';
import { chunks } from './batches.js';
import { transact } from './transaction.js';
import { validationContexts, type ValidationContext } from './validation-context.js';

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
 *
 * Three steps: `resolve` reads which school and report each record is, and what its figures are checked against;
 * `plan` decides, without reading or writing, what each record does (or why it cannot); `write` stores the plan.
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

const place = (ref: CellRef) => `${ref.sheet}!${ref.column}${ref.row}`;

/** A record of a school in the caller's scope, the first for its school and quarter. */
interface Resolved {
  record: ImportRecord;
  school: School;
}

/** What the file's records are, as stored: their schools, their reports (locked unless a dry run), their checks. */
interface Resolution {
  resolved: Resolved[];
  /** Records refused before any figure is read: unknown (or foreign), closed, repeated schools. */
  errors: ImportFinding[];
  existing: Map<string, Report>;
  contextOf: (school: School, period: Period) => ValidationContext;
}

interface Planned {
  school: School;
  period: Period;
  existing: Report | undefined;
  values: ReportValues;
  status: ReportStatus;
  approve: boolean;
}

interface Plan {
  planned: Planned[];
  errors: ImportFinding[];
  warnings: ImportFinding[];
  unchanged: number;
  skipped: number;
}

function sameValues(a: ReportValues, b: ReportValues): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/** Checks (and, when clean and not a dry run, stores) the records of one file. */
export async function importReports(db: Kysely<Database>, actor: Actor, records: readonly ImportRecord[], options: ImportOptions): Promise<ImportResult> {
  if (options.mode === 'approved' && !isOverseer(actor.role)) {
    throw new AppError('FORBIDDEN', '只有教育局账号可以导入已审核的历史数据（导入方式“approved”）；学校请按草稿导入。', 'mode');
  }
  const now = options.now ?? new Date();
  return transact(db, async (trx) => {
    const resolution = await resolve(trx, actor, records, { lock: !options.dryRun });
    const { planned, errors, warnings, unchanged, skipped } = plan(resolution, actor, options.mode);
    const clean = errors.length === 0;
    const written = clean && !options.dryRun && planned.length ? await write(trx, actor, planned, now, options) : { created: 0, updated: 0 };
    return { ok: clean, stored: written.created + written.updated, ...written, unchanged, skipped, errors, warnings };
  });
}

/** Which school and quarter each record is, refusing unknown, foreign, closed and repeated ones; then what is stored. */
async function resolve(trx: Kysely<Database>, actor: Actor, records: readonly ImportRecord[], options: { lock: boolean }): Promise<Resolution> {
  const schools = new Map<string, School>();
  for (const part of chunks([...new Set(records.map((r) => r.schoolCode))])) {
    for (const s of await trx.selectFrom('schools').selectAll().where('code', 'in', part).execute()) schools.set(s.code, s);
  }
  const errors: ImportFinding[] = [];
  const resolved: Resolved[] = [];
  const seen = new Map<string, ImportRecord>();
  for (const record of records) {
    const school = schools.get(record.schoolCode);
    if (!school || !scopeIncludesSchool(actor.scope, school)) {
      // A school outside the caller's scope reads exactly like an unknown one: neither its name nor its existence shows.
      errors.push(importFinding(record.schoolAt, 'school_code', 'unknown', `学校标识码 ${record.schoolCode} 不存在，请核对。`));
      continue;
    }
    if (!school.active) {
      errors.push(importFinding(record.schoolAt, 'school_code', 'inactive', `${school.name}（${school.code}）已停用，不能导入数据。`));
      continue;
    }
    const key = `${school.id}|${record.period}`;
    const first = seen.get(key);
    if (first) {
      errors.push(
        importFinding(
          record.schoolAt,
          'school_code',
          'duplicate',
          `${school.name}${periodLabel(record.period)}的数据在文件中出现了两次（另见${place(first.schoolAt)}）。`,
        ),
      );
      continue;
    }
    seen.set(key, record);
    resolved.push({ record, school });
  }

  const periods = [...new Set(resolved.map((r) => r.record.period))];
  const existing = new Map<string, Report>();
  for (const part of periods.length ? chunks([...new Set(resolved.map((r) => r.school.id))]) : []) {
    const current = await trx
      .selectFrom('reports')
      .selectAll()
      .where('schoolId', 'in', part)
      .where('period', 'in', periods)
      .$if(options.lock, (q) => q.forUpdate())
      .execute();
    for (const r of current) existing.set(`${r.schoolId}|${r.period}`, r);
  }
  const contextOf = await validationContexts(
    trx,
    resolved.map((r) => ({ school: r.school, period: r.record.period })),
  );
  return { resolved, errors, existing, contextOf };
}

/** What each resolved record does to its report, or why it cannot: no reading, no writing. */
function plan({ resolved, errors: refused, existing, contextOf }: Resolution, actor: Actor, mode: ImportMode): Plan {
  const out: Plan = { planned: [], errors: [...refused], warnings: [], unchanged: 0, skipped: 0 };
  const { errors, warnings } = out;
  const approve = mode === 'approved';
  // Like a save: the bureau may still correct a submitted report; nobody changes an approved one.
  const editor = approve ? 'bureau' : editorOf(actor.role);
  for (const { record, school } of resolved) {
    // County rows are named by their row; a school template is one report.
    const who = record.template === 'county' ? `第${record.schoolAt.row}行 ${school.name} ` : `${school.name}${periodLabel(record.period)}`;
    const period = record.period;
    const at = new Map(record.cells.map((c) => [c.code, c.at]));
    const where = (code: string) => at.get(code) ?? record.schoolAt;
    const raw = Object.fromEntries(record.cells.map((c) => [c.code, c.raw]));
    const { values: incoming, issues } = normaliseValues(raw, school);
    for (const issue of issues) errors.push(importFinding(where(issue.code), issue.code, issue.rule, issue.message));
    let blocked = issues.length > 0;
    if (!blocked && Object.values(incoming).every((v) => v === null)) {
      out.skipped += 1;
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
      errors.push(importFinding(record.versionAt ?? record.schoolAt, 'version', 'conflict', message));
      continue;
    }
    // The import checks against last year's figures and the peers; the previous quarter is the form's check only.
    const { lastYear, peerMedians } = contextOf(school, period);
    const findings = validateReport(values, { school, period, lastYear, peerMedians, forSubmission: approve });
    for (const f of findings) {
      // A draft import answers for the cells it brings; problems in figures stored earlier are only flagged.
      if (f.severity === 'error' && (approve || at.has(f.code))) {
        errors.push(importFinding(where(f.code), f.code, f.rule, f.message));
        blocked = true;
      } else {
        const stored = f.severity === 'error' ? `已保存的数据有误：${f.message}` : f.message;
        warnings.push(importFinding(where(f.code), f.code, f.rule, stored));
      }
    }
    if (blocked) continue;

    if (report && sameValues(report.values, values)) {
      // Unchanged figures are not approved by an import: a school's own report, copied into the county sheet
      // as it stands, still goes through review.
      if (approve && report.status !== 'approved') {
        warnings.push(
          importFinding(
            record.schoolAt,
            'school_code',
            'not_reviewed',
            `${school.name}${periodLabel(period)}的报表与平台上学校填报的数据相同，导入未将其审核通过；请在审核页面审核。`,
          ),
        );
      }
      out.unchanged += 1;
      continue;
    }
    if (report && !isEditable(report.status, editor)) {
      const name = `${school.name}${periodLabel(period)}的报表`;
      const message =
        report.status === 'approved'
          ? `${name}已审核通过并锁定，导入不能修改；如需更正，请教育局先重新打开该报表。`
          : `${name}${REPORT_STATUS_LABELS[report.status].zh}，等待教育局审核，暂不能通过导入修改。`;
      errors.push(importFinding(record.schoolAt, 'school_code', 'locked', message));
      continue;
    }
    if (report && version === null) {
      const message = `${who}的版本为空：平台上已有该报表（当前版本${current}），导入将在版本${current}之上写入文件中的单元格；若下载模板后有人修改过该报表，这些单元格上的修改会被覆盖。如需避免，请重新下载模板后再导入。`;
      warnings.push(importFinding(record.versionAt ?? record.schoolAt, 'version', 'no_version', message));
    }
    out.planned.push({ school, period, existing: report, values, status: approve ? 'approved' : (report?.status ?? 'draft'), approve });
  }
  return out;
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
    const payload = JSON.stringify(
      part.map((p) => ({ county_id: p.school.countyId, school_id: p.school.id, period: p.period, status: p.status, vals: p.values, approve: p.approve })),
    );
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
    const payload = JSON.stringify(
      part.map((p) => ({ id: p.existing!.id, version: p.existing!.version, vals: p.values, status: p.status, approve: p.approve })),
    );
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
    const change = changedValues(p.existing?.values ?? {}, p.values);
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
      from jsonb_to_recordset(${JSON.stringify(part)}::jsonb) as v(county_id integer, school_id integer, action text, entity text, entity_id text, before jsonb, after jsonb)`.execute(
      trx,
    );
  }
  return { created: fresh.length, updated: changed.length };
}
