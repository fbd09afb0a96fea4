import { OVERSIGHT_ROLES, targetInput } from '@oversight/domain';
import {
  copyTargetsFromPreviousYear,
  listTargets,
  remindAtRisk,
  removeTarget,
  setTarget,
  targetAttainment,
  decideProposal,
  targetProposals,
  targetWarnings,
} from '@oversight/db';
import { z } from 'zod';
import { actorOf, procedure, router, signedIn } from '../trpc.js';
import { countyYearInput as countyYear, idInput, quarterInput } from '../inputs.js';

export const targetsRouter = router({
  list: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES, target: 'county' } })
    .input(countyYear)
    .query(({ ctx, input }) => listTargets(ctx.db, signedIn(ctx).scope, input)),

  /** Sets (or replaces) a target; checked against the catalogue; audited. Rates and shares in percent (95 = 95%). */
  set: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES, target: 'county' } })
    .input(targetInput)
    .mutation(({ ctx, input }) => setTarget(ctx.db, actorOf(ctx), input)),

  /** The target's county must be in the caller's scope (checked by the data layer, which loads it). */
  remove: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES } })
    .input(z.object({ id: idInput('目标编号') }))
    .mutation(async ({ ctx, input }) => {
      await removeTarget(ctx.db, actorOf(ctx), input.id);
      return { id: input.id };
    }),

  copyFromPreviousYear: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES, target: 'county' } })
    .input(countyYear)
    .mutation(({ ctx, input }) => copyTargetsFromPreviousYear(ctx.db, actorOf(ctx), input)),

  /** Every target for the year so far and for the full year (a projection until the year is complete, labelled). */
  attainment: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES, target: 'county' } })
    .input(countyYear.extend({ upToQuarter: quarterInput.optional(), includeSubmitted: z.boolean().optional() }))
    .query(({ ctx, input }) => targetAttainment(ctx.db, signedIn(ctx).scope, input)),

  /** Next year's targets proposed from the data, with the reasoning; nothing is set (accepting calls `set`). */
  propose: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES, target: 'county' } })
    .input(countyYear)
    .query(({ ctx, input }) => targetProposals(ctx.db, signedIn(ctx).scope, input)),

  /** Declines (不采纳) a proposal for the county's year, or restores it; kept and audited, sets no target. */
  decideProposal: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES, target: 'county' } })
    .input(countyYear.extend({ key: z.string().trim().min(1, '目标建议标识不能为空').max(200, '目标建议标识过长'), declined: z.boolean() }))
    .mutation(({ ctx, input }) => decideProposal(ctx.db, actorOf(ctx), input)),

  /** Schools projected from the quarters approved so far to miss their each-school targets at year end. */
  warnings: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES, target: 'county' } })
    .input(countyYear)
    .query(({ ctx, input }) => targetWarnings(ctx.db, signedIn(ctx).scope, input)),

  /** Reminds the schools at risk (the same message is not sent twice within 24 hours). */
  remindAtRisk: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES, target: 'county' } })
    .input(countyYear)
    .mutation(({ ctx, input }) => remindAtRisk(ctx.db, actorOf(ctx), input)),
});
