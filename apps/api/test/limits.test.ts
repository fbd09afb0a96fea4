import { draftSchoolSummary, type DatabaseHandle } from '@oversight/db';
import { createTestDatabase, describeEachDatabase } from '@oversight/db/testing';
import { costKey, COSTS, type Cost, type CostLimits } from '@oversight/domain';
import type { FastifyInstance, LightMyRequestResponse as Response } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cookie, county, download, HOST, ORIGIN, server, upload } from './files-support.js';

/**
 * Per-user limits of costly calls over HTTP, with a small table injected (two calls of each kind per window): past
 * its count each kind is refused with 429, a Chinese message naming it and when to try again, and Retry-After; the
 * count is per user; calls arriving together are each counted; a server left to its defaults counts too.
 */
const LIMIT = 2;
const SMALL: CostLimits = Object.fromEntries(COSTS.map((c) => [c, { attempts: LIMIT, windowMinutes: 10 }])) as CostLimits;
const MESSAGE: Record<Cost, string> = {
  draft: '生成总结草稿过于频繁',
  document: '下载总结文档过于频繁',
  import: '导入报表过于频繁',
  export: '导出表格过于频繁',
};

await describeEachDatabase('limits of costly calls', (kind) => {
  let handle: DatabaseHandle;
  let app: FastifyInstance;
  let places: Awaited<ReturnType<typeof county>>;
  let summaryId: number;

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    places = await county(handle);
    const bureau = { userId: null, role: 'bureau_officer' as const, scope: { kind: 'counties' as const, countyIds: [places.countyA.id] } };
    summaryId = (await draftSchoolSummary(handle.db, bureau, { schoolId: places.primary.id, year: 2026 })).id;
    app = await server(handle, undefined, SMALL);
  });
  afterAll(async () => {
    await app?.close();
    await handle?.close();
  });

  /** One call of each kind, as the given session makes it. */
  const CALLS: Record<Cost, (token: string) => Promise<Response>> = {
    draft: (token) =>
      app.inject({
        method: 'POST',
        url: '/trpc/summaries.schoolDraft',
        headers: { 'content-type': 'application/json', host: HOST, origin: ORIGIN },
        cookies: cookie(token),
        payload: JSON.stringify({ json: { schoolId: places.primary.id, year: 2026 } }),
      }),
    document: (token) => download(app, `/api/summaries/${summaryId}.docx`, token),
    // A file that is not a workbook: refused for what it is, but counted like any upload.
    import: (token) => upload(app, token, Buffer.from('not a workbook')),
    export: (token) => download(app, `/api/templates/school-report.xlsx?schoolId=${places.primary.id}&period=2026Q1`, token),
  };
  /** A file route answers `{ error: { message } }`; tRPC its error shape (superjson). */
  const messageOf = (response: Response): string => {
    const { error } = response.json() as { error: { message?: string; json?: { message: string } } };
    return error.json?.message ?? error.message!;
  };

  for (const cost of COSTS) {
    it(`refuses the ${cost} calls past the limit with 429, a Chinese message and Retry-After, for that user only`, async () => {
      const { principal, otherPrincipal } = places.sessions;
      for (let i = 0; i < LIMIT; i++) expect((await CALLS[cost](principal)).statusCode).not.toBe(429);
      const refused = await CALLS[cost](principal);
      expect(refused.statusCode).toBe(429);
      expect(messageOf(refused)).toBe(`${MESSAGE[cost]}（每10分钟最多${LIMIT}次），请在10分钟后再试。`);
      const wait = Number(refused.headers['retry-after']);
      expect(wait).toBeGreaterThan(500);
      expect(wait).toBeLessThanOrEqual(600);
      // Another user is not held by this one's count.
      const other = await CALLS[cost](otherPrincipal);
      expect(other.statusCode).not.toBe(429);
    });
  }

  it('counts calls arriving at once: of more than the limit sent together, exactly the limit goes through', async () => {
    const { officerA } = places.sessions;
    const url = `/api/templates/county-reports.xlsx?countyId=${places.countyA.id}&period=2026Q1`;
    const answers = await Promise.all(Array.from({ length: LIMIT + 3 }, () => download(app, url, officerA)));
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses).toEqual([...Array(LIMIT).fill(200), ...Array(3).fill(429)]);
    const row = await handle.db
      .selectFrom('attemptCounters')
      .select('attempts')
      .where('key', '=', costKey('export', (await userOf(officerA)).id))
      .executeTakeFirstOrThrow();
    expect(row.attempts).toBe(LIMIT + 3);
  });

  it('refuses nothing before access is decided: a caller without a sign-in or the role is not counted', async () => {
    const anonymous = await app.inject({ method: 'GET', url: `/api/export/completeness.xlsx?countyId=${places.countyA.id}&period=2026Q1` });
    expect(anonymous.statusCode).toBe(401);
    const principal = await userOf(places.sessions.otherPrincipal);
    const before = await counter('export', principal.id);
    const wrongRole = await download(app, `/api/export/completeness.xlsx?countyId=${places.countyA.id}&period=2026Q1`, places.sessions.otherPrincipal);
    expect(wrongRole.statusCode).toBe(403);
    expect(await counter('export', principal.id)).toBe(before);
  });

  it('counts with the default limits when a server is given none', async () => {
    const defaults = await (await import('../src/server.js')).buildServer({ db: handle.db, webDir: '/nonexistent', cookieSecure: false, trustProxy: [] });
    try {
      const officer = await userOf(places.sessions.officerB);
      const before = await counter('export', officer.id);
      const response = await download(defaults, `/api/templates/county-reports.xlsx?countyId=${places.countyB.id}&period=2026Q1`, places.sessions.officerB);
      expect(response.statusCode).toBe(200);
      expect(await counter('export', officer.id)).toBe(before + 1);
    } finally {
      await defaults.close();
    }
  });

  async function userOf(token: string) {
    const { userForSession } = await import('@oversight/db');
    return (await userForSession(handle.db, token))!;
  }
  async function counter(cost: Cost, userId: number): Promise<number> {
    const row = await handle.db.selectFrom('attemptCounters').select('attempts').where('key', '=', costKey(cost, userId)).executeTakeFirst();
    return row?.attempts ?? 0;
  }
});
