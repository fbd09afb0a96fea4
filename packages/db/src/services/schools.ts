import {
  badRequest,
  conflict,
  countyInScope,
  schoolCodeProblem,
  schoolCreateInput,
  schoolUpdateInput,
  type SchoolCreateInput,
  type SchoolUpdateInput,
} from '@oversight/domain';
import type { Kysely } from 'kysely';
import { recordAudit } from '../queries/audit.js';
import { getOrgUnit } from '../queries/org.js';
import type { Database, School } from '../schema.js';
import type { Actor } from './actor.js';
import { schoolFor } from './scope.js';
import { transact } from './transaction.js';

async function checkPlacement(
  db: Kysely<Database>,
  fields: { countyId: number; townshipId?: number | null | undefined; code: string; type: School['type']; name: string },
  excludeSchoolId?: number,
) {
  const county = await getOrgUnit(db, fields.countyId);
  if (county?.level !== 'county') throw badRequest('countyId', '所属县（市、区）不存在。');
  if (fields.townshipId != null) {
    const township = await getOrgUnit(db, fields.townshipId);
    if (township?.level !== 'township' || township.parentId !== county.id) {
      throw badRequest('townshipId', '所属乡镇必须是本县的乡镇。');
    }
  }
  const problem = schoolCodeProblem(fields.code, fields.type, county.code);
  if (problem) throw badRequest('code', problem);
  const clash = await db
    .selectFrom('schools')
    .select(['id', 'code', 'name'])
    .where((eb) => eb.or([eb('code', '=', fields.code), eb.and([eb('countyId', '=', county.id), eb('name', '=', fields.name)])]))
    .$if(excludeSchoolId !== undefined, (q) => q.where('id', '<>', excludeSchoolId!))
    .executeTakeFirst();
  // The school holding the identifier is not named: it may lie in a county the caller does not see.
  if (clash?.code === fields.code) throw conflict(`学校标识码${fields.code}已被其他学校使用，请核对。`, 'code');
  if (clash) throw conflict(`本县已有名为“${fields.name}”的学校。`, 'name');
}

export async function createSchool(db: Kysely<Database>, actor: Actor, raw: SchoolCreateInput): Promise<School> {
  const input = schoolCreateInput.parse(raw);
  countyInScope(actor.scope, input.countyId);
  return transact(db, async (trx) => {
    await checkPlacement(trx, input);
    const school = await trx
      .insertInto('schools')
      .values({
        countyId: input.countyId,
        townshipId: input.townshipId ?? null,
        code: input.code,
        name: input.name,
        type: input.type,
        ownership: input.ownership,
        location: input.location,
        boarding: input.boarding,
        buildingAreaM2: input.buildingAreaM2,
        siteAreaM2: input.siteAreaM2,
        hasCanteen: input.hasCanteen,
        contactName: input.contactName ?? null,
        contactPhone: input.contactPhone ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.userId,
      action: 'school.create',
      entity: 'school',
      entityId: school.id,
      countyId: school.countyId,
      schoolId: school.id,
      after: school,
    });
    return school;
  });
}

export async function updateSchool(db: Kysely<Database>, actor: Actor, raw: SchoolUpdateInput): Promise<School> {
  const { schoolId, ...changes } = schoolUpdateInput.parse(raw);
  return transact(db, async (trx) => {
    const before = await schoolFor(trx, actor.scope, schoolId);
    const merged = { ...before, ...changes };
    // A change of type gets a new identifier (the category is part of it), so code and type are checked together.
    await checkPlacement(trx, merged, schoolId);
    const after = await trx
      .updateTable('schools')
      .set({ ...changes, updatedAt: new Date() })
      .where('id', '=', schoolId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.userId,
      action: changes.active === false ? 'school.deactivate' : 'school.update',
      entity: 'school',
      entityId: schoolId,
      countyId: after.countyId,
      schoolId,
      before,
      after,
    });
    return after;
  });
}
