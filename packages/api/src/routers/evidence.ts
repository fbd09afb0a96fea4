import { ADMIN_ROLES, ALL_ROLES, type EvidenceListEntry, type Period } from '@oversight/domain';
import { evidenceRequiredFrom, listEvidence, setEvidenceRequiredFrom } from '@oversight/db';
import { z } from 'zod';
import { countyIdInput, periodInput, schoolPeriodInput } from '../inputs.js';
import { actorOf, procedure, router } from '../trpc.js';

/**
 * Evidence (佐证材料): the files themselves go up and down through the HTTP routes (`apps/api/src/evidence/`);
 * here a report's list, and from which quarter a county requires the evidence its catalogue entries name.
 */
export const evidenceRouter = router({
  /** A report's files, oldest first: `{ id, name, size, type, sha256, indicator, domain, uploadedAt (ISO), uploadedBy }`. */
  list: procedure
    .meta({ access: { roles: ALL_ROLES, target: 'school' } })
    .input(schoolPeriodInput)
    .query(({ ctx, input }): Promise<EvidenceListEntry[]> => listEvidence(ctx.db, actorOf(ctx), input.schoolId, input.period)),

  /** The first quarter whose reports must carry their evidence (null: none required). */
  requiredFrom: procedure
    .meta({ access: { roles: ALL_ROLES, target: 'county' } })
    .input(z.object({ countyId: countyIdInput }))
    .query(async ({ ctx, input }): Promise<{ from: Period | null }> => ({ from: await evidenceRequiredFrom(ctx.db, actorOf(ctx), input.countyId) })),

  setRequiredFrom: procedure
    .meta({ access: { roles: ADMIN_ROLES, target: 'county' } })
    .input(z.object({ countyId: countyIdInput, from: periodInput.nullable() }))
    .mutation(async ({ ctx, input }): Promise<{ from: Period | null }> => {
      await setEvidenceRequiredFrom(ctx.db, actorOf(ctx), input.countyId, input.from);
      return { from: input.from };
    }),
});
