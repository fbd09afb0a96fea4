import { passwordResetInput, principalCreateInput, userCreateInput } from '@oversight/domain';
import { createUser, listUsers, resetPassword, setUserActive } from '@oversight/db';
import { z } from 'zod';
import { actorOf, ADMINS, procedure, router, signedIn } from '../trpc.js';

export const usersRouter = router({
  list: procedure
    .meta({ access: { roles: ADMINS } })
    .query(({ ctx }) => listUsers(ctx.db, signedIn(ctx).scope)),

  create: procedure
    .meta({ access: { roles: ADMINS } })
    .input(userCreateInput)
    .mutation(({ ctx, input }) => createUser(ctx.db, actorOf(ctx), input)),

  createPrincipal: procedure
    .meta({ access: { roles: ADMINS, target: 'school' } })
    .input(principalCreateInput)
    .mutation(({ ctx, input }) => createUser(ctx.db, actorOf(ctx), { ...input, role: 'principal' })),

  resetPassword: procedure
    .meta({ access: { roles: ADMINS } })
    .input(passwordResetInput)
    .mutation(({ ctx, input }) => resetPassword(ctx.db, actorOf(ctx), input)),

  setActive: procedure
    .meta({ access: { roles: ADMINS } })
    .input(z.object({ userId: z.number().int().positive(), active: z.boolean() }))
    .mutation(({ ctx, input }) => setUserActive(ctx.db, actorOf(ctx), input)),
});
