import { ALL_ROLES, OVERSIGHT_ROLES, type Quarter, summarySectionsInput } from '@oversight/domain';
import { draftSchoolSummary, draftSummary, finalizeSummary, getSummary, listSummaries, saveSummary, summaryDrift } from '@oversight/db';
import { z } from 'zod';
import { countyIdInput, idInput as id, schoolIdInput, versionInput, yearInput as year } from '../inputs.js';
import { actorOf, procedure, reads, router, signedIn } from '../trpc.js';

const upToQuarter = z
  .number({ error: '截至季度必须是数字。' })
  .int('截至季度只能是1至4。')
  .min(1, '截至季度只能是1至4。')
  .max(4, '截至季度只能是1至4。')
  .transform((q) => q as Quarter);
const version = versionInput.min(1, '版本号无效。');
const summaryId = z.object({ id: id('总结编号') });
const place = { countyId: countyIdInput.optional(), cityId: id('市编号').optional() };
const oneOf = (v: { countyId?: number | undefined; cityId?: number | undefined }) => (v.countyId === undefined) !== (v.cityId === undefined);
const ONE_OF = { message: '请指定县（countyId）或市（cityId）其中之一。', path: ['countyId'] };

/**
 * The annual summary (issue 6). Drafting a county's or a city's summary is for the bureau; a school's own summary
 * for its principal (and its bureau). Reading, editing, finalising and the drift check are open to every role:
 * the service finds a summary only within the caller's scope (a principal: its own school's).
 */
export const summariesRouter = router({
  draft: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES, target: 'county' }, cost: 'draft' })
    .input(z.object({ ...place, year, upToQuarter: upToQuarter.optional() }).refine(oneOf, ONE_OF))
    .mutation(({ ctx, input }) => draftSummary(ctx.db, actorOf(ctx), input, {}, reads(ctx))),

  schoolDraft: procedure
    .meta({ access: { roles: ALL_ROLES, target: 'school' }, cost: 'draft' })
    .input(z.object({ schoolId: schoolIdInput, year, upToQuarter: upToQuarter.optional() }))
    .mutation(({ ctx, input }) => draftSchoolSummary(ctx.db, actorOf(ctx), input, {}, reads(ctx))),

  get: procedure
    .meta({ access: { roles: ALL_ROLES } })
    .input(summaryId)
    .query(({ ctx, input }) => getSummary(ctx.db, signedIn(ctx).scope, input.id)),

  list: procedure
    .meta({ access: { roles: ALL_ROLES, target: 'county' } })
    .input(z.object(place).refine(oneOf, ONE_OF))
    .query(({ ctx, input }) => listSummaries(ctx.db, signedIn(ctx).scope, input)),

  save: procedure
    .meta({ access: { roles: ALL_ROLES } })
    .input(
      z.object({
        id: id('总结编号'),
        version,
        sections: summarySectionsInput,
        title: z.string({ error: '标题必须是文字。' }).trim().min(1, '标题不能为空。').max(100, '标题不能超过100个字。').optional(),
      }),
    )
    .mutation(({ ctx, input }) => saveSummary(ctx.db, actorOf(ctx), input)),

  finalize: procedure
    .meta({ access: { roles: ALL_ROLES } })
    .input(z.object({ id: id('总结编号'), version }))
    .mutation(({ ctx, input }) => finalizeSummary(ctx.db, actorOf(ctx), input)),

  drift: procedure
    .meta({ access: { roles: ALL_ROLES } })
    .input(summaryId)
    .query(({ ctx, input }) => summaryDrift(ctx.db, signedIn(ctx).scope, input.id)),
});
