import { ADMIN_ROLES, passwordResetInput, principalCreateInput, userCreateInput } from '@oversight/domain';
import { createUser, listUsers, resetPassword, setUserActive } from '@oversight/db';
import { z } from 'zod';
import { idInput } from '../inputs.js';
import { actorOf, procedure, router, signedIn } from '../trpc.js';

export const usersRouter = router({
  list: procedure.meta({ access: { roles: ADMIN_ROLES } }).query(({ ctx }) => listUsers(ctx.db, signedIn(ctx).scope)),

  create: procedure
    .meta({ access: { roles: ADMIN_ROLES } })
    .input(userCreateInput)
    .mutation(({ ctx, input }) => createUser(ctx.db, actorOf(ctx), input)),

  createPrincipal: procedure
    .meta({ access: { roles: ADMIN_ROLES, target: 'school' } })
    .input(principalCreateInput)
    .mutation(({ ctx, input }) => createUser(ctx.db, actorOf(ctx), { ...input, role: 'principal' })),

  resetPassword: procedure
    .meta({ access: { roles: ADMIN_ROLES } })
    .input(passwordResetInput)
    .mutation(({ ctx, input }) => resetPassword(ctx.db, actorOf(ctx), input)),

  setActive: procedure
    .meta({ access: { roles: ADMIN_ROLES } })
    .input(z.object({ userId: idInput('账号编号'), active: z.boolean() }))
    .mutation(({ ctx, input }) => setUserActive(ctx.db, actorOf(ctx), input)),
});
