import { SCHOOL_TYPES } from '@oversight/domain';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listSchools, login, seedDemoCounty, type DatabaseHandle, type DemoSummary } from '../src/index.js';
import { createTestDatabase, describeEachDatabase } from '../src/testing.js';

await describeEachDatabase('demo county', (kind) => {
  let handle: DatabaseHandle;
  let summary: DemoSummary;
  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    summary = await seedDemoCounty(handle.db, { password: 'demo123456' });
  }, 120_000);
  afterAll(() => handle.close());

  it('holds at least 60 schools of every type, each with its principal', async () => {
    const schools = await listSchools(handle.db, { kind: 'all' });
    expect(schools.length).toBeGreaterThanOrEqual(60);
    expect(new Set(schools.map((s) => s.type))).toEqual(new Set(SCHOOL_TYPES));
    expect(new Set(schools.map((s) => s.location))).toEqual(new Set(['urban', 'town', 'rural']));
    expect(summary.principals.map((p) => p.username).sort()).toEqual(schools.map((s) => s.code).sort());
  });

  it('is the same county on every run', async () => {
    const again = await createTestDatabase('pglite');
    try {
      const second = await seedDemoCounty(again.db, { password: 'other123' });
      expect(second.principals).toEqual(summary.principals);
    } finally {
      await again.close();
    }
  }, 120_000);

  it('signs in the demo accounts with the demo password', async () => {
    for (const username of ['admin', 'bureau', 'officer', summary.principals[0]!.username]) {
      const { user } = await login(handle.db, { username, password: 'demo123456', address: '127.0.0.1' });
      expect(user.username).toBe(username);
    }
  });

  it('records every created school in the audit log as the bureau admin', async () => {
    const entries = await handle.db
      .selectFrom('auditLog')
      .innerJoin('users', 'users.id', 'auditLog.actorId')
      .select(['users.username'])
      .where('action', '=', 'school.create')
      .execute();
    expect(entries).toHaveLength(summary.schools);
    expect(new Set(entries.map((e) => e.username))).toEqual(new Set(['bureau']));
  });
});
