import type { DatabaseHandle, SignedInUser } from '@oversight/db';
import { createTestDatabase, describeEachDatabase } from '@oversight/db/testing';
import { AppError, summarySectionsInput, unknownFigures, type SummarySection } from '@oversight/domain';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { fc, hostileNumber, hostileScalar, hostileText, storable } from './hostile.js';
import { callerFor, signedInAs, world } from './support.js';

/**
 * Property tests (issue 8): hostile input to the annual summary's procedures. An acceptable edit is stored and
 * read back exactly (script, markup, SQL and formulas verbatim, as text); anything else is refused, a malformed
 * value as BAD_REQUEST naming the field in Chinese, and the summaries, their versions and their audit trail stay
 * byte-for-byte as they were. Never an internal error.
 */
type Caller = ReturnType<typeof callerFor>;
type Code = TRPCError['code'];

/** The largest id PostgreSQL's integer columns hold: one past it must be refused, not crash the query. */
const INT4_MAX = 2_147_483_647;
const envelopeNumber = fc.oneof(hostileNumber, fc.constantFrom(INT4_MAX + 1, 2 ** 40, 0, 1.5));

const isId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0 && (v as number) <= INT4_MAX;

/** The field a refusal names: the domain error's field, the path of the first invalid input, or the access check's “（字段：…）”. */
function fieldOf(error: TRPCError): string | undefined {
  if (error.cause instanceof AppError) return error.cause.field;
  if (error.cause instanceof ZodError) return error.cause.issues[0]?.path.join('.');
  return /（字段：([^）]+)）/.exec(error.message)?.[1];
}

async function outcome<T>(call: Promise<T>): Promise<T | TRPCError> {
  return call.then(
    (value) => value,
    (error: unknown) => {
      expect(error, String(error)).toBeInstanceOf(TRPCError);
      return error as TRPCError;
    },
  );
}

function expectRefusal(error: TRPCError, code: Code | readonly Code[]) {
  expect([code].flat(), `${error.code}: ${error.message}`).toContain(error.code);
  expect(error.message).toMatch(/[\u4e00-\u9fff]/);
  if (error.code === 'BAD_REQUEST') expect(fieldOf(error), error.message).toBeTruthy();
}

/** Every string of a value, at any depth. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** What a section editor could send: mostly well formed, with hostile text and now and then a hostile shape. */
function sectionArb(figureIds: readonly string[]) {
  const text = fc.oneof(
    { weight: 6, arbitrary: hostileText(300) },
    { weight: 2, arbitrary: fc.constantFrom(...figureIds.map((id) => `今年<b>{{fig:${id}}}</b>，=SUM(A1)。`)) },
    { weight: 1, arbitrary: fc.constantFrom('长'.repeat(5000), '长'.repeat(5001)) },
    { weight: 1, arbitrary: hostileScalar },
  );
  const sectionId = fc.oneof({ weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 8 }).map((s) => `s-${s}`) }, { weight: 1, arbitrary: hostileScalar });
  const paragraph = fc.record({ id: sectionId, text });
  const section = (depth: number): fc.Arbitrary<unknown> =>
    fc.record({
      id: sectionId,
      title: fc.oneof({ weight: 6, arbitrary: hostileText(90) }, { weight: 1, arbitrary: hostileScalar }),
      paragraphs: fc.oneof({ weight: 8, arbitrary: fc.array(paragraph, { maxLength: 3 }) }, { weight: 1, arbitrary: hostileScalar }),
      children:
        depth === 0
          ? fc.constant([])
          : fc.oneof({ weight: 2, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(section(depth - 1), { maxLength: 2 }) }),
    });
  return { text, section };
}

/** A save request, with markers for "the summary's own id / current version" filled in when it runs. */
interface SaveAttempt {
  target: number;
  id: 'own' | unknown;
  version: 'current' | 'stale' | 'ahead' | unknown;
  sections: { edit: { at: number; text: unknown } } | { replace: unknown };
  title?: unknown;
}

function saveAttempt(figureIds: readonly string[], targets: number): fc.Arbitrary<SaveAttempt> {
  const { text, section } = sectionArb(figureIds);
  return fc.record(
    {
      target: fc.nat({ max: targets - 1 }),
      id: fc.oneof(
        { weight: 10, arbitrary: fc.constant('own') },
        { weight: 1, arbitrary: fc.constant(999_999) },
        { weight: 1, arbitrary: envelopeNumber },
        { weight: 1, arbitrary: hostileScalar },
      ),
      version: fc.oneof(
        { weight: 10, arbitrary: fc.constant('current') },
        { weight: 1, arbitrary: fc.constantFrom('stale', 'ahead') },
        { weight: 1, arbitrary: envelopeNumber },
        { weight: 1, arbitrary: hostileScalar },
      ),
      sections: fc.oneof(
        { weight: 5, arbitrary: fc.record({ edit: fc.record({ at: fc.nat(), text }) }) },
        { weight: 4, arbitrary: fc.record({ replace: fc.array(section(5), { minLength: 1, maxLength: 3 }) }) },
        {
          weight: 1,
          arbitrary: fc.record({
            replace: fc.oneof(
              hostileScalar,
              fc.constant([]),
              fc.constant(Array.from({ length: 21 }, (_, i) => ({ id: `s${i}`, title: '', paragraphs: [], children: [] }))),
            ),
          }),
        },
      ),
      title: fc.oneof(hostileText(120), fc.constant('题'.repeat(100)), fc.constant('题'.repeat(101)), hostileScalar),
    },
    { requiredKeys: ['target', 'id', 'version', 'sections'] },
  );
}

/** The current sections with one paragraph's text replaced (the editor's commonest save). */
function edited(current: readonly SummarySection[], at: number, text: unknown): unknown {
  let n = 0;
  const total = (list: readonly SummarySection[]): number => list.reduce((sum, s) => sum + s.paragraphs.length + total(s.children), 0);
  const target = at % Math.max(1, total(current));
  const walk = (list: readonly SummarySection[]): unknown[] =>
    list.map((s) => ({ ...s, paragraphs: s.paragraphs.map((p) => (n++ === target ? { ...p, text } : p)), children: walk(s.children) }));
  return walk(current);
}

await describeEachDatabase('hostile input to annual summaries', (kind) => {
  let handle: DatabaseHandle;
  let w: Awaited<ReturnType<typeof world>>;
  let officer: SignedInUser;
  let cityOfficer: SignedInUser;
  let principal: SignedInUser;

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    w = await world(handle.db);
    officer = await signedInAs(handle.db, w.users.officer.id);
    cityOfficer = await signedInAs(handle.db, w.users.cityOfficer.id);
    principal = await signedInAs(handle.db, w.users.principal.id);
  }, 120_000);
  afterAll(() => handle?.close());

  /** Every summary, every saved version and every summary audit entry, as JSON. */
  const dump = async () =>
    JSON.stringify({
      summaries: await handle.db.selectFrom('summaries').selectAll().orderBy('id').execute(),
      versions: await handle.db.selectFrom('summaryVersions').selectAll().orderBy('summaryId').orderBy('version').execute(),
      audit: await handle.db.selectFrom('auditLog').selectAll().where('entity', '=', 'summary').orderBy('id').execute(),
    });

  it('stores acceptable edits verbatim and refuses the rest, naming the field, with nothing changed', async () => {
    const county = callerFor(handle.db, officer);
    const drafts: { api: Caller; id: number; version: number }[] = [];
    for (const [api, draft] of [
      [county, county.summaries.draft({ countyId: w.countyA.id, year: 2026, upToQuarter: 4 })],
      [callerFor(handle.db, cityOfficer), callerFor(handle.db, cityOfficer).summaries.draft({ cityId: w.cityA.id, year: 2026 })],
      [callerFor(handle.db, principal), callerFor(handle.db, principal).summaries.schoolDraft({ schoolId: w.schools.a1.id, year: 2026, upToQuarter: 2 })],
    ] as const) {
      const made = await draft;
      drafts.push({ api, id: made.id, version: made.version });
    }
    const first = await county.summaries.get({ id: drafts[0]!.id });
    const figureIds = Object.keys(first.figures);
    expect(figureIds.length).toBeGreaterThan(0);
    let accepted = 0;

    await fc.assert(
      fc.asyncProperty(saveAttempt(figureIds, drafts.length), async (attempt) => {
        const target = drafts[attempt.target]!;
        const current = await target.api.summaries.get({ id: target.id });
        const id = attempt.id === 'own' ? target.id : attempt.id;
        const version =
          attempt.version === 'current'
            ? current.version
            : attempt.version === 'stale'
              ? current.version - 1
              : attempt.version === 'ahead'
                ? current.version + 1
                : attempt.version;
        const sections = 'edit' in attempt.sections ? edited(current.sections, attempt.sections.edit.at, attempt.sections.edit.text) : attempt.sections.replace;
        const input = { id, version, sections, ...('title' in attempt ? { title: attempt.title } : {}) };

        // What the rules say should happen, in the order the procedure checks them.
        const parsed = summarySectionsInput.safeParse(sections);
        const title = attempt.title;
        const titleOk = title === undefined || (typeof title === 'string' && title.trim().length >= 1 && title.trim().length <= 100);
        // Text PostgreSQL cannot hold (NUL, half a surrogate pair) is malformed input like any other.
        const shapeOk = isId(id) && isId(version) && parsed.success && titleOk && strings([parsed.data, title]).every(storable);
        const expected: Code | 'OK' = !shapeOk
          ? 'BAD_REQUEST'
          : id !== target.id
            ? 'NOT_FOUND'
            : version !== current.version
              ? 'CONFLICT'
              : unknownFigures(parsed.data!, current.figures).length
                ? 'BAD_REQUEST'
                : 'OK';

        const before = await dump();
        const result = await outcome(target.api.summaries.save(input as never));
        if (result instanceof TRPCError) {
          expectRefusal(result, expected === 'OK' ? [] : expected);
          expect(await dump()).toBe(before);
          return;
        }
        expect(expected, JSON.stringify(input).slice(0, 300)).toBe('OK');
        accepted += 1;
        target.version = result.version;
        expect(result.version).toBe(current.version + 1);
        // Read back as stored: the text exactly as typed, markup and formulas included.
        const reread = await target.api.summaries.get({ id: target.id });
        expect(reread.sections).toEqual(parsed.data);
        expect(reread.title).toBe(typeof title === 'string' ? title.trim() : current.title);
        const row = await handle.db
          .selectFrom('summaryVersions')
          .select('sections')
          .where('summaryId', '=', target.id)
          .where('version', '=', result.version)
          .executeTakeFirstOrThrow();
        expect(row.sections).toEqual(parsed.data);
      }),
      { numRuns: 60, seed: 20261124 },
    );
    // The generator is not so hostile that nothing gets through.
    expect(accepted).toBeGreaterThan(5);
  }, 120_000);

  it('refuses hostile ids, versions, years, quarters and places when drafting, reading and finalising', async () => {
    const api = callerFor(handle.db, officer);
    const city = callerFor(handle.db, cityOfficer);
    const own = await api.summaries.draft({ countyId: w.countyA.id, year: 2025, upToQuarter: 4 });
    let version = own.version;
    const done = new Set<string>();
    const value = fc.oneof({ weight: 3, arbitrary: envelopeNumber }, { weight: 2, arbitrary: hostileScalar });
    /** Mostly the valid value, else a near miss or a hostile one: calls with one bad value among good ones are common. */
    const mostly = <T>(valid: T, ...nearMisses: unknown[]) =>
      fc.oneof({ weight: 5, arbitrary: fc.constant(valid) }, ...(nearMisses.length ? [{ weight: 1, arbitrary: fc.constantFrom(...nearMisses) }] : []), {
        weight: 2,
        arbitrary: value,
      });
    const call = fc.oneof(
      fc.record({
        op: fc.constant('draft' as const),
        countyId: mostly(w.countyA.id, w.countyB.id, w.cityA.id),
        year: mostly(2026, 2000, 2100, 1999, 2101),
        upToQuarter: mostly(undefined, 1, 4, 0, 5),
      }),
      fc.record({ op: fc.constant('cityDraft' as const), cityId: mostly(w.cityA.id, w.countyA.id, w.cityB.id), year: mostly(2026) }),
      // Not beyond PostgreSQL's integer range: the school access check (trpc.ts) queries a school id before the input is validated.
      fc.record({
        op: fc.constant('schoolDraft' as const),
        schoolId: mostly(w.schools.a1.id, w.schools.b.id).filter((v) => !(Number.isSafeInteger(v) && (v as number) > INT4_MAX)),
        year: mostly(2026),
      }),
      fc.record({ op: fc.constantFrom('get' as const, 'drift' as const), id: mostly(own.id, 999_999) }),
      fc.record({ op: fc.constant('finalize' as const), id: mostly(own.id), version: mostly('current', 0) }),
    );

    await fc.assert(
      fc.asyncProperty(call, async (c) => {
        const before = await dump();
        const result = await outcome<unknown>(
          c.op === 'draft'
            ? api.summaries.draft({ countyId: c.countyId, year: c.year, upToQuarter: c.upToQuarter } as never)
            : c.op === 'cityDraft'
              ? city.summaries.draft({ cityId: c.cityId, year: c.year } as never)
              : c.op === 'schoolDraft'
                ? api.summaries.schoolDraft({ schoolId: c.schoolId, year: c.year } as never)
                : c.op === 'finalize'
                  ? api.summaries.finalize({ id: c.id, version: c.version === 'current' ? version : c.version } as never)
                  : api.summaries[c.op]({ id: c.id } as never),
        );
        if (result instanceof TRPCError) {
          expectRefusal(result, ['BAD_REQUEST', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT']);
          expect(await dump()).toBe(before);
          return;
        }
        // Accepted only when every value is one the schema allows.
        if (c.op === 'draft' || c.op === 'cityDraft' || c.op === 'schoolDraft') {
          const made = result as { year: number; upToQuarter: number };
          expect(Number.isInteger(c.year) && (c.year as number) >= 2000 && (c.year as number) <= 2100).toBe(true);
          expect(made.year).toBe(c.year);
          if (c.op === 'draft' && c.upToQuarter !== undefined) expect(made.upToQuarter).toBe(c.upToQuarter);
        } else {
          expect(c.id).toBe(own.id);
        }
        if (c.op === 'finalize') {
          expect((result as { status: string }).status).toBe('final');
          version = (result as { version: number }).version;
        }
        done.add(c.op);
      }),
      { numRuns: 50, seed: 20261124 },
    );
    // Valid calls among the hostile ones went through: the refusals above are not refusals of everything.
    expect([...done].sort()).toEqual(['cityDraft', 'draft', 'drift', 'finalize', 'get', 'schoolDraft']);
    // Once final, the summary takes no more edits (CONFLICT, checked above to change nothing).
    expect((await api.summaries.get({ id: own.id })).status).toBe('final');
  }, 120_000);

  it('refuses text PostgreSQL cannot hold (NUL, a lone surrogate) as BAD_REQUEST, not an internal error', async () => {
    const api = callerFor(handle.db, officer);
    const draft = await api.summaries.draft({ countyId: w.countyA.id, year: 2024, upToQuarter: 4 });
    const before = await dump();
    for (const input of [
      { id: draft.id, version: 1, sections: edited(draft.sections, 0, 'a\u0000b') },
      { id: draft.id, version: 1, sections: edited(draft.sections, 0, '\ud800') },
      { id: draft.id, version: 1, sections: draft.sections, title: '标题\u0000' },
      { id: INT4_MAX + 1, version: 1, sections: draft.sections },
      { id: draft.id, version: INT4_MAX + 1, sections: draft.sections },
    ]) {
      const result = await outcome(api.summaries.save(input as never));
      expect(result).toBeInstanceOf(TRPCError);
      expectRefusal(result as TRPCError, 'BAD_REQUEST');
      expect(await dump()).toBe(before);
    }
    const city = await outcome(api.summaries.draft({ cityId: INT4_MAX + 1, year: 2026 }));
    expectRefusal(city as TRPCError, 'BAD_REQUEST');
    // Markup, script, SQL and a formula are text like any other: stored and read back as typed.
    const verbatim = '<script>alert(1)</script>=HYPERLINK("http://x","y")\'; drop table summaries; --１２３';
    const saved = await api.summaries.save({
      id: draft.id,
      version: 1,
      sections: edited(draft.sections, 0, verbatim) as SummarySection[],
      title: ' <b>标题</b> ',
    });
    expect(saved.sections[0]!.paragraphs[0]!.text).toBe(verbatim);
    expect((await api.summaries.get({ id: draft.id })).title).toBe('<b>标题</b>');
  });
});
