import { ALL_ROLES, isPeriod, LOCATIONS, OVERSIGHT_ROLES, type Period, SCHOOL_TYPES } from '@oversight/domain';
import { compareCounties, myStanding, overview, ranking, schoolProfile, trend } from '@oversight/db';
import { z } from 'zod';
import { procedure, router, signedIn } from '../trpc.js';

const id = (name: string) => z.number({ error: `${name}必须是数字。` }).int(`${name}无效。`).positive(`${name}无效。`);
export const yearInput = z.number({ error: '年度必须是数字。' }).int('年度必须是整数。').min(2000, '年度不能早于2000年。').max(2100, '年度不能晚于2100年。');
export const quarterInput = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)], { error: '季度只能是1、2、3或4。' });
const periodInput = z.custom<Period>((v) => typeof v === 'string' && isPeriod(v), '季度格式应为“2026Q1”。');
const indicatorInput = z.string({ error: '请选择指标。' }).trim().min(1, '请选择指标。').max(60, '指标代码过长。');
/** Figures rest on approved reports; with this flag, on submitted ones awaiting review as well. */
const includeSubmitted = z.boolean({ error: '是否包含待审核报表必须为是或否。' }).optional();

/** A window of figures: one quarter of a year, or (without `quarter`) the year so far. */
const window = { year: yearInput, quarter: quarterInput.optional(), includeSubmitted };
/** One county, every county under a unit (a city officer's county-against-county views), or all the caller sees. */
const counties = { countyId: id('县（市、区）编号').optional(), unitId: id('单位编号').optional() };
const peerBasis = z.enum(['type', 'location', 'type_and_location'], { error: '同类学校的口径只能是同类型、同城乡分类或两者兼有。' }).optional();

export const analyticsRouter = router({
  /** The bureau's dashboard: every domain's figures against targets, completeness, 12-quarter trends. */
  overview: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES, target: 'county' } })
    .input(z.object({ ...counties, ...window }))
    .query(({ ctx, input }) => overview(ctx.db, signedIn(ctx).scope, input)),

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
      }),
    )
    .query(({ ctx, input }) => ranking(ctx.db, signedIn(ctx).scope, input)),

  /** Quarter by quarter for a county (bureau) or one school (its principal too); the data layer checks the school. */
  trend: procedure
    .meta({ access: { roles: ALL_ROLES, target: 'county' } })
    .input(
      z.object({
        countyId: id('县（市、区）编号').optional(),
        schoolId: id('学校编号').optional(),
        indicator: indicatorInput,
        from: periodInput,
        to: periodInput,
        includeSubmitted,
      }),
    )
    .query(({ ctx, input }) => trend(ctx.db, signedIn(ctx).scope, input)),

  /** One school's page: every indicator over time against targets and the county and peer medians. */
  schoolProfile: procedure
    .meta({ access: { roles: ALL_ROLES, target: 'school' } })
    .input(z.object({ schoolId: id('学校编号'), ...window, peerGroup: peerBasis }))
    .query(({ ctx, input }) => schoolProfile(ctx.db, signedIn(ctx).scope, input)),

  /** The principal's dashboard: own rank in the peer group and medians; no other school's name or figure. */
  myStanding: procedure
    .meta({ access: { roles: ALL_ROLES, target: 'school' } })
    .input(z.object({ schoolId: id('学校编号'), ...window, peerGroup: peerBasis }))
    .query(({ ctx, input }) => myStanding(ctx.db, signedIn(ctx).scope, input)),

  /** County against county for city and province officers (counties outside the scope are left out). */
  compareCounties: procedure
    .meta({ access: { roles: OVERSIGHT_ROLES } })
    .input(z.object({ unitId: id('单位编号').optional(), indicator: indicatorInput, ...window }))
    .query(({ ctx, input }) => compareCounties(ctx.db, signedIn(ctx).scope, input)),
});
