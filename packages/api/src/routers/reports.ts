import { ADMIN_ROLES, ALL_ROLES, AppError, OVERSIGHT_ROLES } from '@oversight/domain';
import {
  approveReport,
  completeness,
  completenessMatrix,
  deadlineDays,
  dismissReminder,
  getReport,
  getSchool,
  officerWorkbench,
  remindMissing,
  reopenReport,
  reportHistory,
  returnReport,
  reviewQueue,
  saveReport,
  schoolReminders,
  setDeadlineDays,
  submitReport,
} from '@oversight/db';
import { z } from 'zod';
import {
  countyIdInput,
  countyPeriodInput as countyPeriod,
  idInput,
  periodInput as period,
  schoolIdInput,
  schoolPeriodInput as schoolPeriod,
  versionInput as version,
} from '../inputs.js';
import { actorOf, procedure, router } from '../trpc.js';

const value = z.union([z.number(), z.string().max(200, '单个值不能超过200个字符。'), z.boolean(), z.null()]);
const saveInput = schoolPeriod.extend({
  version,
  values: z.record(z.string().max(60), value),
  explanations: z.record(z.string().max(60), z.string().max(2000)).optional(),
});
const reason = z.string().trim().min(2, '请填写原因（至少2个字）。').max(500, '原因不能超过500字。');

export const reportsRouter = router({
  /** The report (an empty or pre-filled draft if none is stored), with its issues, deadline and last year's values. */
  get: procedure
    .meta({ access: { roles: ALL_ROLES, target: 'school' } })
    .input(schoolPeriod.extend({ withHistory: z.boolean().optional() }))
    .query(({ ctx, input }) => getReport(ctx.db, actorOf(ctx), input.schoolId, input.period, { withHistory: input.withHistory })),

  save: procedure
    .meta({ access: { roles: ALL_ROLES, target: 'school' } })
    .input(saveInput)
    .mutation(({ ctx, input }) => saveReport(ctx.db, actorOf(ctx), input)),

  /** The form's save while typing: the same checks and write, answered with the stored report only (the form
   * rechecks the draft itself with `draftFindings` and the report's `checks`). */
  autosave: procedure
    .meta({ access: { roles: ALL_ROLES, target: 'school' } })
    .input(saveInput)
    .mutation(({ ctx, input }) => saveReport(ctx.db, actorOf(ctx), input, { returning: 'version' })),

  submit: procedure
    .meta({ fresh: true, access: { roles: ALL_ROLES, target: 'school' } })
    .input(schoolPeriod.extend({ version }))
    .mutation(({ ctx, input }) => submitReport(ctx.db, actorOf(ctx), input)),

  approve: procedure
    .meta({ fresh: true, access: { roles: OVERSIGHT_ROLES, target: 'school' } })
    .input(schoolPeriod.extend({ version }))
    .mutation(({ ctx, input }) => approveReport(ctx.db, actorOf(ctx), input)),

  returnForRevision: procedure
    .meta({ fresh: true, access: { roles: OVERSIGHT_ROLES, target: 'school' } })
    .input(schoolPeriod.extend({ version, reason }))
    .mutation(({ ctx, input }) => returnReport(ctx.db, actorOf(ctx), input)),

  reopen: procedure
    .meta({ fresh: true, access: { roles: OVERSIGHT_ROLES, target: 'school' } })
    .input(schoolPeriod.extend({ reason }))
    .mutation(({ ctx, input }) => reopenReport(ctx.db, actorOf(ctx), input)),

  history: procedure
    .meta({ access: { roles: ALL_ROLES, target: 'school' } })
    .input(schoolPeriod)
    .query(({ ctx, input }) => reportHistory(ctx.db, actorOf(ctx), input.schoolId, input.period)),

  completeness: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES, target: 'county' } })
    .input(countyPeriod)
    .query(({ ctx, input }) => completeness(ctx.db, actorOf(ctx), input.countyId, input.period)),

  matrix: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES, target: 'county' } })
    .input(z.object({ countyId: countyIdInput, periods: z.array(period).min(1).max(16, '一次最多查看16个季度。') }))
    .query(({ ctx, input }) => completenessMatrix(ctx.db, actorOf(ctx), input.countyId, input.periods)),

  reviewQueue: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES, target: 'county' } })
    .input(z.object({ countyId: countyIdInput, period: period.optional() }))
    .query(({ ctx, input }) => reviewQueue(ctx.db, actorOf(ctx), input.countyId, input.period)),

  /** Approves several reports at once; each must belong to the county and still be at the version shown. */
  approveMany: procedure
    .meta({ fresh: true, access: { roles: OVERSIGHT_ROLES, target: 'county' } })
    .input(
      z.object({
        countyId: countyIdInput,
        items: z
          .array(z.object({ schoolId: schoolIdInput, period, version }))
          .min(1)
          .max(500, '一次最多审核500份报表。'),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const results: { schoolId: number; period: string; ok: boolean; message: string | null }[] = [];
      for (const item of input.items) {
        try {
          const school = await getSchool(ctx.db, item.schoolId);
          if (school?.countyId !== input.countyId) throw new AppError('FORBIDDEN', '该学校不在本县。');
          await approveReport(ctx.db, actorOf(ctx), item, { returning: 'version' });
          results.push({ ...item, ok: true, message: null });
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          results.push({ ...item, ok: false, message: error.message });
        }
      }
      return { approved: results.filter((r) => r.ok).length, results };
    }),

  remindMissing: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES, target: 'county' } })
    .input(countyPeriod)
    .mutation(({ ctx, input }) => remindMissing(ctx.db, actorOf(ctx), input.countyId, input.period)),

  /** The officer's workbench: reports awaiting review, schools not yet reported with the deadline, targets at risk. */
  workbench: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES, target: 'county' } })
    .input(z.object({ countyId: countyIdInput, period: period.optional() }))
    .query(({ ctx, input }) => officerWorkbench(ctx.db, actorOf(ctx), input)),

  reminders: procedure
    .meta({ access: { roles: ALL_ROLES, target: 'school' } })
    .input(z.object({ schoolId: schoolIdInput }))
    .query(({ ctx, input }) => schoolReminders(ctx.db, actorOf(ctx), input.schoolId)),

  dismissReminder: procedure
    .meta({ access: { roles: ['principal'], target: 'school' } })
    .input(z.object({ schoolId: schoolIdInput, reminderId: idInput('提醒编号') }))
    .mutation(({ ctx, input }) => dismissReminder(ctx.db, actorOf(ctx), input.schoolId, input.reminderId)),

  deadline: procedure
    .meta({ access: { roles: ALL_ROLES, target: 'county' } })
    .input(z.object({ countyId: countyIdInput }))
    .query(async ({ ctx, input }) => ({ days: await deadlineDays(ctx.db, input.countyId) })),

  setDeadline: procedure
    .meta({ access: { roles: ADMIN_ROLES, target: 'county' } })
    .input(z.object({ countyId: countyIdInput, days: z.number().int().min(0, '报送期限不能为负。').max(90, '报送期限不能超过季度结束后90天。') }))
    .mutation(async ({ ctx, input }) => {
      await setDeadlineDays(ctx.db, actorOf(ctx), input.countyId, input.days);
      return { days: input.days };
    }),
});
