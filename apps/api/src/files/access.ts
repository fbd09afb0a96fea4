import type { Access } from '@oversight/api';
import { getSchool, userForSession, type Database, type Kysely, type SignedInUser } from '@oversight/db';
import { INT4_MAX, scopeIncludesCounty, scopeIncludesSchool } from '@oversight/domain';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Who may call a file route, declared on the route (`config: { access }`) in the same terms as a tRPC
 * procedure's `.meta({ access })`, and enforced by the one hook below with the same scope functions:
 * signed in, of one of the roles, and, with `target`, the `schoolId` / `countyId` query parameter in scope.
 */
export type FileAccess = Exclude<Access, { public: true }>;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: FileAccess;
  }
}

const users = new WeakMap<FastifyRequest, SignedInUser>();

/** The caller of a route guarded by `guardFileRoutes` (always signed in there). */
export function callerOf(request: FastifyRequest): SignedInUser {
  const user = users.get(request);
  if (!user) throw new Error('callerOf used on a route without access rules');
  return user;
}

const deny = (reply: FastifyReply, status: number, message: string) =>
  reply.code(status).type('application/json; charset=utf-8').send({ error: { message } });

/** Ids are PostgreSQL integers: anything else is refused here, before a lookup could fail in the database. */
const positiveId = (value: unknown) => (typeof value === 'string' && /^[1-9]\d{0,9}$/.test(value) && Number(value) <= INT4_MAX ? Number(value) : null);

export function guardFileRoutes(app: FastifyInstance, options: { db: Kysely<Database>; sessionCookie: string }): void {
  app.addHook('preHandler', async (request, reply) => {
    const access = request.routeOptions.config.access;
    if (!access) return deny(reply, 500, `${request.routeOptions.url ?? request.url} 未声明访问规则。`);
    const token = request.cookies[options.sessionCookie];
    const user = token ? await userForSession(options.db, token) : null;
    if (!user) return deny(reply, 401, '请先登录。');
    if (!access.roles.includes(user.role)) return deny(reply, 403, '您的账号无权执行此操作。');
    const query = (request.query ?? {}) as Record<string, unknown>;
    if (access.target === 'school') {
      const schoolId = positiveId(query.schoolId);
      if (schoolId === null) return deny(reply, 400, '缺少有效的学校编号（参数：schoolId）。');
      const school = await getSchool(options.db, schoolId);
      if (!school) return deny(reply, 404, '学校不存在。');
      if (!scopeIncludesSchool(user.scope, school)) return deny(reply, 403, '该学校不在您的管辖范围内。');
    } else if (access.target === 'county') {
      const countyId = positiveId(query.countyId);
      if (countyId === null) return deny(reply, 400, '缺少有效的县（市、区）编号（参数：countyId）。');
      if (!scopeIncludesCounty(user.scope, countyId)) return deny(reply, 403, '该县（市、区）不在您的管辖范围内。');
    }
    users.set(request, user);
  });
}
