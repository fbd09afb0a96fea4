import { AppError, decideAccess, unstorableTextAt, type Access, type Cost } from '@oversight/domain';
import { actorOfUser, getSchool, reserveCostlyCall } from '@oversight/db';
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError } from 'zod';
import type { Context } from './context.js';

/**
 * Every procedure declares who may call it (`.meta({ access })`); the domain's `decideAccess` decides. A costly one
 * also names its kind (`cost`), and each user's calls of that kind are limited (the domain's `DEFAULT_COST_LIMITS`).
 */
export interface Meta {
  access: Access;
  cost?: Cost;
  /**
   * A write dashboards must show at once (a review decision): with a read replica, the answer waits until the replica
   * has replayed the commit (at most DATABASE_READ_WAIT_MS), so the next dashboard read includes it.
   */
  fresh?: true;
}

function zodSummary(error: ZodError): string {
  const first = error.issues[0];
  if (!first) return '输入有误。';
  const field = first.path.join('.');
  return field ? `${first.message}（字段：${field}）` : first.message;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }) {
      const zod = error.cause instanceof ZodError ? error.cause : null;
      const field = error.cause instanceof AppError ? error.cause.field : undefined;
      return {
        ...shape,
        message: zod ? zodSummary(zod) : shape.message,
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          field: field ?? zod?.issues[0]?.path.join('.') ?? null,
          issues: zod
            ? zod.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
            : error.cause instanceof AppError && error.cause.issues
              ? error.cause.issues.map((i) => ({ path: i.code, message: i.message, severity: i.severity ?? 'error' }))
              : null,
        },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Domain errors become tRPC errors with the same code; anything unexpected stays an internal error. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof AppError) throw new TRPCError({ code: cause.code, message: cause.message, cause });
    if (cause instanceof ZodError) throw new TRPCError({ code: 'BAD_REQUEST', message: zodSummary(cause), cause });
  }
  return result;
});

/** Adapts the domain's access decision to tRPC. */
const authorize = t.middleware(async ({ ctx, meta, path, getRawInput, next }) => {
  const access = meta?.access;
  if (!access) throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: `${path} 未声明访问规则。` });
  const needsInput = !('public' in access) && access.target !== undefined && ctx.user !== null;
  const params = needsInput ? (((await getRawInput()) ?? {}) as Record<string, unknown>) : {};
  const decision = await decideAccess(ctx.user, access, params, (id) => getSchool(ctx.db, id));
  if (!decision.allowed) throw new TRPCError({ code: decision.code, message: decision.message });
  return next();
});

/** A costly call, once allowed, is counted against its caller's limit of its kind and refused past it (429, Retry-After). */
const limitCost = t.middleware(async ({ ctx, meta, next }) => {
  if (meta?.cost && ctx.user && ctx.costLimits) await reserveCostlyCall(ctx.db, { cost: meta.cost, userId: ctx.user.id }, ctx.costLimits);
  return next();
});

/** Text the database cannot hold is refused for every procedure at once, naming where it is, before any service runs. */
const storableInput = t.middleware(async ({ getRawInput, next }) => {
  // A call without a readable input (no body for a procedure that takes none) is left to tRPC, as before.
  const field = unstorableTextAt(await getRawInput().catch(() => undefined));
  if (field !== null)
    throw new AppError('BAD_REQUEST', `输入含有无法保存的字符（空字符或残缺的表情符号），请删除后重新输入。（字段：${field || '输入'}）`, field);
  return next();
});

/** After a `fresh` call succeeds, waits for the replica (if any) to replay it. */
const catchUpReplica = t.middleware(async ({ ctx, meta, next }) => {
  const result = await next();
  if (result.ok && meta?.fresh && ctx.replica) await ctx.replica.catchUp();
  return result;
});

/**
 * Where dashboards and summary drafts read: the replica when there is one, else the primary. Only reads that may
 * lag a moment behind the caller's own writes go here; the report form, review pages and every write use `ctx.db`.
 */
export const reads = (ctx: Pick<Context, 'db' | 'replica'>) => ctx.replica?.db ?? ctx.db;

/** The one base procedure: every procedure is built on it and carries `.meta({ access })` (and `cost` when costly). */
export const procedure = t.procedure.use(mapErrors).use(authorize).use(limitCost).use(storableInput).use(catchUpReplica);

/** The signed-in user, for procedures whose access rule already guarantees one. */
export function signedIn(ctx: Context) {
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: '请先登录。' });
  return ctx.user;
}

/** The signed-in user as the actor of a service call. */
export const actorOf = (ctx: Context) => actorOfUser(signedIn(ctx));
