import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createOrgUnit,
  createSchool,
  createUser,
  FileSystemEvidenceStore,
  login,
  SYSTEM_ACTOR,
  type DatabaseHandle,
  type EvidenceStore,
  type School,
} from '@oversight/db';
import type { CostLimits, ReportValues } from '@oversight/domain';
import { createTestDatabase, schoolInput } from '@oversight/db/testing';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import type { EvidenceLimits, FileLimits } from '../src/env.js';
import { buildServer, SESSION_COOKIE } from '../src/server.js';

/** Shared set-up for the spreadsheet tests: a small province, schools, accounts, signed-in sessions, a server. */
export const HOST = 'oversight.test';
export const ORIGIN = `http://${HOST}`;
const PASSWORD = 'secret123';

/**
 * A server for the file tests. They upload and download far more often than a person would (property tests, the
 * authorisation matrix), so the per-user limits of costly calls are off unless a test passes some
 * (`apps/api/test/limits.test.ts` checks them, and that a server left to its defaults counts).
 */
export async function server(
  handle: DatabaseHandle,
  fileLimits?: FileLimits,
  costLimits: CostLimits | null = null,
  evidence: { store?: EvidenceStore; limits?: EvidenceLimits } = {},
): Promise<FastifyInstance> {
  return buildServer({
    db: handle.db,
    webDir: mkdtempSync(path.join(tmpdir(), 'oversight-web-')),
    cookieSecure: false,
    trustProxy: [],
    costLimits,
    ...(fileLimits ? { fileLimits } : {}),
    // Evidence files of a test go to a throw-away folder unless the test brings its own store.
    evidenceStore: evidence.store ?? new FileSystemEvidenceStore(mkdtempSync(path.join(tmpdir(), 'oversight-evidence-'))),
    ...(evidence.limits ? { evidenceLimits: evidence.limits } : {}),
  });
}

export { schoolInput };

/** Numbers what this file makes beyond the shared school factory (vocational codes, unique names). */
let sequence = 0;

/** Two counties (甲县 with three schools, 乙县 with one), an officer per county, two principals of 甲县. */
export async function county(handle: DatabaseHandle) {
  const db = handle.db;
  const province = await createOrgUnit(db, SYSTEM_ACTOR, { parentId: null, level: 'province', code: '510000', name: '四川省' });
  const city = await createOrgUnit(db, SYSTEM_ACTOR, { parentId: province.id, level: 'city', code: '511600', name: '甲市' });
  const countyA = await createOrgUnit(db, SYSTEM_ACTOR, { parentId: city.id, level: 'county', code: '511681', name: '甲县' });
  const countyB = await createOrgUnit(db, SYSTEM_ACTOR, { parentId: city.id, level: 'county', code: '511682', name: '乙县' });
  const primary = await createSchool(db, SYSTEM_ACTOR, schoolInput(countyA.id, { name: '=实验小学' }));
  const noCanteen = await createSchool(db, SYSTEM_ACTOR, schoolInput(countyA.id, { name: '村小', hasCanteen: false }));
  const vocational = await createSchool(
    db,
    SYSTEM_ACTOR,
    schoolInput(countyA.id, { name: '职业中学', type: 'vocational', code: `365100${String(++sequence).padStart(4, '0')}` }),
  );
  const foreign = await createSchool(db, SYSTEM_ACTOR, schoolInput(countyB.id, { name: '乙县小学' }));
  const tag = sequence;
  const account = async (username: string, extra: { role: 'bureau_officer' | 'principal'; orgUnitId?: number; schoolId?: number }) => {
    await createUser(db, SYSTEM_ACTOR, { username, displayName: username, password: PASSWORD, ...extra });
    const { token } = await login(db, { username, password: PASSWORD, address: '127.0.0.1' });
    return token;
  };
  const sessions = {
    officerA: await account(`officer-a-${tag}`, { role: 'bureau_officer', orgUnitId: countyA.id }),
    officerB: await account(`officer-b-${tag}`, { role: 'bureau_officer', orgUnitId: countyB.id }),
    principal: await account(`principal-${tag}`, { role: 'principal', schoolId: primary.id }),
    otherPrincipal: await account(`principal2-${tag}`, { role: 'principal', schoolId: noCanteen.id }),
  };
  return { countyA, countyB, primary, noCanteen, vocational, foreign, sessions };
}

export const cookie = (token: string) => ({ [SESSION_COOKIE]: token });

export async function download(app: FastifyInstance, url: string, token: string) {
  const response = await app.inject({ method: 'GET', url, cookies: cookie(token) });
  return response;
}

export async function workbookOf(body: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ExcelJS.Buffer);
  return workbook;
}

export async function bytes(workbook: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A multipart upload as a browser sends it (same origin), with a file and optional text fields. */
export function upload(
  app: FastifyInstance,
  token: string,
  file: Buffer,
  options: { mode?: string; query?: string; headers?: Record<string, string>; fileName?: string; url?: string } = {},
) {
  const boundary = `----oversight${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  if (options.mode) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="mode"\r\n\r\n${options.mode}\r\n`));
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${encodeURIComponent(options.fileName ?? 'reports.xlsx')}"\r\n` +
        'Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n',
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return app.inject({
    method: 'POST',
    url: options.url ?? `/api/import/reports${options.query ? `?${options.query}` : ''}`,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, host: HOST, origin: ORIGIN, ...options.headers },
    cookies: cookie(token),
    payload: Buffer.concat(parts),
  });
}

/** The cell of the school sheet's value column on the row whose code column holds `code`. */
export function schoolValueCell(sheet: ExcelJS.Worksheet, code: string): ExcelJS.Cell {
  for (let row = 1; row <= sheet.rowCount; row++) {
    if (sheet.getCell(row, 2).value === code) return sheet.getCell(row, 4);
  }
  throw new Error(`no row for ${code}`);
}

/** The county sheet's column (1-based) whose code-row cell holds `code`. */
export function countyColumn(sheet: ExcelJS.Worksheet, code: string, codesRow = 4): number {
  for (let column = 1; column <= sheet.columnCount; column++) if (sheet.getCell(codesRow, column).value === code) return column;
  throw new Error(`no column for ${code}`);
}

export function countyRow(sheet: ExcelJS.Worksheet, school: School, codesRow = 4): number {
  const codeColumn = countyColumn(sheet, 'school_code', codesRow);
  for (let row = codesRow + 1; row <= sheet.rowCount; row++) if (sheet.getCell(row, codeColumn).value === school.code) return row;
  throw new Error(`no row for ${school.code}`);
}

export async function reportOf(handle: DatabaseHandle, schoolId: number, period: string) {
  return handle.db.selectFrom('reports').selectAll().where('schoolId', '=', schoolId).where('period', '=', period).executeTakeFirst();
}

export async function auditCount(handle: DatabaseHandle) {
  const row = await handle.db
    .selectFrom('auditLog')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A zip archive written by hand, so entries can be made to inflate to far more than they declare. */
export { zipParts as zip } from '../bench/large-workbook.js';

/** Every report and every audit entry, as JSON: what a refused upload must leave exactly as it was. */
export async function storedState(handle: DatabaseHandle): Promise<string> {
  return JSON.stringify({
    reports: await handle.db.selectFrom('reports').selectAll().orderBy('id').execute(),
    audit: await handle.db.selectFrom('auditLog').selectAll().orderBy('id').execute(),
  });
}

/**
 * A test database of `kind` with the small province of `county`, and a server on it, for the tests of a describe
 * block (opened before them, closed after); read its fields inside the tests.
 */
export function countyServer(kind: Parameters<typeof createTestDatabase>[0]) {
  const fixture = {} as { handle: DatabaseHandle; app: FastifyInstance; setup: Awaited<ReturnType<typeof county>> };
  beforeAll(async () => {
    fixture.handle = await createTestDatabase(kind);
    fixture.setup = await county(fixture.handle);
    fixture.app = await server(fixture.handle);
  });
  afterAll(async () => {
    await fixture.app?.close();
    await fixture.handle?.close();
  });
  return fixture;
}

/** A complete, valid quarter for a primary school with a canteen: what must come out of the database exactly. */
export const QUARTER: ReportValues = {
  students_enrolled: 1200,
  staff_count: 80,
  meal_days: 60,
  liability_insured: 1200,
  accident_insured: 1100,
  accident_premium_collected_by_school: false,
  medical_insured: 1000,
  food_liability_insured: true,
  injury_incidents: 2,
  injury_claims_settled: 1,
  injury_claims_paid_yuan: 3500.5,
  electricity_kwh: 12345.5,
  water_m3: 2345.25,
  gas_m3: 0,
  coal_kg: 0,
  energy_cost_yuan: 9000,
  water_cost_yuan: 3000,
  water_saving_level: 'city',
  green_school_status: 'certified',
  green_school_level: 'province',
  garden_unit_level: 'none',
  greening_investment_yuan: 20000,
  plants_planted: 300,
  green_area_added_m2: 100,
  green_area_total_m2: 3000,
  canteen_operation: 'self_run',
  food_safety_grade: 'A',
  food_safety_grade_date: '2026-02-10',
  assured_canteen_status: 'accepted',
  open_kitchen: true,
  canteen_staff: 10,
  canteen_staff_certified: 10,
  accompany_meal_days: 58,
  sample_retention_compliant: true,
  inspections: 3,
  issues_found: 2,
  issues_rectified: 2,
  food_incidents: 0,
};

/** How a person types each value into the sheet: labels for lists, 是/否, text numbers in various forms. */
export const TYPED: Record<string, ExcelJS.CellValue> = {
  ...(QUARTER as Record<string, ExcelJS.CellValue>),
  students_enrolled: '1,200',
  staff_count: '８０',
  electricity_kwh: '１２，３４５.５',
  water_m3: ' 2,345.25 ',
  accident_premium_collected_by_school: '否',
  food_liability_insured: '是',
  water_saving_level: '市级',
  green_school_status: '已认定',
  green_school_level: '省级',
  garden_unit_level: '未获评',
  canteen_operation: '自营',
  food_safety_grade: 'A级（优秀）',
  food_safety_grade_date: new Date(Date.UTC(2026, 1, 10)),
  assured_canteen_status: '已验收',
  open_kitchen: '是',
  sample_retention_compliant: '是',
};
