import { badRequest, conflict, divisionCodeProblem, ORG_LEVEL_LABELS, orgUnitInput, parentLevelOf, type OrgUnitInput } from '@oversight/domain';
import type { Kysely } from 'kysely';
import { recordAudit } from '../queries/audit.js';
import { getOrgUnit, getOrgUnitByCode } from '../queries/org.js';
import type { Database, OrgUnit } from '../schema.js';
import type { Actor } from './actor.js';
import { transact } from './transaction.js';

export async function createOrgUnit(db: Kysely<Database>, actor: Actor, raw: OrgUnitInput): Promise<OrgUnit> {
  const input = orgUnitInput.parse(raw);
  return transact(db, async (trx) => {
    const parent = input.parentId === null ? null : await getOrgUnit(trx, input.parentId);
    if (input.parentId !== null && !parent) throw badRequest('parentId', '上级单位不存在。');
    const expected = parentLevelOf(input.level);
    if (parent && expected && parent.level !== expected) {
      throw badRequest('parentId', `上级单位级别不符：${ORG_LEVEL_LABELS[input.level].zh}的上级应为${ORG_LEVEL_LABELS[expected].zh}。`);
    }
    const problem = divisionCodeProblem(input.level, input.code, parent?.code ?? null);
    if (problem) throw badRequest('code', problem);
    if (await getOrgUnitByCode(trx, input.code)) throw conflict(`行政区划代码${input.code}已被使用。`, 'code');
    const unit = await trx
      .insertInto('orgUnits')
      .values({ parentId: input.parentId, level: input.level, code: input.code, name: input.name })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.userId,
      action: 'org.create',
      entity: 'org_unit',
      entityId: unit.id,
      countyId: unit.level === 'county' ? unit.id : null,
      after: unit,
    });
    return unit;
  });
}
