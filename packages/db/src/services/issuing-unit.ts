import { AppError, countyInScope, defaultIssuer, issuingUnitInput, missing } from '@oversight/domain';
import type { Kysely } from 'kysely';
import { recordAudit } from '../queries/audit.js';
import { getOrgUnit } from '../queries/org.js';
import type { Database } from '../schema.js';
import type { Actor } from './actor.js';
import { transact } from './transaction.js';
import { DEFAULT_DEADLINE_DAYS } from './validation-context.js';

/** A county's issuing unit: the name its summaries carry, whether the bureau set it, and the name it falls back to. */
export interface IssuingUnit {
  countyId: number;
  issuingUnit: string;
  custom: boolean;
  defaultName: string;
}

/** The issuing unit of a county, without a scope check (the summary service and the documents use it). */
export async function issuingUnitOf(db: Kysely<Database>, countyId: number): Promise<IssuingUnit> {
  const [unit, row] = await Promise.all([
    getOrgUnit(db, countyId),
    db.selectFrom('countySettings').select('issuingUnit').where('countyId', '=', countyId).executeTakeFirst(),
  ]);
  if (!unit || unit.level !== 'county') throw missing('county');
  const defaultName = defaultIssuer('county', unit.name);
  const own = row?.issuingUnit?.trim();
  return { countyId, issuingUnit: own || defaultName, custom: Boolean(own), defaultName };
}

/** The issuing unit of a county in the caller's scope. */
export function issuingUnit(db: Kysely<Database>, actor: Actor, countyId: number): Promise<IssuingUnit> {
  countyInScope(actor.scope, countyId);
  return issuingUnitOf(db, countyId);
}

/**
 * Sets the full name of the county's issuing unit (教育局, 教育和体育局, 教育科技局…): non-empty, at most 40 characters,
 * no characters a file name cannot hold. The county's name + 教育局 clears the setting (it is the default). Bad input
 * stores nothing.
 */
export async function setIssuingUnit(db: Kysely<Database>, actor: Actor, input: { countyId: number; issuingUnit: unknown }): Promise<IssuingUnit> {
  countyInScope(actor.scope, input.countyId);
  const parsed = issuingUnitInput.safeParse(input.issuingUnit);
  if (!parsed.success) throw new AppError('BAD_REQUEST', parsed.error.issues[0]!.message, 'issuingUnit');
  const before = await issuingUnitOf(db, input.countyId);
  const stored = parsed.data === before.defaultName ? null : parsed.data;
  await transact(db, async (trx) => {
    await trx
      .insertInto('countySettings')
      .values({ countyId: input.countyId, deadlineDays: DEFAULT_DEADLINE_DAYS, issuingUnit: stored })
      .onConflict((oc) => oc.column('countyId').doUpdateSet({ issuingUnit: stored, updatedAt: new Date() }))
      .execute();
    await recordAudit(trx, {
      actorId: actor.userId,
      action: 'settings.issuing_unit',
      entity: 'county_settings',
      entityId: input.countyId,
      countyId: input.countyId,
      before: { issuingUnit: before.issuingUnit },
      after: { issuingUnit: parsed.data },
    });
  });
  return { countyId: input.countyId, issuingUnit: parsed.data, custom: stored !== null, defaultName: before.defaultName };
}
