import { getSchool, reserveCostlyCall, TooManyAttempts, userForSession, type Database, type Kysely, type SignedInUser } from '@oversight/db';
import { decideAccess, type Access, type Cost, type CostLimits } from '@oversight/domain';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HTTP_STATUS } from './reply.js';

/**
 * Who may call a file route, declared on the route (`config: { access }`) in the same terms as a tRPC
 * procedure's `.meta({ access })`, and decided by the same domain function (`decideAccess`) in the hook below;
 * with `target`, the `schoolId` / `countyId` query or path parameter is the target. A costly route also names its kind
 * (`config: { access, cost }`), counted per user after access is decided, as a procedure's `.meta({ cost })` is.
 */
export type FileAccess = Exclude<Access, { public: true }>;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: FileAccess;
    cost?: Cost;
  }
}

const users = new WeakMap<FastifyRequest, SignedInUser>();

/** The caller of a route guarded by `guardFileRoutes` (always signed in there). */
export function callerOf(request: FastifyRequest): SignedInUser {
  const user = users.get(request);
  if (!user) throw new Error('callerOf used on a route without access rules');
  return user;
}

const deny = (reply: FastifyReply, status: number, message: string) => reply.code(status).type('application/json; charset=utf-8').send({ error: { message } });

export interface GuardOptions {
  db: Kysely<Database>;
  sessionCookie: string;
  /** How often each user may call the costly routes; null counts nothing (tests that make many calls). */
  costLimits: CostLimits | null;
}

export function guardFileRoutes(app: FastifyInstance, options: GuardOptions): void {
  app.addHook('preHandler', async (request, reply) => {
    const access = request.routeOptions.config.access;
    if (!access) return deny(reply, 500, `${request.routeOptions.url ?? request.url} 未声明访问规则。`);
    const token = request.cookies[options.sessionCookie];
    const user = token ? await userForSession(options.db, token) : null;
    // The target is named in the query (`?schoolId=`) or the path (`/api/reports/:schoolId/…`).
    const params = { ...((request.query ?? {}) as Record<string, unknown>), ...((request.params ?? {}) as Record<string, unknown>) };
    const decision = await decideAccess(user, access, params, (id) => getSchool(options.db, id));
    if (!decision.allowed) return deny(reply, HTTP_STATUS[decision.code], decision.message);
    if (!user) return deny(reply, 401, '请先登录。');
    const cost = request.routeOptions.config.cost;
    if (cost && options.costLimits) {
      try {
        await reserveCostlyCall(options.db, { cost, userId: user.id }, options.costLimits);
      } catch (error) {
        if (!(error instanceof TooManyAttempts)) throw error;
        reply.header('retry-after', String(error.retryAfterSeconds));
        return deny(reply, 429, error.message);
      }
    }
    users.set(request, user);
  });
}
