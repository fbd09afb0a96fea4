import {
  AppError,
  buildSummary,
  conflict,
  countyInScope,
  defaultIssuer,
  deadlineOf,
  figureDrift,
  forbidden,
  isLate,
  isPeriod,
  missing,
  scopeIncludesCounty,
  scopeIncludesSchool,
  shiftWindow,
  summarySectionsInput,
  unknownFigures,
  yearWindow,
  type FigureDrift,
  type Period,
  type Quarter,
  type ReportExplanations,
  type Scope,
  type Submission,
  type SummaryDocument,
  type SummaryInput,
  type SummaryLevel,
  type SummarySection,
} from '@oversight/domain';
import { sql, type Kysely } from 'kysely';
import { analyticsReports, analyticsSchools, countiesByIds, lastReportedPeriods } from '../queries/analytics.js';
import { recordAudit } from '../queries/audit.js';
import { countyIdsUnder, getOrgUnit } from '../queries/org.js';
import { targetsOf } from '../queries/targets.js';
import type { Database, SummaryFacts, SummaryRow } from '../schema.js';
import type { Actor } from './actor.js';
import type { Clock } from './reports.js';
import { issuingUnitOf } from './issuing-unit.js';
import { storeDraft } from './summary-drafts.js';
import { transact } from './transaction.js';
import { schoolFor, seesEvery, unitInScope } from './scope.js';
import { deadlineDaysOf } from './validation-context.js';

/** What a summary is written for: a county, a city across its counties, or one school. */
interface SummaryTarget {
  level: SummaryLevel;
  unit: { id: number; name: string };
  countyIds: number[];
  counties?: { id: number; name: string }[];
  schoolId?: number;
}

/**
 * Every stored report of the window's quarters, with whether it was late (submitted after the county's deadline,
 * or still not submitted once the deadline passed). Quarters a school never saved are absent: they are missing.
 */
export async function reportSubmissions(
  db: Kysely<Database>,
  countyIds: readonly number[],
  periods: readonly Period[],
  options: Clock & { schoolId?: number | undefined } = {},
): Promise<Submission[]> {
  if (!countyIds.length || !periods.length) return [];
  const [rows, daysOf] = await Promise.all([
    db
      .selectFrom('reports')
      .select(['countyId', 'schoolId', 'period', 'status', 'late', 'submittedAt'])
      .where('countyId', 'in', [...countyIds])
      .where('period', 'in', [...periods])
      .$if(options.schoolId !== undefined, (q) => q.where('schoolId', '=', options.schoolId!))
      .execute(),
    deadlineDaysOf(db, countyIds),
  ]);
  const now = options.now ?? new Date();
  return rows.flatMap((r) =>
    isPeriod(r.period) ? [{ schoolId: r.schoolId, period: r.period, status: r.status, late: isLate(r, deadlineOf(r.period, daysOf(r.countyId)), now) }] : [],
  );
}

/** The latest quarter of the year with an approved report (4 when there is none yet). */
async function lastApprovedQuarter(db: Kysely<Database>, countyIds: readonly number[], year: number): Promise<Quarter> {
  const last = [...(await lastReportedPeriods(db, countyIds, year, ['approved'])).values()].sort().at(-1);
  return last ? (Number(last.slice(-1)) as Quarter) : 4;
}

/** The explanations (情况说明) on the approved reports of the window: the causes part 二 quotes. */
async function reportExplanations(
  db: Kysely<Database>,
  countyIds: readonly number[],
  periods: readonly Period[],
  schoolId?: number,
): Promise<ReportExplanations[]> {
  if (!countyIds.length || !periods.length) return [];
  const rows = await db
    .selectFrom('reports')
    .select(['schoolId', 'period', 'explanations'])
    .where('countyId', 'in', [...countyIds])
    .where('period', 'in', [...periods])
    .where('status', '=', 'approved')
    .where(sql<boolean>`explanations <> '{}'::jsonb`)
    .$if(schoolId !== undefined, (q) => q.where('schoolId', '=', schoolId!))
    .execute();
  return rows.flatMap((r) => (isPeriod(r.period) ? [{ schoolId: r.schoolId, period: r.period, texts: r.explanations }] : []));
}

/** Who issues a summary: the county's issuing unit as its bureau admin set it, a city's bureau, or the school. */
async function issuerOf(db: Kysely<Database>, target: SummaryTarget): Promise<string> {
  if (target.level === 'county') return (await issuingUnitOf(db, target.unit.id)).issuingUnit;
  return defaultIssuer(target.level, target.unit.name);
}

/** Loads what a summary is built from: the schools, the approved reports of the window and of the same quarters last year, submissions, targets. */
export async function summaryInput(db: Kysely<Database>, target: SummaryTarget, year: number, upToQuarter: Quarter, clock: Clock = {}): Promise<SummaryInput> {
  const window = yearWindow(year, upToQuarter);
  const [schools, reports, submissions, targets, nextTargets, explanations, issuer] = await Promise.all([
    // Schools closed since still count for the quarters they reported.
    analyticsSchools(db, target.countyIds, target.schoolId, { periods: window, statuses: ['approved'] }),
    analyticsReports(db, target.countyIds, [...window, ...shiftWindow(window, -1)], ['approved'], target.schoolId),
    reportSubmissions(db, target.countyIds, window, { ...clock, schoolId: target.schoolId }),
    targetsOf(db, target.countyIds, year),
    targetsOf(db, target.countyIds, year + 1),
    reportExplanations(db, target.countyIds, window, target.schoolId),
    issuerOf(db, target),
  ]);
  return {
    level: target.level,
    unit: target.unit,
    ...(target.counties ? { counties: target.counties } : {}),
    year,
    upToQuarter,
    schools,
    reports: reports.map(({ schoolId, period, values }) => ({ schoolId, period, values })),
    submissions,
    targets,
    nextTargets,
    issuer,
    explanations,
  };
}

// ── whose summary ──

async function countyTarget(db: Kysely<Database>, scope: Scope, countyId: number): Promise<SummaryTarget> {
  countyInScope(scope, countyId);
  const unit = await getOrgUnit(db, countyId);
  if (!unit) throw missing('county');
  if (unit.level !== 'county') throw new AppError('BAD_REQUEST', `“${unit.name}”不是县级单位：县级总结请选择一个县（市、区）。`, 'countyId');
  return { level: 'county', unit: { id: unit.id, name: unit.name }, countyIds: [unit.id] };
}

async function cityTarget(db: Kysely<Database>, scope: Scope, cityId: number): Promise<SummaryTarget> {
  if (scope.kind === 'school') throw forbidden('学校账号不能生成市级总结。');
  // A city's summary speaks for every county of the city: only a bureau that sees them all may write it.
  const { unit, countyIds } = await unitInScope(db, scope, cityId, 'city');
  if (unit.level !== 'city') throw new AppError('BAD_REQUEST', `“${unit.name}”不是市级单位：市级总结请选择一个市。`, 'cityId');
  const counties = (await countiesByIds(db, countyIds)).map((c) => ({ id: c.id, name: c.name }));
  return { level: 'city', unit: { id: unit.id, name: unit.name }, countyIds, counties };
}

async function schoolTarget(db: Kysely<Database>, scope: Scope, schoolId: number): Promise<SummaryTarget> {
  const school = await schoolFor(db, scope, schoolId);
  return { level: 'school', unit: { id: school.id, name: school.name }, countyIds: [school.countyId], schoolId: school.id };
}

function targetOfRow(db: Kysely<Database>, row: SummaryRow): Promise<SummaryTarget> {
  const all: Scope = { kind: 'all' };
  if (row.level === 'school') return schoolTarget(db, all, row.schoolId!);
  if (row.level === 'city') return cityTarget(db, all, row.orgUnitId);
  return countyTarget(db, all, row.countyId!);
}

/** Whether the caller may see a stored summary: its county (a principal: its own school's summary only). */
async function rowInScope(db: Kysely<Database>, scope: Scope, row: SummaryRow): Promise<boolean> {
  if (row.level === 'school') return scopeIncludesSchool(scope, { id: row.schoolId!, countyId: row.countyId! });
  if (scope.kind === 'school') return false;
  if (row.level === 'county') return scopeIncludesCounty(scope, row.countyId!);
  return seesEvery(scope, await countyIdsUnder(db, row.orgUnitId));
}

async function findRow(db: Kysely<Database>, scope: Scope, id: number): Promise<SummaryRow> {
  const row = await db.selectFrom('summaries').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || !(await rowInScope(db, scope, row))) throw missing('summary');
  return row;
}

/** The summary as the live reports give it today. */
async function liveDocument(db: Kysely<Database>, row: SummaryRow, clock: Clock): Promise<SummaryDocument> {
  const target = await targetOfRow(db, row);
  return buildSummary(await summaryInput(db, target, row.year, row.upToQuarter as Quarter, clock));
}

// ── views ──

export interface SummaryVersionEntry {
  version: number;
  status: 'draft' | 'final';
  savedAt: Date;
  savedBy: string | null;
}

export interface SummaryView extends SummaryFacts {
  id: number;
  level: SummaryLevel;
  unitId: number;
  countyId: number | null;
  schoolId: number | null;
  year: number;
  upToQuarter: Quarter;
  status: 'draft' | 'final';
  version: number;
  title: string;
  /** Who issues and signs it (the county's issuing unit, a city's bureau, or the school): frozen once final. */
  issuer: string;
  sections: SummarySection[];
  /** A draft's figures come from the live reports; a final summary's are frozen at finalisation. */
  figures: SummaryDocument['figures'];
  figuresFrozen: boolean;
  createdAt: Date;
  updatedAt: Date;
  finalizedAt: Date | null;
  versions: SummaryVersionEntry[];
}

/** A summary in a list: what identifies it and where it stands, without its text. */
export type SummaryListItem = Pick<
  SummaryView,
  'id' | 'level' | 'unitId' | 'countyId' | 'schoolId' | 'year' | 'upToQuarter' | 'status' | 'version' | 'title' | 'updatedAt' | 'finalizedAt'
>;

function versionsOf(db: Kysely<Database>, summaryId: number): Promise<SummaryVersionEntry[]> {
  return db
    .selectFrom('summaryVersions')
    .leftJoin('users', 'users.id', 'summaryVersions.savedBy')
    .select(['summaryVersions.version', 'summaryVersions.status', 'summaryVersions.savedAt', 'users.displayName as savedBy'])
    .where('summaryVersions.summaryId', '=', summaryId)
    .orderBy('summaryVersions.version', 'desc')
    .execute();
}

async function view(db: Kysely<Database>, row: SummaryRow, live: SummaryDocument | null): Promise<SummaryView> {
  const frozen = row.status === 'final' || !live;
  const facts: SummaryFacts = frozen ? row.document : { basis: live.basis, tables: live.tables, charts: live.charts, issuer: live.issuer };
  const issuer = facts.issuer ?? (await issuerOf(db, await targetOfRow(db, row)));
  return {
    id: row.id,
    level: row.level,
    unitId: row.orgUnitId,
    countyId: row.countyId,
    schoolId: row.schoolId,
    year: row.year,
    upToQuarter: row.upToQuarter as Quarter,
    status: row.status,
    version: row.version,
    title: row.title,
    sections: row.sections,
    figures: frozen ? row.figures : live.figures,
    figuresFrozen: frozen,
    ...facts,
    issuer,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    finalizedAt: row.finalizedAt,
    versions: await versionsOf(db, row.id),
  };
}

const facts = (doc: SummaryDocument): string =>
  JSON.stringify({ basis: doc.basis, tables: doc.tables, charts: doc.charts, issuer: doc.issuer } satisfies SummaryFacts);

function checkYear(year: number, upToQuarter: number | undefined) {
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new AppError('BAD_REQUEST', '年度应为2000至2100之间的整数。', 'year');
  if (upToQuarter !== undefined && ![1, 2, 3, 4].includes(upToQuarter)) throw new AppError('BAD_REQUEST', '截至季度只能是1至4。', 'upToQuarter');
}

async function createDraft(
  db: Kysely<Database>,
  actor: Actor,
  target: SummaryTarget,
  year: number,
  upToQuarter: Quarter | undefined,
  clock: Clock,
  reads: Kysely<Database>,
): Promise<SummaryView> {
  // The figures are read where dashboards are (a replica when there is one); the draft is stored on `db`.
  const upTo = upToQuarter ?? (await lastApprovedQuarter(reads, target.countyIds, year));
  const doc = buildSummary(await summaryInput(reads, target, year, upTo, clock));
  const now = clock.now ?? new Date();
  const row = await transact(db, async (trx) => {
    // Drafting again refreshes a draft nobody has edited and is bounded per unit and year (storeDraft).
    const { row: inserted, replaced } = await storeDraft(
      trx,
      {
        level: target.level,
        orgUnitId: target.level === 'school' ? target.countyIds[0]! : target.unit.id,
        countyId: target.level === 'city' ? null : target.countyIds[0]!,
        schoolId: target.schoolId ?? null,
        year,
        upToQuarter: upTo,
        status: 'draft',
        version: 1,
        title: doc.title,
        sections: JSON.stringify(doc.sections),
        figures: JSON.stringify(doc.figures),
        document: facts(doc),
        createdBy: actor.userId,
        updatedBy: actor.userId,
        createdAt: now,
        updatedAt: now,
      },
      target.unit.name,
    );
    await recordAudit(trx, {
      actorId: actor.userId,
      action: 'summary.draft',
      entity: 'summary',
      entityId: inserted.id,
      countyId: inserted.countyId,
      schoolId: inserted.schoolId,
      at: now,
      ...(replaced
        ? { before: { version: 1, upToQuarter: replaced.upToQuarter, title: replaced.title, createdBy: replaced.createdBy, createdAt: replaced.createdAt } }
        : {}),
      after: {
        level: target.level,
        unitId: target.unit.id,
        year,
        upToQuarter: upTo,
        figures: Object.keys(doc.figures).length,
        ...(replaced ? { replaced: true } : {}),
      },
    });
    return inserted;
  });
  return view(db, row, doc);
}

/**
 * Drafts the annual summary of a county (`countyId`) or of a city across its counties (`cityId`) from the year's
 * approved reports, and stores it as a draft (version 1: refreshing a draft of the same unit and year nobody has edited
 * yet, else a new one, at most MAX_SUMMARIES_PER_UNIT_YEAR a unit and year). `upToQuarter` defaults to the last quarter with an
 * approved report, so a summary written in October covers 前三季度. `reads`: where its figures are read (the
 * dashboards' replica, if any); default `db`.
 */
export async function draftSummary(
  db: Kysely<Database>,
  actor: Actor,
  input: { countyId?: number | undefined; cityId?: number | undefined; year: number; upToQuarter?: Quarter | undefined },
  clock: Clock = {},
  reads: Kysely<Database> = db,
): Promise<SummaryView> {
  checkYear(input.year, input.upToQuarter);
  if ((input.countyId === undefined) === (input.cityId === undefined))
    throw new AppError('BAD_REQUEST', '请指定县（countyId）或市（cityId）其中之一。', 'countyId');
  const target = input.countyId !== undefined ? await countyTarget(db, actor.scope, input.countyId) : await cityTarget(db, actor.scope, input.cityId!);
  return createDraft(db, actor, target, input.year, input.upToQuarter, clock, reads);
}

/** Drafts a school's own 后勤工作总结 from its approved reports (the principal's draft; a bureau may draft it too). */
export async function draftSchoolSummary(
  db: Kysely<Database>,
  actor: Actor,
  input: { schoolId: number; year: number; upToQuarter?: Quarter | undefined },
  clock: Clock = {},
  reads: Kysely<Database> = db,
): Promise<SummaryView> {
  checkYear(input.year, input.upToQuarter);
  const target = await schoolTarget(db, actor.scope, input.schoolId);
  return createDraft(db, actor, target, input.year, input.upToQuarter, clock, reads);
}

/** A stored summary: a draft with live figures, a final one with the figures frozen when it was finalised. */
export async function getSummary(db: Kysely<Database>, scope: Scope, id: number, clock: Clock = {}): Promise<SummaryView> {
  const row = await findRow(db, scope, id);
  return view(db, row, row.status === 'draft' ? await liveDocument(db, row, clock) : null);
}

function parseSections(raw: unknown): SummarySection[] {
  const parsed = summarySectionsInput.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError('BAD_REQUEST', issue.message, ['sections', ...issue.path].join('.'));
  }
  return parsed.data;
}

function checkLinks(sections: readonly SummarySection[], figures: SummaryDocument['figures']) {
  const unknown = unknownFigures(sections, figures);
  if (unknown.length) {
    throw new AppError(
      'BAD_REQUEST',
      `正文引用了不存在的数据：${unknown.map((id) => `{{fig:${id}}}`).join('、')}。请删除这些引用，或从数据列表中重新插入。`,
      'sections',
    );
  }
}

function stale(row: SummaryRow, version: number) {
  if (row.version !== version)
    return conflict(`该总结已被他人修改（您的版本 ${version}，当前版本 ${row.version}），请刷新后再操作，以免覆盖他人的修改。`, 'version');
  if (row.status === 'final') return conflict('该总结已定稿，不能再修改。', 'status');
  return null;
}

type Change = { sections: SummarySection[]; title?: string | undefined } | { finalize: true };

async function change(db: Kysely<Database>, actor: Actor, id: number, version: number, what: Change, clock: Clock): Promise<SummaryView> {
  const current = await findRow(db, actor.scope, id);
  const early = stale(current, version);
  if (early) throw early;
  const live = await liveDocument(db, current, clock);
  const finalize = 'finalize' in what;
  const sections = finalize ? current.sections : what.sections;
  checkLinks(sections, live.figures);
  const title = !finalize && what.title !== undefined ? what.title.trim() : current.title;
  if (!title || title.length > 100) throw new AppError('BAD_REQUEST', '标题不能为空，且不能超过100个字。', 'title');
  const now = clock.now ?? new Date();
  const row = await transact(db, async (trx) => {
    const updated = await trx
      .updateTable('summaries')
      .set({
        sections: JSON.stringify(sections),
        title,
        version: current.version + 1,
        updatedBy: actor.userId,
        updatedAt: now,
        ...(finalize
          ? { status: 'final' as const, figures: JSON.stringify(live.figures), document: facts(live), finalizedBy: actor.userId, finalizedAt: now }
          : {}),
      })
      .where('id', '=', id)
      .where('version', '=', version)
      .where('status', '=', 'draft')
      .returningAll()
      .executeTakeFirst();
    if (!updated)
      throw (
        stale(await trx.selectFrom('summaries').selectAll().where('id', '=', id).executeTakeFirstOrThrow(), version) ??
        conflict('该总结刚被他人修改，请刷新后再操作。')
      );
    await trx
      .insertInto('summaryVersions')
      .values({ summaryId: id, version: updated.version, status: updated.status, sections: JSON.stringify(sections), savedBy: actor.userId, savedAt: now })
      .execute();
    await recordAudit(trx, {
      actorId: actor.userId,
      action: finalize ? 'summary.finalize' : 'summary.save',
      entity: 'summary',
      entityId: id,
      countyId: updated.countyId,
      schoolId: updated.schoolId,
      at: now,
      before: { version: current.version, status: current.status, ...(title !== current.title ? { title: current.title } : {}) },
      after: {
        version: updated.version,
        status: updated.status,
        ...(title !== current.title ? { title } : {}),
        ...(finalize ? { figures: Object.keys(live.figures).length } : {}),
      },
    });
    return updated;
  });
  return view(db, row, finalize ? null : live);
}

/** Saves the officer's text (sections, optionally the title) as a new version; refused when stale, final, or linking to unknown figures. */
export async function saveSummary(
  db: Kysely<Database>,
  actor: Actor,
  input: { id: number; version: number; sections: unknown; title?: string | undefined },
  clock: Clock = {},
): Promise<SummaryView> {
  const sections = parseSections(input.sections);
  return change(db, actor, input.id, input.version, { sections, title: input.title }, clock);
}

/** Finalises a summary: its figures and data are frozen; later corrections of reports no longer change it. */
export function finalizeSummary(db: Kysely<Database>, actor: Actor, input: { id: number; version: number }, clock: Clock = {}): Promise<SummaryView> {
  return change(db, actor, input.id, input.version, { finalize: true }, clock);
}

export interface SummaryDrift {
  id: number;
  status: 'draft' | 'final';
  checkedAt: Date;
  /** For a final summary: the frozen figures that no longer match the live reports (empty for a draft, whose figures are live). */
  drift: FigureDrift[];
}

/** Compares a finalised summary's frozen figures with what the reports say today. */
export async function summaryDrift(db: Kysely<Database>, scope: Scope, id: number, clock: Clock = {}): Promise<SummaryDrift> {
  const row = await findRow(db, scope, id);
  const checkedAt = clock.now ?? new Date();
  if (row.status === 'draft') return { id, status: row.status, checkedAt, drift: [] };
  const live = await liveDocument(db, row, clock);
  return { id, status: row.status, checkedAt, drift: figureDrift(row.figures, live.figures) };
}

/**
 * Summaries the caller may see: a county's (county and school summaries of that county; a principal only its
 * own school's), or a city's.
 */
export async function listSummaries(
  db: Kysely<Database>,
  scope: Scope,
  input: { countyId?: number | undefined; cityId?: number | undefined },
): Promise<SummaryListItem[]> {
  if ((input.countyId === undefined) === (input.cityId === undefined))
    throw new AppError('BAD_REQUEST', '请指定县（countyId）或市（cityId）其中之一。', 'countyId');
  let query = db
    .selectFrom('summaries')
    .select(['id', 'level', 'orgUnitId as unitId', 'countyId', 'schoolId', 'year', 'upToQuarter', 'status', 'version', 'title', 'updatedAt', 'finalizedAt'])
    .orderBy('year', 'desc')
    .orderBy('updatedAt', 'desc')
    .orderBy('id', 'desc');
  if (input.cityId !== undefined) {
    await cityTarget(db, scope, input.cityId);
    query = query.where('level', '=', 'city').where('orgUnitId', '=', input.cityId);
  } else {
    // A principal lists its own school's summaries of its county.
    if (!scopeIncludesCounty(scope, input.countyId!)) throw missing('county');
    query = query.where('countyId', '=', input.countyId!);
    if (scope.kind === 'school') query = query.where('schoolId', '=', scope.schoolId);
  }
  const rows = await query.execute();
  return rows.map((r) => ({ ...r, upToQuarter: r.upToQuarter as Quarter }));
}
