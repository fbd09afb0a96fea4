import { choosePracticesInput, MEASURE_DOMAINS, measureInput, measureUpdateInput, OVERSIGHT_ROLES } from '@oversight/domain';
import { addMeasure, choosePractices, listMeasures, removeMeasure, schoolPractices, updateMeasure } from '@oversight/db';
import { z } from 'zod';
import { countyYearInput, idInput } from '../inputs.js';
import { actorOf, procedure, router, signedIn } from '../trpc.js';

/** The bureau's measures per domain and year and the schools' practices it quotes as 典型做法 (issue 16); audited. */
export const measuresRouter = router({
  /** A county's measures of a year, with the practices chosen for each domain. */
  list: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES, target: 'county' } })
    .input(countyYearInput)
    .query(({ ctx, input }) => listMeasures(ctx.db, signedIn(ctx).scope, input)),

  add: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES, target: 'county' } })
    .input(measureInput)
    .mutation(({ ctx, input }) => addMeasure(ctx.db, actorOf(ctx), input)),

  /** The measure's county must be in the caller's scope (checked by the data layer, which loads it). */
  update: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES } })
    .input(measureUpdateInput)
    .mutation(({ ctx, input }) => updateMeasure(ctx.db, actorOf(ctx), input)),

  remove: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES } })
    .input(z.object({ id: idInput('措施编号') }))
    .mutation(async ({ ctx, input }) => {
      await removeMeasure(ctx.db, actorOf(ctx), input.id);
      return { id: input.id };
    }),

  /** The schools' practice texts of the year (every quarter, handed-in reports), to choose 典型做法 from. */
  practices: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES, target: 'county' } })
    .input(countyYearInput.extend({ domain: z.enum(MEASURE_DOMAINS, { error: '工作领域只能是各项保险、节能降耗、绿色校园或食堂管理。' }).optional() }))
    .query(({ ctx, input }) => schoolPractices(ctx.db, signedIn(ctx).scope, input)),

  /** Replaces the typical practices of one domain and year (at most three, in the order given). */
  choosePractices: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES, target: 'county' } })
    .input(choosePracticesInput)
    .mutation(({ ctx, input }) => choosePractices(ctx.db, actorOf(ctx), input)),
});
