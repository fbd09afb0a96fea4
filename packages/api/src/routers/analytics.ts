import { ADJUSTED_INDICATORS, ALL_ROLES, degreeDaysInput, LOCATIONS, OVERSIGHT_ROLES, SCHOOL_TYPES } from '@oversight/domain';
import {
  compareCounties,
  comparisonModel,
  countyDegreeDays,
  myStanding,
  overview,
  ranking,
  schoolExpectations,
  schoolProfile,
  setDegreeDays,
  trend,
} from '@oversight/db';
import { z } from 'zod';
import { countyIdInput, indicatorInput, periodInput, quarterInput, schoolIdInput, unitIdInput, yearInput } from '../inputs.js';
import { actorOf, procedure, reads, router, signedIn } from '../trpc.js';

/** Figures rest on approved reports; with this flag, on submitted ones awaiting review as well. */
const includeSubmitted = z.boolean({ error: '是否包含待审核报表必须为是或否。' }).optional();

/** A window of figures: one quarter of a year, or (without `quarter`) the year so far. */
const window = { year: yearInput, quarter: quarterInput.optional(), includeSubmitted };
/** One county, every county under a unit (a city officer's county-against-county views), or all the caller sees. */
const counties = { countyId: countyIdInput.optional(), unitId: unitIdInput.optional() };
/** The indicators the fair comparison is made for. */
const adjustedIndicator = z.enum(ADJUSTED_INDICATORS, { error: '按特征调整的比较只适用于用电量、用水量、综合能耗。' });
const peerBasis = z.enum(['type', 'location', 'type_and_location'], { error: '同类学校的口径只能是同类型、同城乡分类或两者兼有。' }).optional();

export const analyticsRouter = router({
  /** The bureau's dashboard: every domain's figures against targets, completeness, 12-quarter trends. */
  overview: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES, target: 'county' } })
    .input(z.object({ ...counties, ...window }))
    .query(({ ctx, input }) => overview(reads(ctx), signedIn(ctx).scope, input)),

  /** A league table with names: bureau only (principals use `myStanding`). */
  ranking: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES, target: 'county' } })
    .input(
      z.object({
        ...counties,
        ...window,
        indicator: indicatorInput,
        peerGroup: z
          .object({
            type: z.enum(SCHOOL_TYPES, { error: '办学类型无效。' }).optional(),
            location: z.enum(LOCATIONS, { error: '城乡分类只能是城区、镇区或乡村。' }).optional(),
          })
          .optional(),
        /** Add the fair comparison: expected use, actual / expected, score 1–100 (electricity, water, energy). */
        adjusted: z.boolean({ error: '是否按特征调整必须为是或否。' }).optional(),
        sortBy: z.enum(['rank', 'score'], { error: '排序方式只能是名次或能效得分。' }).optional(),
      }),
    )
    .query(({ ctx, input }) => ranking(reads(ctx), signedIn(ctx).scope, input)),

  /** How the fair comparison's expectation is made: effects in words, R², the schools it rests on, the scatter, outliers. */
  model: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES, target: 'county' } })
    .input(z.object({ countyId: countyIdInput.optional(), cityId: unitIdInput.optional(), year: yearInput, indicator: adjustedIndicator }))
    .query(({ ctx, input }) => comparisonModel(ctx.db, signedIn(ctx).scope, input)),

  /** A school's actual against expected use over the years (one indicator, or all three); its principal too. */
  schoolExpectations: procedure
    .meta({ access: { roles: ALL_ROLES, target: 'school' } })
    .input(
      z.object({
        schoolId: schoolIdInput,
        indicator: adjustedIndicator.optional(),
        toYear: yearInput,
        years: z.number({ error: '年数必须是数字。' }).int('年数必须是整数。').min(1, '至少查看1年。').max(10, '最多查看10年。').optional(),
      }),
    )
    .query(({ ctx, input }) => schoolExpectations(ctx.db, signedIn(ctx).scope, input)),

  /** A county's heating and cooling degree days, every year entered. */
  degreeDays: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES, target: 'county' } })
    .input(z.object({ countyId: countyIdInput }))
    .query(({ ctx, input }) => countyDegreeDays(ctx.db, actorOf(ctx), input.countyId)),

  /** Enters or corrects a county's degree days of a year (the fair comparison's climate). */
  setDegreeDays: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES, target: 'county' } })
    .input(degreeDaysInput)
    .mutation(({ ctx, input }) => setDegreeDays(ctx.db, actorOf(ctx), input)),

  /** Quarter by quarter for a county (bureau) or one school (its principal too); the data layer checks the school. */
  trend: procedure
    .meta({ access: { roles: ALL_ROLES, target: 'county' } })
    .input(
      z.object({
        countyId: countyIdInput.optional(),
        schoolId: schoolIdInput.optional(),
        indicator: indicatorInput,
        from: periodInput,
        to: periodInput,
        includeSubmitted,
      }),
    )
    .query(({ ctx, input }) => trend(reads(ctx), signedIn(ctx).scope, input)),

  /** One school's page: every indicator over time against targets and the county and peer medians. */
  schoolProfile: procedure
    .meta({ access: { roles: ALL_ROLES, target: 'school' } })
    .input(z.object({ schoolId: schoolIdInput, ...window, peerGroup: peerBasis }))
    .query(({ ctx, input }) => schoolProfile(reads(ctx), signedIn(ctx).scope, input)),

  /** The principal's dashboard: own rank in the peer group and medians; no other school's name or figure. */
  myStanding: procedure
    .meta({ access: { roles: ALL_ROLES, target: 'school' } })
    .input(z.object({ schoolId: schoolIdInput, ...window, peerGroup: peerBasis }))
    .query(({ ctx, input }) => myStanding(reads(ctx), signedIn(ctx).scope, input)),

  /** County against county for city and province officers (counties outside the scope are left out). */
  compareCounties: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES } })
    .input(z.object({ unitId: unitIdInput.optional(), indicator: indicatorInput, ...window }))
    .query(({ ctx, input }) => compareCounties(reads(ctx), signedIn(ctx).scope, input)),
});
