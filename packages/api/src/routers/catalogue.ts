import { DOMAIN_LABELS, INDICATORS, UNIT_LABELS } from '@oversight/domain';
import { ANY_ROLE, procedure, router } from '../trpc.js';

export const catalogueRouter = router({
  /** The whole indicator catalogue, with domain and unit labels, for forms, tables and templates. */
  list: procedure.meta({ access: { roles: ANY_ROLE } }).query(() => ({
    indicators: INDICATORS,
    domains: DOMAIN_LABELS,
    units: UNIT_LABELS,
  })),
});
