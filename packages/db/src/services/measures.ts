import {
  AppError,
  badRequest,
  choosePracticesInput,
  countyInScope,
  MEASURE_DOMAINS,
  measureInput,
  measureUpdateInput,
  measureYear,
  missing,
  periodLabel,
  practiceIndicator,
  quartersOfYear,
  scopeIncludesCounty,
  type BureauMeasure,
  type ChoosePracticesInput,
  type MeasureDomain,
  type MeasureInput,
  type MeasureUpdateInput,
  type Period,
  type PracticeText,
  type ReportStatus,
  type Scope,
  type SummaryMeasures,
} from '@oversight/domain';
import type { Kysely, Selectable } from 'kysely';
import { recordAudit } from '../queries/audit.js';
import { getOrgUnit } from '../queries/org.js';
import { issuingUnitOf } from './issuing-unit.js';
import type { BureauMeasureTable, Database } from '../schema.js';
import type { Actor } from './actor.js';
import { transact } from './transaction.js';

/**
 * The bureau's measures per domain and year, and the schools' practices it quotes as 典型做法 (issue 16). Officers
 * of the county keep them during the year; the county's summary draft states them (see the domain's
 * `summary/measures.ts`). Every change is audited.
 */

/** Practice texts are quoted from reports the school has handed in: submitted or approved, not a draft being edited. */
const QUOTABLE: readonly ReportStatus[] = ['submitted', 'approved'];

/** A school's practice text with where it stands. */
export interface PracticeView extends PracticeText {
  status: ReportStatus;
  /** Its place among the chosen (1–3), or null when not chosen. */
  chosen: number | null;
}

/** A chosen practice; `text` is null when the report no longer holds one (cleared, or reopened for editing). */
export interface ChosenPractice {
  schoolId: number;
  schoolName: string;
  domain: MeasureDomain;
  period: Period;
  position: number;
  text: string | null;
}

export interface MeasuresView {
  /** The name the summary gives the bureau (“青石县教育局”). */
  bureau: string;
  measures: BureauMeasure[];
  practices: ChosenPractice[];
}

const toMeasure = (row: Selectable<BureauMeasureTable>): BureauMeasure => ({
  id: row.id,
  countyId: row.countyId,
  year: row.year,
  domain: row.domain,
  date: row.date,
  kind: row.kind,
  text: row.text,
});

/** The name the summary gives the bureau: the county's issuing unit (教育局, 教育和体育局…, set by its bureau admin). */
export async function bureauName(db: Kysely<Database>, countyId: number): Promise<string> {
  return (await issuingUnitOf(db, countyId)).issuingUnit;
}

async function countyOf(db: Kysely<Database>, scope: Scope, countyId: number) {
  countyInScope(scope, countyId);
  const county = await getOrgUnit(db, countyId);
  if (county?.level !== 'county') throw missing('county');
  return county;
}

/** The practice texts a county's reports hold for a year: every quarter, handed-in reports only. */
async function practiceTexts(db: Kysely<Database>, countyId: number, year: number, schoolId?: number): Promise<(PracticeText & { status: ReportStatus })[]> {
  const rows = await db
    .selectFrom('reports')
    .innerJoin('schools', 'schools.id', 'reports.schoolId')
    .select(['reports.schoolId', 'reports.period', 'reports.status', 'reports.values', 'schools.name as schoolName'])
    .where('reports.countyId', '=', countyId)
    .where('reports.period', 'in', quartersOfYear(year))
    .where('reports.status', 'in', [...QUOTABLE])
    .$if(schoolId !== undefined, (q) => q.where('reports.schoolId', '=', schoolId!))
    .orderBy('schools.name')
    .orderBy('reports.period')
    .execute();
  return rows.flatMap((r) =>
    MEASURE_DOMAINS.flatMap((domain) => {
      const text = r.values[practiceIndicator(domain)!.code];
      return typeof text === 'string' && text.trim()
        ? [{ schoolId: r.schoolId, schoolName: r.schoolName, domain, period: r.period as Period, text, status: r.status }]
        : [];
    }),
  );
}

async function chosenPractices(db: Kysely<Database>, countyId: number, year: number): Promise<ChosenPractice[]> {
  const [rows, texts] = await Promise.all([
    db
      .selectFrom('typicalPractices')
      .innerJoin('schools', 'schools.id', 'typicalPractices.schoolId')
      .select(['typicalPractices.schoolId', 'typicalPractices.domain', 'typicalPractices.period', 'typicalPractices.position', 'schools.name as schoolName'])
      .where('typicalPractices.countyId', '=', countyId)
      .where('typicalPractices.year', '=', year)
      .orderBy('typicalPractices.domain')
      .orderBy('typicalPractices.position')
      .execute(),
    practiceTexts(db, countyId, year),
  ]);
  const textOf = (p: { schoolId: number; domain: string; period: string }) =>
    texts.find((t) => t.schoolId === p.schoolId && t.domain === p.domain && t.period === p.period)?.text ?? null;
  return rows.map((r) => ({ ...r, period: r.period as Period, text: textOf(r) }));
}

async function measuresOf(db: Kysely<Database>, countyId: number, year: number): Promise<BureauMeasure[]> {
  const rows = await db
    .selectFrom('bureauMeasures')
    .selectAll()
    .where('countyId', '=', countyId)
    .where('year', '=', year)
    .orderBy('date')
    .orderBy('id')
    .execute();
  return rows.map(toMeasure);
}

/** A county's measures and chosen practices of a year. */
export async function listMeasures(db: Kysely<Database>, scope: Scope, input: { countyId: number; year: number }): Promise<MeasuresView> {
  await countyOf(db, scope, input.countyId);
  const [bureau, measures, practices] = await Promise.all([
    bureauName(db, input.countyId),
    measuresOf(db, input.countyId, input.year),
    chosenPractices(db, input.countyId, input.year),
  ]);
  return { bureau, measures, practices };
}

/** What a county's summary states besides its figures: the bureau, its measures, the chosen practices that still have a text. */
export async function summaryMeasures(db: Kysely<Database>, countyId: number, year: number): Promise<SummaryMeasures> {
  const [bureau, list, practices] = await Promise.all([bureauName(db, countyId), measuresOf(db, countyId, year), chosenPractices(db, countyId, year)]);
  return {
    bureau,
    list,
    practices: practices.flatMap((p) =>
      p.text !== null ? [{ schoolId: p.schoolId, schoolName: p.schoolName, domain: p.domain, period: p.period, text: p.text }] : [],
    ),
  };
}

export async function addMeasure(db: Kysely<Database>, actor: Actor, raw: MeasureInput): Promise<BureauMeasure> {
  const input = measureInput.parse(raw);
  await countyOf(db, actor.scope, input.countyId);
  return transact(db, async (trx) => {
    const row = await trx
      .insertInto('bureauMeasures')
      .values({ ...input, year: measureYear(input.date), createdBy: actor.userId, updatedBy: actor.userId })
      .returningAll()
      .executeTakeFirstOrThrow();
    const measure = toMeasure(row);
    await recordAudit(trx, {
      actorId: actor.userId,
      action: 'measure.add',
      entity: 'bureau_measure',
      entityId: row.id,
      countyId: row.countyId,
      after: measure,
    });
    return measure;
  });
}

/** A measure of a county outside the caller's scope answers as a missing one. */
async function measureRow(db: Kysely<Database>, scope: Scope, id: number) {
  const row = await db.selectFrom('bureauMeasures').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || !scopeIncludesCounty(scope, row.countyId)) throw missing('measure');
  countyInScope(scope, row.countyId);
  return row;
}

export async function updateMeasure(db: Kysely<Database>, actor: Actor, raw: MeasureUpdateInput): Promise<BureauMeasure> {
  const { id, ...input } = measureUpdateInput.parse(raw);
  return transact(db, async (trx) => {
    const before = await measureRow(trx, actor.scope, id);
    const row = await trx
      .updateTable('bureauMeasures')
      .set({ ...input, year: measureYear(input.date), updatedBy: actor.userId, updatedAt: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const measure = toMeasure(row);
    await recordAudit(trx, {
      actorId: actor.userId,
      action: 'measure.update',
      entity: 'bureau_measure',
      entityId: id,
      countyId: row.countyId,
      before: toMeasure(before),
      after: measure,
    });
    return measure;
  });
}

export async function removeMeasure(db: Kysely<Database>, actor: Actor, id: number): Promise<void> {
  await transact(db, async (trx) => {
    const before = await measureRow(trx, actor.scope, id);
    await trx.deleteFrom('bureauMeasures').where('id', '=', id).execute();
    await recordAudit(trx, {
      actorId: actor.userId,
      action: 'measure.remove',
      entity: 'bureau_measure',
      entityId: id,
      countyId: before.countyId,
      before: toMeasure(before),
    });
  });
}

/** The schools' practice texts of a year (every quarter) to choose from, each marked with its place if chosen. */
export async function schoolPractices(
  db: Kysely<Database>,
  scope: Scope,
  input: { countyId: number; year: number; domain?: MeasureDomain | undefined },
): Promise<PracticeView[]> {
  await countyOf(db, scope, input.countyId);
  const [texts, chosen] = await Promise.all([practiceTexts(db, input.countyId, input.year), chosenPractices(db, input.countyId, input.year)]);
  return texts
    .filter((t) => !input.domain || t.domain === input.domain)
    .map((t) => ({
      ...t,
      chosen: chosen.find((c) => c.schoolId === t.schoolId && c.domain === t.domain && c.period === t.period)?.position ?? null,
    }));
}

/**
 * Replaces the typical practices of one domain and year with `picks`, in that order (none: no 典型做法). Each must
 * be a handed-in report of the county's school for a quarter of the year that holds a practice text for the domain.
 */
export async function choosePractices(db: Kysely<Database>, actor: Actor, raw: ChoosePracticesInput): Promise<ChosenPractice[]> {
  const input = choosePracticesInput.parse(raw);
  await countyOf(db, actor.scope, input.countyId);
  const name = practiceIndicator(input.domain)!.name.zh;
  return transact(db, async (trx) => {
    const texts = await practiceTexts(trx, input.countyId, input.year);
    for (const pick of input.picks) {
      if (texts.some((t) => t.schoolId === pick.schoolId && t.domain === input.domain && t.period === pick.period)) continue;
      const school = await trx.selectFrom('schools').select(['name', 'countyId']).where('id', '=', pick.schoolId).executeTakeFirst();
      if (!school || school.countyId !== input.countyId) throw new AppError('BAD_REQUEST', '只能选择本县学校的做法作为典型做法。', 'picks');
      throw badRequest('picks', `${school.name}${periodLabel(pick.period as Period)}的报表（已报送或已审核）没有填写“${name}”，不能选作典型做法。`);
    }
    const before = (await chosenPractices(trx, input.countyId, input.year)).filter((p) => p.domain === input.domain);
    await trx.deleteFrom('typicalPractices').where('countyId', '=', input.countyId).where('year', '=', input.year).where('domain', '=', input.domain).execute();
    if (input.picks.length) {
      await trx
        .insertInto('typicalPractices')
        .values(
          input.picks.map((p, i) => ({
            countyId: input.countyId,
            year: input.year,
            domain: input.domain,
            schoolId: p.schoolId,
            period: p.period,
            position: i + 1,
            chosenBy: actor.userId,
          })),
        )
        .execute();
    }
    const after = (await chosenPractices(trx, input.countyId, input.year)).filter((p) => p.domain === input.domain);
    const brief = (list: readonly ChosenPractice[]) => list.map(({ schoolId, period, position }) => ({ schoolId, period, position }));
    await recordAudit(trx, {
      actorId: actor.userId,
      action: 'practices.choose',
      entity: 'typical_practices',
      entityId: `${input.countyId}:${input.year}:${input.domain}`,
      countyId: input.countyId,
      before: brief(before),
      after: brief(after),
    });
    return after;
  });
}
