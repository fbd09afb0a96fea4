import { sql, type Kysely } from 'kysely';
import type { Scope } from '@oversight/domain';
import type { Database, User } from '../schema.js';

export function findUserByUsername(db: Kysely<Database>, username: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where(sql`lower(username)`, '=', username.toLowerCase()).executeTakeFirst();
}

export function getUser(db: Kysely<Database>, id: number): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface UserSummary {
  id: number;
  username: string;
  displayName: string;
  role: User['role'];
  orgUnitId: number | null;
  schoolId: number | null;
  countyId: number | null;
  active: boolean;
}

/** Accounts the scope may see (never the password hash). */
export function listUsers(db: Kysely<Database>, scope: Scope): Promise<UserSummary[]> {
  let query = db.selectFrom('users').select(['id', 'username', 'displayName', 'role', 'orgUnitId', 'schoolId', 'countyId', 'active']);
  if (scope.kind === 'counties') query = query.where('countyId', 'in', scope.countyIds.length ? scope.countyIds : [-1]);
  if (scope.kind === 'school') query = query.where('schoolId', '=', scope.schoolId);
  return query.orderBy('role').orderBy('username').execute();
}
