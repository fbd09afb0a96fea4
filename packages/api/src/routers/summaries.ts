import { ALL_ROLES, INT4_MAX, OVERSIGHT_ROLES, type Quarter, summarySectionsInput } from '@oversight/domain';
import { draftSchoolSummary, draftSummary, finalizeSummary, getSummary, listSummaries, saveSummary, summaryDrift } from '@oversight/db';
import { z } from 'zod';
import { actorOf, procedure, router, signedIn } from '../trpc.js';

/** PostgreSQL's integer columns end here: a larger id or version is refused as input, never sent to a query. */
const id = (name: string) => z.number({ error: `${name}必须是数字。` }).int(`${name}无效。`).positive(`${name}无效。`).max(INT4_MAX, `${name}无效。`);
const year = z.number({ error: '年度必须是数字。' }).int('年度必须是整数。').min(2000, '年度不能早于2000年。').max(2100, '年度不能晚于2100年。');
const upToQuarter = z
  .number({ error: '截至季度必须是数字。' })
  .int('截至季度只能是1至4。')
  .min(1, '截至季度只能是1至4。')
  .max(4, '截至季度只能是1至4。')
  .transform((q) => q as Quarter);
const version = z.number({ error: '版本号必须是数字。' }).int('版本号无效。').min(1, '版本号无效。').max(INT4_MAX, '版本号无效。');
const summaryId = z.object({ id: id('总结编号') });
const place = { countyId: id('县（市、区）编号').optional(), cityId: id('市编号').optional() };
const oneOf = (v: { countyId?: number | undefined; cityId?: number | undefined }) => (v.countyId === undefined) !== (v.cityId === undefined);
const ONE_OF = { message: '请指定县（countyId）或市（cityId）其中之一。', path: ['countyId'] };

/**
 * The annual summary (issue 6). Drafting a county's or a city's summary is for the bureau; a school's own summary
 * for its principal (and its bureau). Reading, editing, finalising and the drift check are open to every role:
 * the service finds a summary only within the caller's scope (a principal: its own school's).
 */
export const summariesRouter = router({
  draft: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES, target: 'county' } })
    .input(z.object({ ...place, year, upToQuarter: upToQuarter.optional() }).refine(oneOf, ONE_OF))
    .mutation(({ ctx, input }) => draftSummary(ctx.db, actorOf(ctx), input)),

  schoolDraft: procedure
    .meta({ access: { roles: ALL_ROLES, target: 'school' } })
    .input(z.object({ schoolId: id('学校编号'), year, upToQuarter: upToQuarter.optional() }))
    .mutation(({ ctx, input }) => draftSchoolSummary(ctx.db, actorOf(ctx), input)),

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
    .input(z.object({ id: id('总结编号'), version, sections: summarySectionsInput, title: z.string({ error: '标题必须是文字。' }).trim().min(1, '标题不能为空。').max(100, '标题不能超过100个字。').optional() }))
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
