import { INDICATORS } from '@oversight/domain';
import type { DatabaseHandle } from '@oversight/db';
import { createTestDatabase, describeEachDatabase } from '@oversight/db/testing';
import { TRPCError } from '@trpc/server';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { callerFor, signedInAs, world } from './support.js';

/**
 * Property tests: random and hostile input to report saves never crashes the server; a refusal is a BAD_REQUEST
 * that names the field and leaves the stored row byte-for-byte as it was; an accepted save stores only values of
 * each indicator's own type.
 */
const PERIOD = '2026Q2';
const inputCodes = INDICATORS.filter((i) => i.kind !== 'derived').map((i) => i.code);

const hostileScalar = fc.oneof(
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, -0, 1e308, -1e308, 2 ** 53 + 1, 0.1 + 0.2),
  fc.double(),
  fc.integer({ min: -1_000_000, max: 100_000_000 }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(
    '１２３４',
    '1,234',
    '12,34',
    '3.5万',
    '<script>alert(1)</script>',
    "'; drop table reports; --",
    '=HYPERLINK("http://x","y")',
    '+1',
    '@SUM(A1)',
    '是',
    '否',
    'A',
    'certified',
    '2026-02-30',
    '2026/3/5',
    '',
    '   ',
    '\u0000',
    '😀',
  ),
  fc.string({ maxLength: 40 }),
);

const hostileValues = fc.dictionary(fc.oneof(fc.constantFrom(...inputCodes), fc.string({ maxLength: 12 })), hostileScalar, { maxKeys: 8 });

await describeEachDatabase('hostile input to report saves', (kind) => {
  let handle: DatabaseHandle;
  let w: Awaited<ReturnType<typeof world>>;
  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    w = await world(handle.db);
  });
  afterAll(() => handle.close());

  const storedRow = async (schoolId: number) =>
    JSON.stringify(
      (await handle.db.selectFrom('reports').selectAll().where('schoolId', '=', schoolId).where('period', '=', PERIOD).executeTakeFirst()) ?? null,
    );

  it('refuses clearly or stores well-typed values, never anything else', async () => {
    const principal = callerFor(handle.db, await signedInAs(handle.db, w.users.principal.id));
    const schoolId = w.schools.a1.id;
    const seeded = await principal.reports.save({ schoolId, period: PERIOD, version: 0, values: { students_enrolled: 600, staff_count: 45 } });
    let version = seeded.version;

    await fc.assert(
      fc.asyncProperty(hostileValues, fc.option(fc.string({ maxLength: 600 }), { nil: undefined }), async (values, note) => {
        const before = await storedRow(schoolId);
        const explanations = note === undefined ? undefined : { electricity_kwh: note };
        try {
          const saved = await principal.reports.save({ schoolId, period: PERIOD, version, values, explanations });
          version = saved.version;
          for (const [code, value] of Object.entries(saved.values)) {
            const ind = INDICATORS.find((i) => i.code === code);
            expect(ind, `stored an unknown code ${code}`).toBeDefined();
            if (ind!.valueType === 'integer') expect(Number.isInteger(value)).toBe(true);
            if (ind!.valueType === 'decimal') expect(Number.isFinite(value)).toBe(true);
            if (ind!.valueType === 'boolean') expect(typeof value).toBe('boolean');
            if (ind!.valueType === 'enum') expect(ind!.options!.map((o) => o.value)).toContain(value);
            if (ind!.valueType === 'date') expect(value).toMatch(/^\d{4}-\d{2}-\d{2}$/);
          }
        } catch (error) {
          expect(error).toBeInstanceOf(TRPCError);
          const trpc = error as TRPCError;
          expect(trpc.code).toBe('BAD_REQUEST');
          expect(trpc.message).toMatch(/[\u4e00-\u9fa5]/);
          expect(await storedRow(schoolId)).toBe(before);
        }
      }),
      { numRuns: 120, seed: 20261124 },
    );
  });

  it('refuses a stale or malformed envelope without touching the report', async () => {
    const principal = callerFor(handle.db, await signedInAs(handle.db, w.users.principal.id));
    const schoolId = w.schools.a1.id;
    const current = await principal.reports.get({ schoolId, period: PERIOD });
    const before = await storedRow(schoolId);
    const attempts: unknown[] = [
      { schoolId, period: PERIOD, version: current.version + 5, values: { staff_count: 1 } },
      { schoolId, period: '2026Q5', version: current.version, values: { staff_count: 1 } },
      { schoolId, period: PERIOD, version: -1, values: {} },
      { schoolId, period: PERIOD, version: current.version, values: { staff_count: 'x'.repeat(5000) } },
      { schoolId, period: PERIOD, version: current.version, values: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i])) },
      { schoolId: -1, period: PERIOD, version: current.version, values: {} },
      { schoolId, period: PERIOD, version: current.version, values: [] },
    ];
    for (const input of attempts) {
      const error = await principal.reports.save(input as never).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TRPCError);
      expect(['BAD_REQUEST', 'CONFLICT']).toContain((error as TRPCError).code);
      expect(await storedRow(schoolId)).toBe(before);
    }
  });
  it('refuses a school id past the database’s integer range as BAD_REQUEST naming the field, for every role', async () => {
    for (const user of [w.users.principal, w.users.officer, w.users.cityOfficer, w.users.systemAdmin]) {
      const caller = callerFor(handle.db, await signedInAs(handle.db, user.id));
      for (const call of [
        () => caller.reports.get({ schoolId: 2_147_483_648, period: PERIOD }),
        () => caller.reports.save({ schoolId: 2 ** 53, period: PERIOD, version: 0, values: {} }),
      ]) {
        const error = await call().then(
          () => null,
          (e: unknown) => e,
        );
        expect(error, user.username).toBeInstanceOf(TRPCError);
        expect((error as TRPCError).code).toBe('BAD_REQUEST');
        expect((error as TRPCError).message).toContain('schoolId');
      }
    }
  });
  it('refuses text the database cannot hold (NUL, a lone surrogate) in any input as BAD_REQUEST naming where, storing nothing', async () => {
    const principal = callerFor(handle.db, await signedInAs(handle.db, w.users.principal.id));
    const admin = callerFor(handle.db, await signedInAs(handle.db, w.users.bureauAdmin.id));
    const schoolId = w.schools.a1.id;
    const before = await storedRow(schoolId);
    const schoolBefore = JSON.stringify(await handle.db.selectFrom('schools').selectAll().where('id', '=', schoolId).executeTakeFirst());
    const { version } = await principal.reports.get({ schoolId, period: PERIOD });
    const attempts: [() => Promise<unknown>, string][] = [
      [
        () => principal.reports.save({ schoolId, period: PERIOD, version, values: { staff_count: 3 }, explanations: { staff_count: 'a\u0000b' } }),
        'explanations.staff_count',
      ],
      [
        () => principal.reports.autosave({ schoolId, period: PERIOD, version, values: { staff_count: 3 }, explanations: { staff_count: '说明\ud800' } }),
        'explanations.staff_count',
      ],
      [() => admin.schools.update({ schoolId, name: '学校\u0000' }), 'name'],
    ];
    for (const [call, field] of attempts) {
      const error = await call().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code).toBe('BAD_REQUEST');
      expect((error as TRPCError).message).toContain(`（字段：${field}）`);
    }
    expect(await storedRow(schoolId)).toBe(before);
    expect(JSON.stringify(await handle.db.selectFrom('schools').selectAll().where('id', '=', schoolId).executeTakeFirst())).toBe(schoolBefore);
  });
});
