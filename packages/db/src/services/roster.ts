import {
  ADMIN_ROLES,
  AppError,
  badRequest,
  conflict,
  countyInScope,
  forbidden,
  importFinding,
  rosterCellName,
  schoolCodeProblem,
  type ImportFinding,
  type RosterAccount,
  type RosterResult,
  type RosterRow,
  schoolFields,
  type SchoolFields,
} from '@oversight/domain';
import type { Kysely } from 'kysely';
import { recordAudit } from '../queries/audit.js';
import { getOrgUnit } from '../queries/org.js';
import type { Database, OrgUnit, School } from '../schema.js';
import { createUser } from './accounts.js';
import type { Actor } from './actor.js';
import { chunks } from './batches.js';
import { generateInitialPassword, hashPassword } from './passwords.js';
import { createSchool, updateSchool } from './schools.js';
import { transact } from './transaction.js';

/**
 * Onboarding a county from the bureau's roster (already parsed by the domain's parseRoster): each row is a school,
 * matched by its identifier. A new identifier creates the school, a known one updates it, a row equal to what is
 * stored changes nothing; a school missing from the file is left as it is. Every school without a principal account
 * gets one (username = the identifier) with a one-time password, answered once for the account slips and to be
 * changed at first sign-in. All or nothing: any finding (the parser's or this service's) stores nothing.
 *
 * The import reads and checks everything first (so every finding is listed), then writes in one transaction that
 * holds the county's row locked: two imports of one county run one after the other, the second seeing the first's
 * schools and accounts (so they come out unchanged). A school or account created meanwhile by other means answers
 * CONFLICT, nothing stored. The writes go through the same services as the school form and the accounts page
 * (createSchool, updateSchool, createUser), so the same rules hold and every change is audited; the file gets one
 * audit entry of its own.
 */

export interface RosterOptions {
  /** Recorded in the audit log. */
  fileName: string;
  fileHash: string;
  /** Check everything, store nothing (the file already has errors). */
  dryRun?: boolean;
  /** Hashes one-time passwords; `hashPassword` unless a test makes it cheaper. */
  hash?: (password: string) => Promise<string>;
}

type Fields = Omit<SchoolFields, 'townshipId'> & { townshipId: number | null };

interface RosterPlan {
  county: OrgUnit;
  create: { row: RosterRow; fields: Fields }[];
  update: { row: RosterRow; school: School; fields: Fields }[];
  unchanged: number;
  /** Schools (by identifier) that get a principal account. */
  accountsFor: { code: string; name: string; contactName: string | null | undefined; schoolId: number | null }[];
  errors: ImportFinding[];
  warnings: ImportFinding[];
}

/** Every field of the school form but the identifier it is matched by: a field added to the form is compared too. */
const COMPARED = (Object.keys(schoolFields.shape) as (keyof SchoolFields)[]).filter((key): key is Exclude<keyof SchoolFields, 'code'> => key !== 'code');

function sameSchool(school: School, fields: Fields): boolean {
  return COMPARED.every((key) => {
    const stored = school[key] ?? null;
    const incoming = fields[key] ?? null;
    return typeof stored === 'number' || typeof incoming === 'number' ? Number(stored) === Number(incoming) : stored === incoming;
  });
}

/** A township's name as people write it: spaces and full-width forms do not make a different township. */
const townKey = (name: string) => name.replace(/\s/g, '').normalize('NFKC');

const where = (row: RosterRow, key: keyof RosterRow['at']) => rosterCellName(row.at[key], key);

/** Reads what the rows are as stored and decides what each does, or why it cannot: no writing. */
async function planRoster(db: Kysely<Database>, countyId: number, rows: readonly RosterRow[]): Promise<RosterPlan> {
  const county = await getOrgUnit(db, countyId);
  if (county?.level !== 'county') throw badRequest('countyId', '所属县（市、区）不存在。');
  const errors: ImportFinding[] = [];
  const warnings: ImportFinding[] = [];

  const townships = await db.selectFrom('orgUnits').select(['id', 'name']).where('parentId', '=', countyId).where('level', '=', 'township').execute();
  const townshipByName = new Map(townships.map((t) => [townKey(t.name), t.id]));
  const countySchools = await db.selectFrom('schools').selectAll().where('countyId', '=', countyId).execute();
  const byCode = new Map(countySchools.map((s) => [s.code, s]));
  const codes = [...new Set(rows.flatMap((r) => (r.fields.code === undefined ? [] : [r.fields.code])))];
  // Identifiers the file names that are held by schools of other counties (whose names are not shown).
  const foreign = new Set<string>();
  for (const part of chunks(codes.filter((c) => !byCode.has(c)))) {
    for (const s of await db.selectFrom('schools').select('code').where('code', 'in', part).execute()) foreign.add(s.code);
  }

  const firstOfCode = new Map<string, RosterRow>();
  const firstOfName = new Map<string, RosterRow>();
  const plan: RosterPlan = { county, create: [], update: [], unchanged: 0, accountsFor: [], errors, warnings };
  const accepted: { row: RosterRow; fields: Fields; school: School | undefined }[] = [];
  // A row with refused cells (the parser's findings) is checked for what could be read, so every finding shows at once.
  for (const row of rows) {
    const { code, name, type } = row.fields;
    let refused = false;
    const refuse = (key: keyof RosterRow['at'], rule: string, message: string) => {
      errors.push(importFinding(row.at[key], key, rule, `${where(row, key)}：${message}`));
      refused = true;
    };
    if (code !== undefined) {
      const seen = firstOfCode.get(code);
      if (seen) {
        refuse('code', 'duplicate', `学校标识码${code}在文件中出现了两次（另见第${seen.row}行），每所学校只能占一行。`);
        continue;
      }
      firstOfCode.set(code, row);
    }
    if (name !== undefined) {
      const sameName = firstOfName.get(name);
      if (sameName) refuse('name', 'duplicate', `学校名称“${name}”在文件中出现了两次（另见第${sameName.row}行），本县的学校名称不能重复。`);
      else firstOfName.set(name, row);
    }
    const problem = code !== undefined && type !== undefined ? schoolCodeProblem(code, type, county.code) : null;
    if (problem) refuse('code', 'code_rule', problem);
    // The school holding the identifier is not named: it lies in a county the caller may not see.
    if (code !== undefined && foreign.has(code)) refuse('code', 'other_county', `学校标识码${code}已被其他县（市、区）的学校使用，请核对。`);
    let townshipId: number | null = null;
    if (typeof row.township === 'string') {
      const found = townshipByName.get(townKey(row.township));
      if (found === undefined) {
        const known = townships.map((t) => t.name).join('、');
        refuse(
          'township',
          'unknown_township',
          `本县没有名为“${row.township}”的乡镇${known ? `（本县的乡镇：${known}）` : '（本县尚未设置乡镇，请留空）'}。乡镇不会由导入新建，请核对名称或先由系统管理员添加。`,
        );
      } else townshipId = found;
    }
    if (row.complete && !refused) accepted.push({ row, fields: { ...row.fields, townshipId }, school: byCode.get(row.fields.code) });
  }

  // A name may be taken by a school of the county the file leaves out (or renames away from it in another row).
  const renamed = new Map(accepted.filter((a) => a.school).map((a) => [a.school!.id, a.fields.name]));
  const holder = new Map<string, School>();
  for (const s of countySchools) holder.set(renamed.get(s.id) ?? s.name, s);
  for (const a of accepted) {
    const other = holder.get(a.fields.name);
    if (other && other.code !== a.fields.code) {
      errors.push(
        importFinding(
          a.row.at.name,
          'name',
          'name_taken',
          `${where(a.row, 'name')}：本县已有名为“${a.fields.name}”的学校（学校标识码${other.code}），学校名称不能重复。`,
        ),
      );
      continue;
    }
    if (!a.school) plan.create.push({ row: a.row, fields: a.fields });
    else if (sameSchool(a.school, a.fields)) plan.unchanged += 1;
    else plan.update.push({ row: a.row, school: a.school, fields: a.fields });
    if (a.school && !a.school.active) {
      warnings.push(
        importFinding(a.row.at.code, 'code', 'inactive', `${where(a.row, 'code')}：${a.school.name}已停用；导入只更新其资料，不会重新启用，也不为其开设账号。`),
      );
    }
  }

  // Every active school of the file without a principal account gets one, named by its identifier.
  const listed: { row: RosterRow; fields: Fields; school?: School | undefined }[] = [...plan.create, ...accepted.filter((a) => a.school?.active)];
  const schoolIds = listed.flatMap((l) => (l.school ? [l.school.id] : []));
  const withAccount = new Set<number>();
  for (const part of chunks(schoolIds)) {
    const users = await db.selectFrom('users').select('schoolId').where('role', '=', 'principal').where('schoolId', 'in', part).execute();
    for (const u of users) if (u.schoolId !== null) withAccount.add(u.schoolId);
  }
  const wanted = listed.filter((l) => !l.school || !withAccount.has(l.school.id));
  const taken = new Set<string>();
  for (const part of chunks(wanted.map((w) => w.fields.code))) {
    for (const u of await db.selectFrom('users').select('username').where('username', 'in', part).execute()) taken.add(u.username);
  }
  for (const { row, fields, school } of wanted) {
    const code = fields.code;
    if (taken.has(code)) {
      errors.push(
        importFinding(
          row.at.code,
          'code',
          'username_taken',
          `${where(row, 'code')}：要为该校开设的账号名${code}已被其他账号使用，无法开设校长账号；请先在账号管理中处理该账号。`,
        ),
      );
      continue;
    }
    plan.accountsFor.push({ code, name: fields.name, contactName: fields.contactName, schoolId: school?.id ?? null });
  }
  return plan;
}

/** One-time passwords hashed at once (the server's libuv pool has four threads; sign-ins need some). */
const HASHING_AT_ONCE = 2;

const uniqueViolation = (error: unknown) => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';

/** A principal's display name: the roster's contact, or the school's principal. */
const displayName = (school: { name: string; contactName: string | null | undefined }) => school.contactName ?? `${school.name.slice(0, 38)}校长`;

/** Checks (and, when clean and not a dry run, stores) a county's roster. */
export async function importSchoolRoster(
  db: Kysely<Database>,
  actor: Actor,
  countyId: number,
  rows: readonly RosterRow[],
  options: RosterOptions,
): Promise<RosterResult> {
  if (!ADMIN_ROLES.includes(actor.role)) throw forbidden('只有教育局管理员可以导入学校名单。');
  countyInScope(actor.scope, countyId);
  // Rows with refused cells come with the parser's findings: checked here too, never stored.
  const complete = rows.every((r) => r.complete);
  const result = (plan: RosterPlan, accounts: RosterAccount[] = [], stored = false): RosterResult => ({
    ok: complete && plan.errors.length === 0,
    created: stored ? plan.create.length : 0,
    updated: stored ? plan.update.length : 0,
    unchanged: plan.unchanged,
    accounts,
    errors: plan.errors,
    warnings: plan.warnings,
  });
  const checked = await planRoster(db, countyId, rows);
  if (checked.errors.length || options.dryRun || !complete) return result(checked);

  // Hashing is the slow part (scrypt, 32 MiB and tens of milliseconds each): done before the transaction, so no lock
  // waits on it, two at a time, so sign-ins (which hash on the same thread pool) still get through meanwhile.
  const hash = options.hash ?? hashPassword;
  const prepare = async (code: string) => {
    const password = generateInitialPassword();
    return [code, { password, hash: await hash(password) }] as const;
  };
  const secrets = new Map<string, { password: string; hash: string }>();
  const queue = checked.accountsFor.map((a) => a.code);
  const hasher = async () => {
    for (let code = queue.shift(); code !== undefined; code = queue.shift()) {
      const [, secret] = await prepare(code);
      secrets.set(code, secret);
    }
  };
  await Promise.all(Array.from({ length: Math.min(HASHING_AT_ONCE, queue.length) }, hasher));

  try {
    return await transact(db, async (trx) => {
      // One import of a county at a time: the second plans again once the first has committed.
      await trx.selectFrom('orgUnits').select('id').where('id', '=', countyId).forUpdate().execute();
      const plan = await planRoster(trx, countyId, rows);
      if (plan.errors.length) return result(plan);
      const created = new Map<string, School>();
      for (const { fields } of plan.create) created.set(fields.code, await createSchool(trx, actor, { ...fields, countyId }));
      for (const { school, fields } of plan.update) {
        const { code: _same, ...changes } = fields;
        await updateSchool(trx, actor, { schoolId: school.id, ...changes });
      }
      const accounts: RosterAccount[] = [];
      for (const wanted of plan.accountsFor) {
        const secret = secrets.get(wanted.code) ?? (await prepare(wanted.code))[1];
        // A new school by the identifier it was created with; a known one as planned (its name is the file's, stored by now).
        const schoolId = created.get(wanted.code)?.id ?? wanted.schoolId!;
        await createUser(
          trx,
          actor,
          { role: 'principal', username: wanted.code, displayName: displayName(wanted), password: secret.password, schoolId },
          { hash: async () => secret.hash, mustChangePassword: true },
        );
        accounts.push({ schoolCode: wanted.code, schoolName: wanted.name, username: wanted.code, initialPassword: secret.password });
      }
      if (plan.create.length || plan.update.length || accounts.length) {
        await recordAudit(trx, {
          actorId: actor.userId,
          action: 'import.schools',
          entity: 'import',
          entityId: options.fileHash.slice(0, 16),
          countyId,
          after: {
            file: options.fileName,
            sha256: options.fileHash,
            created: plan.create.map((c) => c.fields.code),
            updated: plan.update.map((u) => u.fields.code),
            unchanged: plan.unchanged,
            accounts: accounts.map((a) => a.username),
          },
        });
      }
      return result(plan, accounts, true);
    });
  } catch (error) {
    // A school or account created meanwhile by other means (the form, the accounts page) than another import.
    if (uniqueViolation(error) || (error instanceof AppError && error.code === 'CONFLICT')) {
      throw conflict('导入期间本县的学校或账号被他人修改，本次导入未保存任何数据，请重新导入。');
    }
    throw error;
  }
}

/** A county's roster as the template fills it in: its townships, and its active schools with their township's name. */
export async function countyRoster(
  db: Kysely<Database>,
  countyId: number,
): Promise<{ townships: string[]; schools: (School & { township: string | null })[] }> {
  const townships = await db
    .selectFrom('orgUnits')
    .select(['id', 'name'])
    .where('parentId', '=', countyId)
    .where('level', '=', 'township')
    .orderBy('code')
    .execute();
  const nameOf = new Map(townships.map((t) => [t.id, t.name]));
  const schools = await db.selectFrom('schools').selectAll().where('countyId', '=', countyId).where('active', '=', true).orderBy('code').execute();
  return {
    townships: townships.map((t) => t.name),
    schools: schools.map((s) => ({ ...s, township: s.townshipId === null ? null : (nameOf.get(s.townshipId) ?? null) })),
  };
}
