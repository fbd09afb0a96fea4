import { ALL_ROLES, changePasswordInput, loginInput } from '@oversight/domain';
import { changeOwnPassword, login, logout, type SignedInUser } from '@oversight/db';
import { actorOf, procedure, router } from '../trpc.js';

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

  logout: procedure.meta({ access: { roles: ALL_ROLES, beforePasswordChange: true } }).mutation(async ({ ctx }) => {
    if (ctx.sessionToken) await logout(ctx.db, ctx.sessionToken);
    ctx.clearSessionCookie();
    return { ok: true };
  }),

  /** The signed-in user's own password; the one call (with me and logout) open to an account that must change it. */
  changePassword: procedure
    .meta({ access: { roles: ALL_ROLES, beforePasswordChange: true } })
    .input(changePasswordInput)
    .mutation(async ({ ctx, input }) => {
      await changeOwnPassword(ctx.db, actorOf(ctx), input, { sessionToken: ctx.sessionToken, limits: ctx.authPolicy?.signIn });
      return { ok: true };
    }),

  /** The signed-in user, or null when nobody is signed in (the sign-in page asks this first). */
  me: procedure.meta({ access: { public: true } }).query(({ ctx }) => (ctx.user ? publicUser(ctx.user) : null)),
});
