import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { draftSchoolSummary, FileSystemEvidenceStore, login, recordEvidence, SYSTEM_ACTOR, type DatabaseHandle, type EvidenceStore } from '@oversight/db';
import { createTestDatabase, describeEachDatabase } from '@oversight/db/testing';
import { ROSTER_COLUMNS, rosterHeader, type Role } from '@oversight/domain';
import ExcelJS from 'exceljs';
import type { FastifyInstance, LightMyRequestResponse as Response, RouteOptions } from 'fastify';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { PASSWORD, world } from '../../../packages/api/test/support.js';
import {
  ACCESS_RULES,
  BUREAU,
  countyOf,
  expectedAccess,
  REFUSALS,
  schoolOf,
  SIGNED_IN,
  type SignedIn,
  type Target,
  TARGETS,
} from '../../../packages/api/test/authorisation.js';
import { deleteEvidence, uploadEvidence } from './evidence-support.js';
import { bytes, cookie, download, HOST, ORIGIN, schoolValueCell, server, TYPED, upload, workbookOf } from './files-support.js';
import { makePdf } from './pdf.js';

/**
 * The authorisation matrix of the file routes (downloads and uploads), generated from the server's own route list:
 * every route under /api/ × every kind of caller × a target in and out of scope (own school, another school of the
 * county, a school of another county of the city, a school of another city), each sent as a real HTTP request with
 * that caller's session cookie. Who may do what is written here, independently of the routes' `config.access`, so a
 * loosened rule fails; a route without a row here, or without `config.access`, fails too.
 *
 * The route list is what Fastify's own `onRoute` hook reports: the hook is added to every instance as it is created
 * (the real Fastify, wrapped), so it sees every route of every plugin, with its method, URL and config.
 */
const routesOf = vi.hoisted(() => new WeakMap<object, RouteOptions[]>());
vi.mock('fastify', async (importOriginal) => {
  const actual = await importOriginal<typeof import('fastify')>();
  const create = ((options?: Parameters<typeof actual.default>[0]) => {
    const app = actual.default(options);
    const routes: RouteOptions[] = [];
    routesOf.set(app, routes);
    app.addHook('onRoute', (route) => void routes.push(route));
    return app;
  }) as typeof actual.default;
  return { ...actual, default: create };
});

type World = Awaited<ReturnType<typeof world>>;

/** What one database's run has ready: the server, the world, and what requests need (files to upload, summaries). */
interface Fixture {
  app: FastifyInstance;
  w: World;
  /** The target school's template for DRAFT_PERIOD with one figure filled in. */
  draftFiles: Record<Target, Buffer>;
  /** The target school's template for APPROVED_PERIOD, complete (an approved report must be). */
  approvedFiles: Record<Target, Buffer>;
  /** A school summary of each target school. */
  summaries: Record<Target, number>;
  /** A school roster with its header row only. */
  emptyRoster: Buffer;
  handle: DatabaseHandle;
  store: EvidenceStore;
  /** An evidence file of each target school's draft report. */
  evidence: Record<Target, number>;
}

const Q = '2026Q1';
const APPROVED_PERIOD = '2026Q1';
const DRAFT_PERIOD = '2026Q2';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

interface Refusal {
  status: number;
  message: string;
}
const SIGN_IN: Refusal = REFUSALS['sign-in'];
const WRONG_ROLE: Refusal = REFUSALS.role;
// Out of scope answers exactly as missing: the same status and message, so other counties' ids cannot be probed.
const SCHOOL_OUT_OF_SCOPE: Refusal = REFUSALS.school;
const COUNTY_OUT_OF_SCOPE: Refusal = REFUSALS.county;
// A file's row of a school out of scope reads like an unknown identifier: one error, nothing stored.
const FOREIGN_ROWS: Refusal = { status: 422, message: '文件中有1处错误，未保存任何数据。请按提示修改后重新上传。' };
const SUMMARY_OUT_OF_SCOPE: Refusal = { status: 404, message: '总结不存在。' };
const EVIDENCE_OUT_OF_SCOPE: Refusal = { status: 404, message: '佐证材料不存在。' };

interface Rule {
  /** A name for a stricter mode of the route (checked in its handler), empty for the route's own rule. */
  mode: string;
  /** The roles of a stricter mode; the route's own rule takes its roles and target from the shared rule table. */
  roles?: readonly Role[];
  /** Who checks the scope: the access hook (a schoolId / countyId query parameter) or the handler (a file's rows, a summary). */
  checkedBy: 'hook' | 'handler';
  /** The real request, as `method` (HEAD for a GET route's twin), with the given session cookie ('' for none). */
  send: (f: Fixture, token: string, target: Target, method: string) => Promise<Response>;
  /** What an allowed request gets: always a full answer here (every request is valid), never a validation refusal. */
  allowed: (response: Response, method: string) => void;
  wrongRole: Refusal;
  outOfScope: Refusal;
}

const get =
  (url: (f: Fixture, t: Target) => string): Rule['send'] =>
  (f, token, t, method) =>
    f.app.inject({ method: method as 'GET' | 'HEAD', url: url(f, t), cookies: token ? cookie(token) : {} });

/** A downloaded file: 200 with its type and an attachment name; a GET carries the zip (OOXML) body, a HEAD none. */
const file =
  (type: string) =>
  (response: Response, method: string): void => {
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(type);
    expect(String(response.headers['content-disposition'])).toMatch(/^attachment; /);
    if (method === 'GET') expect(response.rawPayload.subarray(0, 2).toString()).toBe('PK');
  };

/** An upload that was read and stored (or was already stored exactly so): 200, ok, no findings. */
const imported = (response: Response): void => {
  expect(response.statusCode).toBe(200);
  expect(response.json()).toMatchObject({ ok: true, errors: [] });
};

/** An evidence file as stored: 200 and its row. */
const evidenceAnswer = (response: Response): void => {
  expect(response.statusCode).toBe(200);
  expect(response.json()).toMatchObject({ name: '保单.pdf', type: 'application/pdf', size: EVIDENCE_PDF.length });
};

/** The evidence file itself, shown inline (a PDF opens in the browser's viewer). */
const evidenceFile = (response: Response, method: string): void => {
  expect(response.headers['content-type']).toBe('application/pdf');
  expect(String(response.headers['content-disposition'])).toMatch(/^inline; /);
  if (method === 'GET') expect(response.rawPayload.equals(EVIDENCE_PDF)).toBe(true);
};

const EVIDENCE_PDF = makePdf(['matrix']);

const base = { mode: '', wrongRole: WRONG_ROLE } as const;

const EXPECTED: Record<string, readonly Rule[]> = {
  'GET /api/templates/school-report.xlsx': [
    {
      ...base,
      checkedBy: 'hook',
      send: get((f, t) => `/api/templates/school-report.xlsx?schoolId=${schoolOf(f.w, t).id}&period=${Q}`),
      allowed: file(XLSX),
      outOfScope: SCHOOL_OUT_OF_SCOPE,
    },
  ],
  'GET /api/templates/county-reports.xlsx': [
    {
      ...base,
      checkedBy: 'hook',
      send: get((f, t) => `/api/templates/county-reports.xlsx?countyId=${countyOf(f.w, t).id}&period=${Q}`),
      allowed: file(XLSX),
      outOfScope: COUNTY_OUT_OF_SCOPE,
    },
  ],
  'POST /api/import/reports': [
    {
      ...base,
      checkedBy: 'handler',
      send: (f, token, t) => upload(f.app, token, f.draftFiles[t], { mode: 'draft' }),
      allowed: imported,
      outOfScope: FOREIGN_ROWS,
    },
    {
      mode: 'mode=approved',
      roles: BUREAU,
      checkedBy: 'handler',
      send: (f, token, t) => upload(f.app, token, f.approvedFiles[t], { mode: 'approved' }),
      allowed: imported,
      wrongRole: { status: 403, message: '只有教育局账号可以导入已审核的历史数据（导入方式“approved”）；学校请按草稿导入。' },
      outOfScope: FOREIGN_ROWS,
    },
  ],
  'GET /api/templates/school-roster.xlsx': [
    {
      ...base,
      checkedBy: 'hook',
      send: get((f, t) => `/api/templates/school-roster.xlsx?countyId=${countyOf(f.w, t).id}`),
      allowed: file(XLSX),
      outOfScope: COUNTY_OUT_OF_SCOPE,
    },
  ],
  'POST /api/import/schools': [
    {
      ...base,
      checkedBy: 'hook',
      // A roster with its header and no school: the access decision is the route's, whatever the file holds.
      send: (f, token, t) => upload(f.app, token, f.emptyRoster, { url: `/api/import/schools?countyId=${countyOf(f.w, t).id}`, fileName: 'roster.xlsx' }),
      allowed: (response) => {
        expect(response.statusCode).toBe(200);
        expect(response.json()).toMatchObject({ ok: true, created: 0, updated: 0, unchanged: 0, accounts: [], errors: [] });
      },
      outOfScope: COUNTY_OUT_OF_SCOPE,
    },
  ],
  'GET /api/export/county.xlsx': [
    {
      ...base,
      checkedBy: 'hook',
      send: get((f, t) => `/api/export/county.xlsx?countyId=${countyOf(f.w, t).id}&year=2026`),
      allowed: file(XLSX),
      outOfScope: COUNTY_OUT_OF_SCOPE,
    },
  ],
  'GET /api/export/completeness.xlsx': [
    {
      ...base,
      checkedBy: 'hook',
      send: get((f, t) => `/api/export/completeness.xlsx?countyId=${countyOf(f.w, t).id}&period=${Q}`),
      allowed: file(XLSX),
      outOfScope: COUNTY_OUT_OF_SCOPE,
    },
  ],
  'GET /api/export/review-queue.xlsx': [
    {
      ...base,
      checkedBy: 'hook',
      send: get((f, t) => `/api/export/review-queue.xlsx?countyId=${countyOf(f.w, t).id}`),
      allowed: file(XLSX),
      outOfScope: COUNTY_OUT_OF_SCOPE,
    },
  ],
  'GET /api/export/ranking.xlsx': [
    {
      ...base,
      checkedBy: 'hook',
      send: get((f, t) => `/api/export/ranking.xlsx?countyId=${countyOf(f.w, t).id}&indicator=electricity_kwh&year=2026&includeSubmitted=1`),
      allowed: file(XLSX),
      outOfScope: COUNTY_OUT_OF_SCOPE,
    },
  ],
  'GET /api/summaries/:id(^\\d+).docx': [
    {
      ...base,
      checkedBy: 'handler',
      send: get((f, t) => `/api/summaries/${f.summaries[t]}.docx`),
      allowed: file(DOCX),
      outOfScope: SUMMARY_OUT_OF_SCOPE,
    },
  ],
  'GET /api/summaries/:id(^\\d+).xlsx': [
    {
      ...base,
      checkedBy: 'handler',
      send: get((f, t) => `/api/summaries/${f.summaries[t]}.xlsx`),
      allowed: file(XLSX),
      outOfScope: SUMMARY_OUT_OF_SCOPE,
    },
  ],
  'POST /api/reports/:schoolId/:period/evidence': [
    {
      ...base,
      checkedBy: 'hook',
      send: (f, token, t) => uploadEvidence(f.app, token, schoolOf(f.w, t).id, DRAFT_PERIOD, EVIDENCE_PDF),
      allowed: evidenceAnswer,
      outOfScope: SCHOOL_OUT_OF_SCOPE,
    },
  ],
  'GET /api/evidence/:id(^\\d+)': [
    {
      ...base,
      checkedBy: 'handler',
      send: get((f, t) => `/api/evidence/${f.evidence[t]}`),
      allowed: evidenceFile,
      outOfScope: EVIDENCE_OUT_OF_SCOPE,
    },
  ],
  'DELETE /api/evidence/:id(^\\d+)': [
    {
      ...base,
      checkedBy: 'handler',
      // A file of its own for each request (an allowed one removes it).
      send: async (f, token, t) => deleteEvidence(f.app, token, await storedEvidence(f, schoolOf(f.w, t).id)),
      allowed: evidenceAnswer,
      outOfScope: EVIDENCE_OUT_OF_SCOPE,
    },
  ],
  'GET /api/evidence/county/:countyId(^\\d+)/:year(^\\d+).zip': [
    {
      ...base,
      checkedBy: 'hook',
      send: get((f, t) => `/api/evidence/county/${countyOf(f.w, t).id}/2026.zip`),
      allowed: file('application/zip'),
      outOfScope: COUNTY_OUT_OF_SCOPE,
    },
  ],
};

/** A new evidence file on a school's draft report, stored through the service (whoever is signed in). */
async function storedEvidence(f: Fixture, schoolId: number): Promise<number> {
  const kept = await f.store.keep(await f.store.receive(Readable.from([EVIDENCE_PDF]), 1024 * 1024));
  const file = await recordEvidence(
    f.handle.db,
    SYSTEM_ACTOR,
    { schoolId, period: DRAFT_PERIOD, indicator: null, domain: null, name: '保单.pdf', type: 'application/pdf', ...kept },
    { reportMaxBytes: 1024 * 1024 * 1024 },
  );
  return file.id;
}

/** A new evidence file on a school's draft report, uploaded by the system admin. */
async function evidenceOf(app: FastifyInstance, adminToken: string, schoolId: number): Promise<number> {
  const response = await uploadEvidence(app, adminToken, schoolId, DRAFT_PERIOD, EVIDENCE_PDF);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().id;
}

type Who = 'anonymous' | 'unknownSession' | SignedIn;
const WHO: readonly Who[] = ['anonymous', 'unknownSession', ...SIGNED_IN];

function expectedOutcome(key: string, rule: Rule, who: Who, target: Target): Refusal | 'allowed' {
  const shared = ACCESS_RULES[key]!;
  const expected = expectedAccess({ ...shared, roles: rule.roles ?? shared.roles }, who === 'anonymous' || who === 'unknownSession' ? null : who, target);
  if (expected === 'allowed') return 'allowed';
  if (expected === 'sign-in') return SIGN_IN;
  return expected === 'role' ? rule.wrongRole : rule.outOfScope;
}

/** "METHOD url" for every route under /api/ of a built server, with its route options. */
function apiRoutes(app: FastifyInstance): Map<string, RouteOptions> {
  const routes = routesOf.get(app);
  if (!routes) throw new Error('the server was not created through the wrapped Fastify: no route list');
  const byKey = new Map<string, RouteOptions>();
  for (const route of routes) {
    if (!route.url.startsWith('/api/')) continue;
    for (const method of [route.method].flat()) byKey.set(`${method} ${route.url}`, route);
  }
  return byKey;
}

/** The rule of a route key: a GET's automatic HEAD twin follows its GET. */
const ruleKey = (key: string) => key.replace(/^HEAD /, 'GET ');

await describeEachDatabase('file routes: authorisation matrix', (kind) => {
  let handle: DatabaseHandle;
  let f: Fixture;
  let routes: Map<string, RouteOptions>;
  const tokens = {} as Record<Who, string>;

  beforeAll(async () => {
    handle = await createTestDatabase(kind);
    const w = await world(handle.db);
    const store = new FileSystemEvidenceStore(mkdtempSync(path.join(tmpdir(), 'oversight-evidence-')));
    const app = await server(handle, undefined, null, { store });
    routes = apiRoutes(app);
    tokens.anonymous = '';
    tokens.unknownSession = 'f'.repeat(64);
    for (const who of SIGNED_IN) {
      tokens[who] = (await login(handle.db, { username: w.users[who].username, password: PASSWORD, address: '127.0.0.1' })).token;
    }
    // Each target school's template (downloaded by the system admin), filled in for a draft and for an approved import.
    const template = async (t: Target, period: string, values: Record<string, ExcelJS.CellValue>) => {
      const response = await download(app, `/api/templates/school-report.xlsx?schoolId=${schoolOf(w, t).id}&period=${period}`, tokens.systemAdmin);
      expect(response.statusCode).toBe(200);
      const workbook = await workbookOf(response.rawPayload);
      const sheet = workbook.getWorksheet('季度报表')!;
      for (const [code, value] of Object.entries(values)) schoolValueCell(sheet, code).value = value;
      return bytes(workbook);
    };
    const draftFiles = {} as Record<Target, Buffer>;
    const approvedFiles = {} as Record<Target, Buffer>;
    const summaries = {} as Record<Target, number>;
    const evidence = {} as Record<Target, number>;
    for (const t of TARGETS) {
      evidence[t] = await evidenceOf(app, tokens.systemAdmin, schoolOf(w, t).id);
      draftFiles[t] = await template(t, DRAFT_PERIOD, { students_enrolled: 640 });
      approvedFiles[t] = await template(t, APPROVED_PERIOD, TYPED);
      summaries[t] = (await draftSchoolSummary(handle.db, SYSTEM_ACTOR, { schoolId: schoolOf(w, t).id, year: 2026 })).id;
    }
    const roster = new ExcelJS.Workbook();
    roster.addWorksheet('学校名单').addRow(ROSTER_COLUMNS.map(rosterHeader));
    f = { app, w, draftFiles, approvedFiles, summaries, emptyRoster: await bytes(roster), evidence, handle, store };
  });
  afterAll(async () => {
    await f?.app.close();
    await handle?.close();
  });

  it('every file route declares an access rule and has a row in the matrix, and every row has a route', () => {
    expect(routes.size, 'no route under /api/ was seen: the route list is not being collected').toBeGreaterThan(0);
    for (const [key, route] of routes) {
      const access = route.config?.access;
      expect(access, `${key} declares no config.access`).toBeDefined();
      const rules = EXPECTED[ruleKey(key)];
      expect(rules, `${key} has no row in the file-route authorisation matrix`).toBeDefined();
      // The route's own rule (the first) is the one it declares: the same roles, and a target only where the hook checks it.
      const declared = rules![0]!;
      const shared = ACCESS_RULES[ruleKey(key)]!;
      expect(shared, `${key} has no row in the shared rule table`).toBeDefined();
      expect([...access!.roles].sort(), `${key}: declared roles`).toEqual([...(shared.roles as readonly Role[])].sort());
      expect(access!.target, `${key}: declared target`).toBe(declared.checkedBy === 'hook' ? shared.target : undefined);
    }
    const keys = [...routes.keys()].filter((key) => !key.startsWith('HEAD ')).sort();
    expect(Object.keys(EXPECTED).sort(), 'rows of the matrix without a route').toEqual(keys);
    expect(
      Object.keys(ACCESS_RULES)
        .filter((k) => k.includes(' '))
        .sort(),
      'rows of the shared rule table without a route',
    ).toEqual(keys);
    // Every GET has its HEAD twin, guarded by the same rule.
    for (const key of keys.filter((k) => k.startsWith('GET '))) {
      expect(routes.get(key.replace(/^GET /, 'HEAD '))?.config?.access, `HEAD twin of ${key}`).toEqual(routes.get(key)!.config!.access);
    }
  });

  it('refuses every /api/ route without a session with 401, whatever the route is', async () => {
    for (const [key, route] of routes) {
      // Path parameters get a plausible value; state changes are sent as same-origin JSON so only the session is missing.
      const url = route.url.replace(/:\w+(\([^)]*\))?/g, '1');
      const method = key.split(' ', 1)[0] as 'GET' | 'HEAD' | 'POST' | 'DELETE';
      const response =
        method === 'GET' || method === 'HEAD'
          ? await f.app.inject({ method, url })
          : await f.app.inject({ method, url, headers: { 'content-type': 'application/json', host: HOST, origin: ORIGIN }, payload: '{}' });
      expect(response.statusCode, `${key} without a session`).toBe(401);
      if (method !== 'HEAD') expect(response.json().error.message, key).toBe(SIGN_IN.message);
    }
  });

  for (const [key, rules] of Object.entries(EXPECTED)) {
    for (const rule of rules) {
      const methods = key.startsWith('GET ') ? ['GET', 'HEAD'] : [key.split(' ', 1)[0]!];
      it(`${key}${rule.mode ? ` (${rule.mode})` : ''}: allowed and refused as designed`, async () => {
        for (const method of methods) {
          for (const who of WHO) {
            for (const target of TARGETS) {
              const label = `${method} ${key.slice(key.indexOf(' ') + 1)}${rule.mode ? ` (${rule.mode})` : ''} as ${who} on ${target}`;
              const expected = expectedOutcome(key, rule, who, target);
              const response = await rule.send(f, tokens[who], target, method);
              const answer = `${label}: ${String(response.headers['content-type']).includes('json') ? response.body.slice(0, 300) : response.headers['content-type']}`;
              if (expected === 'allowed') {
                expect(response.statusCode, answer).toBe(200);
                rule.allowed(response, method);
              } else {
                expect(response.statusCode, answer).toBe(expected.status);
                if (method !== 'HEAD') expect(response.json().error.message, label).toBe(expected.message);
              }
            }
          }
        }
      });
    }
  }

  // Last: it marks every account of the world as holding a password someone else chose (read from the database by the
  // access hook, as on a real request), then puts them back.
  it('refuses every file route to an account that must change its password first', async () => {
    const ids = SIGNED_IN.map((who) => f.w.users[who].id);
    await handle.db.updateTable('users').set({ mustChangePassword: true }).where('id', 'in', ids).execute();
    try {
      for (const [key, rules] of Object.entries(EXPECTED)) {
        const rule = rules[0]!;
        for (const who of SIGNED_IN) {
          const response = await rule.send(f, tokens[who], 'own', key.split(' ', 1)[0]!);
          const expected = expectedAccess(ACCESS_RULES[key]!, who, 'own', true);
          expect(expected, `${key}: the rule table opens it before a password change`).toBe('password-change');
          expect(response.statusCode, `${key} as ${who}`).toBe(REFUSALS['password-change'].status);
          expect(response.json().error.message, `${key} as ${who}`).toBe(REFUSALS['password-change'].message);
        }
      }
    } finally {
      await handle.db.updateTable('users').set({ mustChangePassword: false }).where('id', 'in', ids).execute();
    }
  });
});
