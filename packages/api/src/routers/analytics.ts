import { ALL_ROLES, LOCATIONS, OVERSIGHT_ROLES, SCHOOL_TYPES } from '@oversight/domain';
import { compareCounties, myStanding, overview, ranking, schoolProfile, trend } from '@oversight/db';
import { z } from 'zod';
import { countyIdInput, indicatorInput, periodInput, quarterInput, schoolIdInput, unitIdInput, yearInput } from '../inputs.js';
import { procedure, reads, router, signedIn } from '../trpc.js';

/** Figures rest on approved reports; with this flag, on submitted ones awaiting review as well. */
const includeSubmitted = z.boolean({ error: '是否包含待审核报表必须为是或否。' }).optional();

/** A window of figures: one quarter of a year, or (without `quarter`) the year so far. */
const window = { year: yearInput, quarter: quarterInput.optional(), includeSubmitted };
/** One county, every county under a unit (a city officer's county-against-county views), or all the caller sees. */
const counties = { countyId: countyIdInput.optional(), unitId: unitIdInput.optional() };
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
      }),
    )
    .query(({ ctx, input }) => ranking(reads(ctx), signedIn(ctx).scope, input)),

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
