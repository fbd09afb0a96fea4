import { createTestDatabase, describeEachDatabase } from '@oversight/db/testing';
import type { DatabaseHandle } from '@oversight/db';
import type { CostLimits } from '@oversight/domain';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appRouter, type Meta } from '../src/index.js';
import { callerFor, failure, signedInAs, world } from './support.js';

/**
 * The costly procedures and their limit, without HTTP (the 429 status and Retry-After are checked over HTTP in
 * apps/api/test/limits.test.ts): which procedures are costly, and that the middleware refuses past the count.
 */
it('declares drafting as the costly procedures, and no dashboard', () => {
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: Meta } }>;
  const costly = Object.entries(procedures).flatMap(([path, p]) => (p._def.meta?.cost ? [`${path}: ${p._def.meta.cost}`] : []));
  expect(costly.sort()).toEqual(['summaries.draft: draft', 'summaries.schoolDraft: draft']);
});

await describeEachDatabase('limits of costly procedures', (kind) => {
  let handle: DatabaseHandle;
  let w: Awaited<ReturnType<typeof world>>;
  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    w = await world(handle.db);
  });
  afterAll(() => handle?.close());

  const limits: CostLimits = {
    draft: { attempts: 3, windowMinutes: 5 },
    document: { attempts: 1, windowMinutes: 5 },
    import: { attempts: 1, windowMinutes: 5 },
    export: { attempts: 1, windowMinutes: 5 },
  };
  const callerWith = async (userId: number, costLimits: CostLimits | null) => callerFor(handle.db, await signedInAs(handle.db, userId), undefined, costLimits);

  it('refuses drafting past the count, for the caller only, the county and school drafts counted together', async () => {
    const officer = await callerWith(w.users.officer.id, limits);
    await officer.summaries.draft({ countyId: w.countyA.id, year: 2026 });
    await officer.summaries.schoolDraft({ schoolId: w.schools.a1.id, year: 2026 });
    await officer.summaries.draft({ countyId: w.countyA.id, year: 2025 });
    const refused = await failure(officer.summaries.schoolDraft({ schoolId: w.schools.a2.id, year: 2026 }));
    expect(refused.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.message).toBe('生成总结草稿过于频繁（每5分钟最多3次），请在5分钟后再试。');
    const principal = await callerWith(w.users.principal.id, limits);
    expect((await principal.summaries.schoolDraft({ schoolId: w.schools.a1.id, year: 2026 })).level).toBe('school');
  });

  it('counts only calls access allows: a refused role does not use up the count', async () => {
    const principal = await callerWith(w.users.principal.id, { ...limits, draft: { attempts: 1, windowMinutes: 5 } });
    for (let i = 0; i < 3; i++) expect((await failure(principal.summaries.draft({ countyId: w.countyA.id, year: 2026 }))).code).toBe('FORBIDDEN');
  });

  it('counts nothing for an in-process caller without limits', async () => {
    const admin = await callerWith(w.users.systemAdmin.id, null);
    for (let i = 0; i < 5; i++) await admin.summaries.draft({ countyId: w.countyA2.id, year: 2026 });
    const rows = await handle.db.selectFrom('attemptCounters').select('key').where('key', 'like', `cost:%:user:${w.users.systemAdmin.id}`).execute();
    expect(rows).toEqual([]);
  });
});
