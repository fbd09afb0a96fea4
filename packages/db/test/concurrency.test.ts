import { AppError, type ImportRecord, type Period, type ReportValues } from '@oversight/domain';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  approveReport,
  countySheet,
  createUser,
  describeUser,
  getReport,
  getUser,
  importReports,
  reportHistory,
  returnReport,
  saveReport,
  submitReport,
  SYSTEM_ACTOR,
  type Actor,
  type DatabaseHandle,
  type School,
  type SheetSchool,
} from '../src/index.js';
import { completeValues, createTestDatabase, describeEachDatabase } from '../src/testing.js';
import { bureauAccount, PASSWORD, school, smallHierarchy } from './fixtures.js';

/**
 * Many writers at once on one report: exactly one wins per version, every other gets CONFLICT, and the audit log
 * accounts for every stored change.
 */
const PERIOD = '2026Q1';
const BASE = { students_enrolled: 500, staff_count: 40 };

async function settle<T>(work: Promise<T>[]) {
  const results = await Promise.allSettled(work);
  for (const r of results) {
    if (r.status === 'rejected') {
      expect(r.reason).toBeInstanceOf(AppError);
      expect((r.reason as AppError).code).toBe('CONFLICT');
    }
  }
  return results.filter((r): r is PromiseFulfilledResult<Awaited<T>> => r.status === 'fulfilled').map((r) => r.value);
}

async function actorOf(handle: DatabaseHandle, userId: number): Promise<Actor> {
  const user = await describeUser(handle.db, (await getUser(handle.db, userId))!);
  return { userId, role: user.role, scope: user.scope };
}

await describeEachDatabase('concurrent writers', (kind) => {
  let handle: DatabaseHandle;
  let principal: Actor;
  let officers: Actor[];
  let schoolId: number;

  const actorFor = (userId: number) => actorOf(handle, userId);

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    const places = await smallHierarchy(handle.db);
    schoolId = (await school(handle.db, places.countyA.id)).id;
    principal = await actorFor(
      (await createUser(handle.db, SYSTEM_ACTOR, { role: 'principal', username: `p-${kind}`, displayName: '校长', password: PASSWORD, schoolId })).id,
    );
    officers = await Promise.all(
      [1, 2, 3].map(async (i) => actorFor((await bureauAccount(handle.db, places.countyA.id, `officer${i}-${kind}`, 'bureau_officer')).id)),
    );
  });
  afterAll(() => handle.close());

  it('lets exactly one of many same-version saves win, and loses no update', async () => {
    let version = (await saveReport(handle.db, principal, { schoolId, period: PERIOD, version: 0, values: BASE })).version;
    const writers = [principal, ...officers];
    let stored = 1;
    for (let round = 0; round < 5; round++) {
      const winners = await settle(
        writers.map((actor, i) => saveReport(handle.db, actor, { schoolId, period: PERIOD, version, values: { electricity_kwh: round * 10 + i } })),
      );
      expect(winners).toHaveLength(1);
      const report = await getReport(handle.db, SYSTEM_ACTOR, schoolId, PERIOD);
      expect(report.version).toBe(version + 1);
      expect(report.values.electricity_kwh).toBe(winners[0]!.values.electricity_kwh);
      version = report.version;
      stored += 1;
    }
    const saves = (await reportHistory(handle.db, SYSTEM_ACTOR, schoolId, PERIOD)).filter((h) => h.action === 'report.save');
    expect(saves).toHaveLength(stored);
  });

  it('lets one of approve and return win when officers act at once, never both', async () => {
    const filled = await saveReport(handle.db, principal, {
      schoolId,
      period: PERIOD,
      version: (await getReport(handle.db, SYSTEM_ACTOR, schoolId, PERIOD)).version,
      values: completeValues({ type: 'primary', hasCanteen: true }, PERIOD, BASE),
    });
    const current = { version: filled.version };
    const submitted = await submitReport(handle.db, principal, { schoolId, period: PERIOD, version: current.version });
    const outcomes = await settle([
      approveReport(handle.db, officers[0]!, { schoolId, period: PERIOD, version: submitted.version }),
      returnReport(handle.db, officers[1]!, { schoolId, period: PERIOD, version: submitted.version, reason: '用电量偏高，请核实' }),
      approveReport(handle.db, officers[2]!, { schoolId, period: PERIOD, version: submitted.version }),
    ]);
    expect(outcomes).toHaveLength(1);
    const after = await getReport(handle.db, SYSTEM_ACTOR, schoolId, PERIOD);
    expect(after.version).toBe(submitted.version + 1);
    expect(after.status).toBe(outcomes[0]!.status);
    const history = await reportHistory(handle.db, SYSTEM_ACTOR, schoolId, PERIOD);
    expect(history.filter((h) => h.action === 'report.approve' || h.action === 'report.return')).toHaveLength(1);
  });
});

/**
 * The bureau's county-sheet import while principals save the same reports. The import locks the reports it changes
 * (select … for update). A sheet without versions (typed by hand) applies its cells on top of the version it finds,
 * one version step per report, so a save based on a version the import replaced gets CONFLICT, and a save that came
 * first is built on. A sheet as downloaded carries each report's version: a save that came after the download makes
 * the import refuse with a finding per row, storing nothing. A report someone else creates while the import runs (it
 * found none to lock) makes the whole import a CONFLICT that stores nothing.
 */
const SHEET = '全县汇总';
const IMPORT_REFUSED = '导入期间有报表被他人修改或新建，本次导入未保存任何数据，请重新导入。';

/**
 * The county sheet as the parser hands it over: a row per school countySheet lists, the same cells in each. With
 * `versioned`, each row carries its report's version as the downloaded template does (column D, 0 without a report);
 * without, the sheet has no version column (typed by hand).
 */
function sheetRecords(rows: readonly SheetSchool[], period: Period, values: ReportValues, versioned = false): ImportRecord[] {
  return rows.map(({ school, reports }, i) => ({
    template: 'county',
    schoolCode: school.code,
    schoolAt: { sheet: SHEET, row: 5 + i, column: 'A' },
    period,
    periodAt: { sheet: SHEET, row: 5 + i, column: 'C' },
    ...(versioned ? { version: reports.get(period)?.version ?? 0, versionAt: { sheet: SHEET, row: 5 + i, column: 'D' } } : {}),
    cells: Object.entries(values).map(([code, raw], j) => ({ code, raw, at: { sheet: SHEET, row: 5 + i, column: String.fromCharCode(69 + j) } })),
  }));
}

type Stored = { version: number; values: ReportValues };
type Step = { action: string; before: { version: number; values?: Record<string, unknown> }; after: { version: number; values?: Record<string, unknown> } };

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const jitter = () => pause(Math.random() * 6);

/**
 * The report's audit entries since `from`, checked against what is stored: one entry per version step, in order,
 * before and after versions consecutive up to the stored version; each entry's before-values are what the previous
 * step left, and replaying the after-values from `from` gives exactly the stored values.
 */
async function accountFor(handle: DatabaseHandle, schoolId: number, period: Period, from: Stored): Promise<Step[]> {
  const report = await getReport(handle.db, SYSTEM_ACTOR, schoolId, period);
  const steps = (await reportHistory(handle.db, SYSTEM_ACTOR, schoolId, period))
    .map((h) => ({ action: h.action, before: h.before, after: h.after }) as Step)
    .filter((s) => s.after.version > from.version);
  expect(steps.map((s) => s.after.version)).toEqual(range(from.version + 1, report.version));
  expect(steps.map((s) => s.before.version)).toEqual(range(from.version, report.version - 1));
  const state: Record<string, unknown> = { ...from.values };
  for (const step of steps) {
    for (const [code, value] of Object.entries(step.before.values ?? {})) expect([code, state[code] ?? null]).toEqual([code, value]);
    for (const [code, value] of Object.entries(step.after.values ?? {})) {
      if (value === null) delete state[code];
      else state[code] = value;
    }
  }
  expect(state).toEqual(report.values);
  return steps;
}

const storedIn = (row: SheetSchool, period: Period): Stored => row.reports.get(period) ?? { version: 0, values: {} };

await describeEachDatabase('an import racing principals’ saves', (kind) => {
  let handle: DatabaseHandle;
  let countyId: number;
  let officer: Actor;
  let schools: School[];
  const principals = new Map<number, Actor>();
  let files = 0;

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    countyId = (await smallHierarchy(handle.db)).countyA.id;
    schools = [];
    for (let i = 0; i < 4; i++) {
      const created = await school(handle.db, countyId);
      schools.push(created);
      const user = await createUser(handle.db, SYSTEM_ACTOR, {
        role: 'principal',
        username: `p${created.code}`,
        displayName: '校长',
        password: PASSWORD,
        schoolId: created.id,
      });
      principals.set(created.id, await actorOf(handle, user.id));
    }
    officer = await actorOf(handle, (await bureauAccount(handle.db, countyId, `importer-${kind}`, 'bureau_officer')).id);
  });
  afterAll(() => handle.close());

  const principal = (schoolId: number) => principals.get(schoolId)!;
  const sheet = (period: Period) => countySheet(handle.db, countyId, [period]);

  /** The bureau imports a county sheet it downloaded earlier (`rows`), as drafts; the audit names the file by its hash. */
  function importSheet(rows: readonly SheetSchool[], period: Period, values: ReportValues, versioned = false) {
    files += 1;
    const fileHash = String(files).padStart(4, '0').padEnd(64, 'f');
    return {
      fileHash,
      result: importReports(handle.db, officer, sheetRecords(rows, period, values, versioned), {
        mode: 'draft',
        fileName: `全县汇总表-${files}.xlsx`,
        fileHash,
      }),
    };
  }

  /** The file's own audit entries (one per stored import, none for a refused one). */
  const fileEntries = (fileHash: string) =>
    handle.db.selectFrom('auditLog').select(['after']).where('action', '=', 'import.reports').where('entityId', '=', fileHash.slice(0, 16)).execute();

  /** Waits until `count` other sessions of this database are blocked on a row lock (PostgreSQL); PGlite queues whole transactions. */
  async function blocked(count: number) {
    for (;;) {
      await pause(20);
      if (kind === 'pglite') return;
      const { rows } = await sql<{
        n: number;
      }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(handle.db);
      if (rows[0]!.n >= count) return;
    }
  }

  it('builds the import on a save that came first, and refuses the save that comes after it', async () => {
    const period: Period = '2025Q4';
    const s = schools[0]!;
    const first = await saveReport(handle.db, principal(s.id), { schoolId: s.id, period, version: 0, values: BASE });
    const rows = await sheet(period);
    const saved = await saveReport(handle.db, principal(s.id), { schoolId: s.id, period, version: first.version, values: { electricity_kwh: 111, gas_m3: 5 } });
    const file = { electricity_kwh: 9_000, water_m3: 800 };
    const { result } = importSheet(rows, period, file);
    expect(await result).toMatchObject({ ok: true, created: rows.length - 1, updated: 1 });
    await expect(
      saveReport(handle.db, principal(s.id), { schoolId: s.id, period, version: saved.version, values: { electricity_kwh: 222 } }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    const steps = await accountFor(handle, s.id, period, { version: first.version, values: first.values });
    expect(steps.map((step) => step.action)).toEqual(['report.save', 'report.import']);
    expect(steps[1]!.before.values).toEqual({ electricity_kwh: 111, water_m3: null });
    expect((await getReport(handle.db, SYSTEM_ACTOR, s.id, period)).values).toEqual({ ...saved.values, ...file });
  });

  it('gives each version one writer when principals and an officer save while the import runs, and loses no update', async () => {
    const period: Period = '2026Q1';
    for (const s of schools) await saveReport(handle.db, principal(s.id), { schoolId: s.id, period, version: 0, values: BASE });
    for (let round = 1; round <= 6; round++) {
      const rows = await sheet(period);
      const file = { electricity_kwh: 10_000 + round, water_m3: 2_000 + round };
      // The import starts a little later each round, so that saves land before, during and after it.
      const started = pause(2 * (round - 1)).then(() => importSheet(rows, period, file));
      const result = started.then((s) => s.result);
      // Every school's principal and the officer save the version the bureau's sheet was taken from.
      const saving = rows.map(({ school: s, reports }) =>
        settle(
          [principal(s.id), officer].map((actor, who) =>
            jitter().then(() =>
              saveReport(handle.db, actor, {
                schoolId: s.id,
                period,
                version: reports.get(period)!.version,
                values: { electricity_kwh: round * 100 + who, gas_m3: round * 10 + who },
              }),
            ),
          ),
        ),
      );
      expect(await result).toMatchObject({ ok: true, stored: rows.length, created: 0, updated: rows.length, unchanged: 0, errors: [] });
      const winners = await Promise.all(saving);
      for (const [i, row] of rows.entries()) {
        const before = storedIn(row, period);
        const won = winners[i]!;
        expect(won.length).toBeLessThanOrEqual(1);
        const steps = await accountFor(handle, row.school.id, period, before);
        const stored = await getReport(handle.db, SYSTEM_ACTOR, row.school.id, period);
        if (won.length) {
          // The save took the next version; the import waited for it and changed the saved report.
          expect(steps.map((s) => s.action)).toEqual(['report.save', 'report.import']);
          expect(won[0]!.version).toBe(before.version + 1);
          expect(stored.values).toEqual({ ...won[0]!.values, ...file });
        } else {
          expect(steps.map((s) => s.action)).toEqual(['report.import']);
          expect(stored.values).toEqual({ ...before.values, ...file });
        }
      }
      const entries = await fileEntries((await started).fileHash);
      expect(entries).toHaveLength(1);
      expect((entries[0]!.after as { reports: string[] }).reports).toEqual(rows.map((r) => `${r.school.code}/${period}`));
    }
  });

  it('refuses the whole import, or builds on the saves, when principals create the reports it would create', async () => {
    for (const [round, period] of (['2026Q2', '2026Q3', '2026Q4', '2027Q1'] as const).entries()) {
      const rows = await sheet(period);
      expect(rows.every((r) => !r.reports.has(period))).toBe(true);
      const file = { electricity_kwh: 20_000 + round, water_m3: 3_000 + round };
      const started = pause(2 * round).then(() => importSheet(rows, period, file));
      const outcome = started
        .then((s) => s.result)
        .then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        );
      const saving = rows.map(({ school: s }) =>
        settle(
          [principal(s.id), officer].map((actor, who) =>
            jitter().then(() =>
              saveReport(handle.db, actor, { schoolId: s.id, period, version: 0, values: { electricity_kwh: round * 100 + who, gas_m3: round * 10 + who } }),
            ),
          ),
        ),
      );
      const imported = await outcome;
      const winners = await Promise.all(saving);
      const entries = await fileEntries((await started).fileHash);
      if ('error' in imported) {
        // A save created a report after the import looked: the import stored nothing, every school's first save stands.
        expect(imported.error).toBeInstanceOf(AppError);
        expect(imported.error).toMatchObject({ code: 'CONFLICT', message: IMPORT_REFUSED });
        expect(entries).toHaveLength(0);
        for (const [i, row] of rows.entries()) {
          expect(winners[i]).toHaveLength(1);
          const steps = await accountFor(handle, row.school.id, period, storedIn(row, period));
          expect(steps.map((s) => s.action)).toEqual(['report.save']);
          expect((await getReport(handle.db, SYSTEM_ACTOR, row.school.id, period)).values).toEqual(winners[i]![0]!.values);
        }
        continue;
      }
      let created = 0;
      for (const [i, row] of rows.entries()) {
        const won = winners[i]!;
        expect(won.length).toBeLessThanOrEqual(1);
        const steps = await accountFor(handle, row.school.id, period, storedIn(row, period));
        const stored = await getReport(handle.db, SYSTEM_ACTOR, row.school.id, period);
        if (won.length) {
          expect(steps.map((s) => s.action)).toEqual(['report.save', 'report.import']);
          expect(stored.values).toEqual({ ...won[0]!.values, ...file });
        } else {
          created += 1;
          expect(steps.map((s) => s.action)).toEqual(['report.import']);
          expect(stored.values).toEqual(file);
        }
      }
      expect(imported.value).toMatchObject({ ok: true, stored: rows.length, created, updated: rows.length - created });
      expect(entries).toHaveLength(1);
    }
  });

  /** The county sheet's row of a school (as sheetRecords numbers them). */
  const rowOf = (rows: readonly SheetSchool[], s: School) => 5 + rows.findIndex((r) => r.school.id === s.id);
  const staleMessage = (row: number, s: School, file: number, current: number) =>
    `第${row}行 ${s.name} 的报表在您下载模板后已被修改（模板版本${file}，当前版本${current}），为避免覆盖他人的修改，本次导入未保存任何数据。请重新下载模板后再填写。`;

  it('refuses a sheet downloaded before a principal’s save, storing nothing; the sheet downloaded again imports on top of it', async () => {
    const period: Period = '2028Q1';
    const s = schools[0]!;
    const first = await saveReport(handle.db, principal(s.id), { schoolId: s.id, period, version: 0, values: BASE });
    const rows = await sheet(period);
    const saved = await saveReport(handle.db, principal(s.id), { schoolId: s.id, period, version: first.version, values: { electricity_kwh: 111, gas_m3: 5 } });
    const file = { electricity_kwh: 9_000, water_m3: 800 };

    const stale = importSheet(rows, period, file, true);
    const refused = await stale.result;
    const row = rowOf(rows, s);
    expect(refused).toMatchObject({ ok: false, stored: 0, created: 0, updated: 0 });
    // One finding, on the version cell of the school whose report moved on; the other rows (version 0, no report) are fine.
    expect(refused.errors).toEqual([
      { sheet: SHEET, row, column: 'D', code: 'version', rule: 'conflict', message: staleMessage(row, s, first.version, saved.version) },
    ]);
    expect(await fileEntries(stale.fileHash)).toHaveLength(0);
    expect(await getReport(handle.db, SYSTEM_ACTOR, s.id, period)).toMatchObject({ version: saved.version, values: saved.values });
    expect((await accountFor(handle, s.id, period, first)).map((step) => step.action)).toEqual(['report.save']);
    for (const other of schools.slice(1)) expect((await getReport(handle.db, SYSTEM_ACTOR, other.id, period)).version).toBe(0);

    const again = await sheet(period);
    const fresh = importSheet(again, period, file, true);
    const stored = await fresh.result;
    expect(stored).toMatchObject({ ok: true, stored: rows.length, created: rows.length - 1, updated: 1, errors: [] });
    expect(stored.warnings.filter((w) => w.code === 'version')).toEqual([]);
    expect((await getReport(handle.db, SYSTEM_ACTOR, s.id, period)).values).toEqual({ ...saved.values, ...file });
    expect((await accountFor(handle, s.id, period, first)).map((step) => step.action)).toEqual(['report.save', 'report.import']);
    expect(await fileEntries(fresh.fileHash)).toHaveLength(1);

    // A later save of other cells does not make the same file a conflict: it would change nothing, and changes nothing.
    const later = await saveReport(handle.db, principal(s.id), {
      schoolId: s.id,
      period,
      version: (await getReport(handle.db, SYSTEM_ACTOR, s.id, period)).version,
      values: { gas_m3: 6 },
    });
    expect(await importSheet(again, period, file, true).result).toMatchObject({ ok: true, stored: 0, unchanged: rows.length, errors: [] });
    expect(await getReport(handle.db, SYSTEM_ACTOR, s.id, period)).toMatchObject({ version: later.version, values: later.values });
  });

  it('checks the version under the import’s lock: a save in flight is waited for, and the import refuses with the finding', async () => {
    const period: Period = '2028Q2';
    const s = schools[1]!;
    const first = await saveReport(handle.db, principal(s.id), { schoolId: s.id, period, version: 0, values: BASE });
    const rows = await sheet(period);
    let saved: Awaited<ReturnType<typeof saveReport>> | undefined;
    let imported: Promise<{ value: Awaited<ReturnType<typeof importReports>> } | { error: unknown }> | undefined;
    let fileHash = '';
    await handle.db.transaction().execute(async (trx) => {
      saved = await saveReport(trx, principal(s.id), { schoolId: s.id, period, version: first.version, values: { electricity_kwh: 222 } });
      // The import starts while the save is uncommitted: on PostgreSQL it waits on the report's row lock, on PGlite
      // for the whole transaction. A check made before the lock would read version `first` and fail only at the write.
      const started = importSheet(rows, period, { electricity_kwh: 9_999 }, true);
      fileHash = started.fileHash;
      imported = started.result.then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
      await blocked(1);
    });
    const outcome = await imported!;
    const row = rowOf(rows, s);
    expect(outcome).toEqual({
      value: expect.objectContaining({
        ok: false,
        stored: 0,
        errors: [
          expect.objectContaining({ row, column: 'D', code: 'version', rule: 'conflict', message: staleMessage(row, s, first.version, saved!.version) }),
        ],
      }),
    });
    expect(await fileEntries(fileHash)).toHaveLength(0);
    expect(await getReport(handle.db, SYSTEM_ACTOR, s.id, period)).toMatchObject({ version: saved!.version, values: saved!.values });
    for (const other of schools.filter((o) => o.id !== s.id)) expect((await getReport(handle.db, SYSTEM_ACTOR, other.id, period)).version).toBe(0);
  });

  it('applies a sheet without versions on top of the stored report, warning about each report it changes that exists', async () => {
    const period: Period = '2028Q3';
    const s = schools[2]!;
    const first = await saveReport(handle.db, principal(s.id), { schoolId: s.id, period, version: 0, values: BASE });
    const rows = await sheet(period);
    const saved = await saveReport(handle.db, principal(s.id), { schoolId: s.id, period, version: first.version, values: { gas_m3: 9, electricity_kwh: 5 } });
    const file = { electricity_kwh: 7_000, water_m3: 600 };
    const result = await importSheet(rows, period, file).result;
    expect(result).toMatchObject({ ok: true, stored: rows.length, created: rows.length - 1, updated: 1, errors: [] });
    const row = rowOf(rows, s);
    expect(result.warnings.filter((w) => w.code === 'version')).toEqual([
      {
        sheet: SHEET,
        row,
        column: 'A',
        code: 'version',
        rule: 'no_version',
        message: `第${row}行 ${s.name} 的版本为空：平台上已有该报表（当前版本${saved.version}），导入将在版本${saved.version}之上写入文件中的单元格；若下载模板后有人修改过该报表，这些单元格上的修改会被覆盖。如需避免，请重新下载模板后再导入。`,
      },
    ]);
    // The save's other cells stand; the file's cells are written over it, as the warning says.
    expect((await getReport(handle.db, SYSTEM_ACTOR, s.id, period)).values).toEqual({ ...saved.values, ...file });
    expect((await accountFor(handle, s.id, period, first)).map((step) => step.action)).toEqual(['report.save', 'report.import']);
  });

  /**
   * Deterministic interleavings: a principal creates school Z's report in a transaction left open; the import locks
   * X's and Y's reports and waits to create Z's; Y's principal saves the version the import holds and waits too.
   */
  async function heldOpen(period: Period, commit: boolean) {
    const [x, y, z] = schools as [School, School, School, School];
    for (const s of [x, y]) await saveReport(handle.db, principal(s.id), { schoolId: s.id, period, version: 0, values: BASE });
    const rows = await sheet(period);
    const file = { electricity_kwh: 30_000, water_m3: 4_000 };
    const yBefore = storedIn(rows.find((r) => r.school.id === y.id)!, period);
    let imported: Promise<{ value: Awaited<ReturnType<typeof importReports>> } | { error: unknown }> | undefined;
    let saving: Promise<unknown[]> | undefined;
    let fileHash = '';
    const rollback = new Error('rolled back on purpose');
    await handle.db
      .transaction()
      .execute(async (trx) => {
        await saveReport(trx, principal(z.id), { schoolId: z.id, period, version: 0, values: { gas_m3: 7 } });
        const started = importSheet(rows, period, file);
        fileHash = started.fileHash;
        imported = started.result.then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        );
        await blocked(1);
        saving = settle([saveReport(handle.db, principal(y.id), { schoolId: y.id, period, version: yBefore.version, values: { electricity_kwh: 1 } })]);
        await blocked(2);
        if (!commit) throw rollback;
      })
      .catch((error: unknown) => {
        if (error !== rollback) throw error;
      });
    return {
      rows,
      file,
      outcome: await imported!,
      saved: (await saving!) as Awaited<ReturnType<typeof saveReport>>[],
      entries: await fileEntries(fileHash),
      x,
      y,
      z,
    };
  }

  it('makes a save of a report the import holds wait for it and then CONFLICT, the import keeping every change', async () => {
    const period: Period = '2027Q3';
    const { rows, file, outcome, saved, entries } = await heldOpen(period, false);
    expect(outcome).toMatchObject({ value: { ok: true, stored: 4, created: 2, updated: 2 } });
    expect(saved).toEqual([]);
    expect(entries).toHaveLength(1);
    for (const row of rows) {
      const steps = await accountFor(handle, row.school.id, period, storedIn(row, period));
      expect(steps.map((s) => s.action)).toEqual(['report.import']);
      expect((await getReport(handle.db, SYSTEM_ACTOR, row.school.id, period)).values).toEqual({ ...storedIn(row, period).values, ...file });
    }
  });

  it('refuses the whole import when a report it would create is created meanwhile (PGlite: applies it after), letting the waiting save through', async () => {
    const period: Period = '2027Q4';
    const { rows, file, outcome, saved, entries, x, y, z } = await heldOpen(period, true);
    const actions = async (s: School) =>
      (await accountFor(handle, s.id, period, storedIn(rows.find((r) => r.school.id === s.id)!, period))).map((step) => step.action);
    if (kind === 'postgres') {
      // The import locked X and Y, then found Z created by the committed save: it rolled back, and Y's save went on.
      expect(outcome).toMatchObject({ error: { code: 'CONFLICT', message: IMPORT_REFUSED } });
      expect(entries).toHaveLength(0);
      expect(saved).toHaveLength(1);
      expect(saved[0]!.version).toBe(storedIn(rows.find((r) => r.school.id === y.id)!, period).version + 1);
      expect(await actions(x)).toEqual([]);
      expect(await actions(y)).toEqual(['report.save']);
      expect(await actions(z)).toEqual(['report.save']);
      expect((await getReport(handle.db, SYSTEM_ACTOR, schools[3]!.id, period)).version).toBe(0);
    } else {
      // One connection runs one transaction at a time: the import ran after Z's save and before Y's, which is stale.
      expect(outcome).toMatchObject({ value: { ok: true, stored: 4, created: 1, updated: 3 } });
      expect(entries).toHaveLength(1);
      expect(saved).toEqual([]);
      expect(await actions(x)).toEqual(['report.import']);
      expect(await actions(y)).toEqual(['report.import']);
      expect(await actions(z)).toEqual(['report.save', 'report.import']);
      expect((await getReport(handle.db, SYSTEM_ACTOR, z.id, period)).values).toMatchObject({ gas_m3: 7, ...file });
    }
  });
});
