import { ALL_ROLES, loginInput } from '@oversight/domain';
import { login, logout, type SignedInUser } from '@oversight/db';
import { procedure, router } from '../trpc.js';

/** What the client learns about the signed-in user (the scope stays on the server). */
const publicUser = ({ scope: _scope, ...user }: SignedInUser) => user;

export const authRouter = router({
  login: procedure
    .meta({ access: { public: true } })
    .input(loginInput)
    .mutation(async ({ ctx, input }) => {
      const session = await login(ctx.db, { ...input, address: ctx.address, previousToken: ctx.sessionToken ?? undefined }, ctx.authPolicy);
      ctx.setSessionCookie(session.token, session.expiresAt);
      return publicUser(session.user);
    }),

  logout: procedure.meta({ access: { roles: ALL_ROLES } }).mutation(async ({ ctx }) => {
    if (ctx.sessionToken) await logout(ctx.db, ctx.sessionToken);
    ctx.clearSessionCookie();
    return { ok: true };
  }),

  /** The signed-in user, or null when nobody is signed in (the sign-in page asks this first). */
  me: procedure.meta({ access: { public: true } }).query(({ ctx }) => (ctx.user ? publicUser(ctx.user) : null)),
});
