import { ALL_ROLES, DOMAIN_LABELS, INDICATORS, UNIT_LABELS } from '@oversight/domain';
import { procedure, router } from '../trpc.js';

export const catalogueRouter = router({
  /** The whole indicator catalogue, with domain and unit labels, for forms, tables and templates. */
  list: procedure.meta({ access: { roles: ALL_ROLES } }).query(() => ({
    indicators: INDICATORS,
    domains: DOMAIN_LABELS,
    units: UNIT_LABELS,
  })),
});
