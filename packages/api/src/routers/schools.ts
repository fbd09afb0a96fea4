import { ADMIN_ROLES, ALL_ROLES, schoolCreateInput, schoolUpdateInput } from '@oversight/domain';
import { createSchool, getSchool, listSchools, updateSchool } from '@oversight/db';
import { z } from 'zod';
import { countyIdInput, schoolIdInput } from '../inputs.js';
import { actorOf, procedure, router, signedIn } from '../trpc.js';

export const schoolsRouter = router({
  list: procedure
    .meta({ access: { roles: ALL_ROLES, target: 'county' } })
    .input(
      z
        .object({
          countyId: countyIdInput.optional(),
          search: z.string().trim().max(60, '搜索词不能超过60个字。').optional(),
          includeInactive: z.boolean().optional(),
        })
        .optional(),
    )
    .query(({ ctx, input }) => listSchools(ctx.db, signedIn(ctx).scope, input ?? {})),

  get: procedure
    .meta({ access: { roles: ALL_ROLES, target: 'school' } })
    .input(z.object({ schoolId: schoolIdInput }))
    .query(async ({ ctx, input }) => (await getSchool(ctx.db, input.schoolId))!),

  create: procedure
    .meta({ access: { roles: ADMIN_ROLES, target: 'county' } })
    .input(schoolCreateInput)
    .mutation(({ ctx, input }) => createSchool(ctx.db, actorOf(ctx), input)),

  update: procedure
    .meta({ access: { roles: ADMIN_ROLES, target: 'school' } })
    .input(schoolUpdateInput)
    .mutation(({ ctx, input }) => updateSchool(ctx.db, actorOf(ctx), input)),
});
