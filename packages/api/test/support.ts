import { createOrgUnit, createSchool, createUser, describeUser, getUser, SYSTEM_ACTOR, type Database, type Kysely, type SignedInUser } from '@oversight/db';
import { schoolInput } from '@oversight/db/testing';
import type { CostLimits } from '@oversight/domain';
import { TRPCError } from '@trpc/server';
import { expect } from 'vitest';
import { createCaller, type Context } from '../src/index.js';

export const PASSWORD = 'secret123';

export interface CallerLog {
  cookie: string | null;
}

/**
 * A caller as the given user (or anonymous), without HTTP; the log shows what it did to the session cookie. Costly
 * calls are not counted unless `costLimits` are given (tests call far more often than people do).
 */
export function callerFor(db: Kysely<Database>, user: SignedInUser | null, log: CallerLog = { cookie: null }, costLimits: CostLimits | null = null) {
  const ctx: Context = {
    db,
    user,
    sessionToken: null,
    address: '127.0.0.1',
    costLimits,
    setSessionCookie: (token) => {
      log.cookie = token;
    },
    clearSessionCookie: () => {
      log.cookie = null;
    },
  };
  return createCaller(ctx);
}

export async function signedInAs(db: Kysely<Database>, userId: number): Promise<SignedInUser> {
  return describeUser(db, (await getUser(db, userId))!);
}

let sequence = 0;
export const unique = (prefix: string) => `${prefix}${++sequence}`;

export { schoolInput };

/**
 * A province with two cities: city A has counties A and A2, city B has county B.
 * County A has schools a1 and a2; county A2 has school c; county B has school b.
 * Accounts: system admin, bureau admin and officer of county A, an officer of city A, the principal of a1,
 * and a principal and an officer elsewhere to act on.
 */
export async function world(db: Kysely<Database>) {
  const unit = (parentId: number | null, level: 'province' | 'city' | 'county', code: string, name: string) =>
    createOrgUnit(db, SYSTEM_ACTOR, { parentId, level, code, name });
  const province = await unit(null, 'province', '510000', '四川省');
  const cityA = await unit(province.id, 'city', '511600', '甲市');
  const cityB = await unit(province.id, 'city', '511700', '乙市');
  const countyA = await unit(cityA.id, 'county', '511681', '甲县');
  const countyA2 = await unit(cityA.id, 'county', '511682', '丙县');
  const countyB = await unit(cityB.id, 'county', '511781', '乙县');
  const school = (countyId: number) => createSchool(db, SYSTEM_ACTOR, schoolInput(countyId));
  const schools = { a1: await school(countyA.id), a2: await school(countyA.id), c: await school(countyA2.id), b: await school(countyB.id) };
  const account = (role: 'system_admin' | 'bureau_admin' | 'bureau_officer', extra: { orgUnitId?: number }) =>
    createUser(db, SYSTEM_ACTOR, {
      role,
      username: unique(role.replace('_', '')),
      displayName: role,
      password: PASSWORD,
      ...extra,
    });
  const principalFor = async (schoolId: number, countyId: number) => {
    const bureauActor = { userId: null, role: 'bureau_admin' as const, scope: { kind: 'counties' as const, countyIds: [countyId] } };
    return createUser(db, bureauActor, { role: 'principal', username: unique('principal'), displayName: '校长', password: PASSWORD, schoolId });
  };
  const users = {
    systemAdmin: await account('system_admin', {}),
    bureauAdmin: await account('bureau_admin', { orgUnitId: countyA.id }),
    officer: await account('bureau_officer', { orgUnitId: countyA.id }),
    cityOfficer: await account('bureau_officer', { orgUnitId: cityA.id }),
    principal: await principalFor(schools.a1.id, countyA.id),
  };
  return { province, cityA, cityB, countyA, countyA2, countyB, schools, users, principalFor, account };
}

/** The tRPC error a call ended with (fails the test if it succeeded). */
export async function failure(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}
