import { createHash } from 'node:crypto';
import fastifyMultipart from '@fastify/multipart';
import {
  actorOfUser,
  completeness,
  countyRoster,
  countySheet,
  getOrgUnit,
  getReport,
  getSchool,
  importReports,
  importSchoolRoster,
  ranking,
  reviewQueue,
  type Database,
  type Kysely,
  type ReadReplica,
} from '@oversight/db';
import {
  ADMIN_ROLES,
  ALL_ROLES,
  AppError,
  columnNumber,
  type CostLimits,
  type ImportFinding,
  importFinding,
  type ImportResponse,
  figureIndicator,
  LOCATION_LABELS,
  LOCATIONS,
  missing,
  OVERSIGHT_ROLES,
  parseRoster,
  parseWorkbook,
  type Period,
  periodLabel,
  quartersOfYear,
  type RosterResponse,
  SCHOOL_TYPE_LABELS,
  SCHOOL_TYPES,
} from '@oversight/domain';
import { countyIdInput, fromQuery, indicatorInput, periodInput, quarterInput, schoolIdInput, yearInput } from '@oversight/api';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { DocumentPool } from '../documents/pool.js';
import type { FileLimits } from '../env.js';
import { callerOf, guardFileRoutes } from './access.js';
import { completenessExport, countyExport, rankingExport, reviewQueueExport } from './exports.js';
import { FileRefusal } from './refusal.js';
import { readQuery } from './request.js';
import { answerErrors, HTTP_STATUS } from './reply.js';
import { countyTemplate, rosterTemplate, schoolTemplate } from './templates.js';
import { readUpload } from './upload.js';
import { annotateWorkbook, checkAnnotatable, readGrids } from './workbook.js';
import { sendWorkbook } from './xlsx.js';
import { inspectXlsx } from './zip.js';

/**
 * Spreadsheets in and out:
 * - GET  /api/templates/school-report.xlsx?schoolId=&period=    a school's quarterly report (any role, school in scope)
 * - GET  /api/templates/county-reports.xlsx?countyId=&period=   the county sheet, one row per school (bureau)
 * - POST /api/import/reports   multipart: file, mode=draft|approved (approved: bureau only)
 *        → JSON { ok, stored, created, updated, unchanged, skipped, values, errors, warnings }; 200 when stored
 *          (or nothing to change), 422 when the file has errors (nothing stored), 4xx { error } for a refused file.
 *          Templates carry each report's version (版本): a row whose report was saved by someone after the download
 *          is an error (rule conflict, error.rule 'conflict' when any), so nothing is stored over that save.
 *        ?annotate=1 checks without storing and answers with the uploaded workbook, the cells of the first 100
 *          findings highlighted (red: error, yellow: warning) and commented, plus a sheet listing the first 1,000
 *          findings and how many more; headers X-Import-Errors / X-Import-Warnings carry the counts. A workbook whose
 *          XML exceeds 4 MB is not annotated (413, rule annotate_too_large).
 *        Memory: the inflated XML parts (at most IMPORT_MAX_UNZIPPED_MB) plus cells capped per sheet (5,000 rows,
 *          250,000 cells; 413 too_many_rows / too_many_cells beyond), read window by window between other requests.
 * - GET  /api/templates/school-roster.xlsx?countyId=             the county's school roster, its schools filled in (bureau admin)
 * - POST /api/import/schools?countyId=   multipart: file (bureau admin)
 *        → JSON { ok, created, updated, unchanged, accounts: [{ schoolCode, schoolName, username, initialPassword }],
 *          errors, warnings }; 200 when stored (or nothing to change), 422 when the file has errors (nothing stored),
 *          4xx { error } for a refused file. New schools and schools without a principal account get one, with a
 *          one-time password answered here once (for the account slips).
 * - GET  /api/export/county.xlsx?countyId=&period= | &year=      county workbook (bureau)
 * - GET  /api/export/completeness.xlsx?countyId=&period=         completeness table (bureau)
 * - GET  /api/export/review-queue.xlsx?countyId=[&period=]        review queue table (bureau)
 * - GET  /api/export/ranking.xlsx?countyId=&indicator=&year=[&quarter=][&type=][&location=][&includeSubmitted=1]
 *        the league table as the page shows it (bureau)
 * Access for every route is declared in `config.access` and enforced by guardFileRoutes, which also counts each
 * user's imports and exports (`config.cost`) against their limits.
 */
export interface FileRouteOptions {
  db: Kysely<Database>;
  sessionCookie: string;
  limits: FileLimits;
  /** How often each user may import and export; null counts nothing. */
  costLimits: CostLimits | null;
  /** The server's document workers (they annotate uploads). */
  documents: DocumentPool;
  /** The dashboards' read replica, if any: the ranking export reads there, and a stored import waits for it. */
  replica?: ReadReplica | null | undefined;
}

async function countyName(db: Kysely<Database>, countyId: number): Promise<string> {
  const unit = await getOrgUnit(db, countyId);
  if (!unit) throw missing('county');
  if (unit.level !== 'county') throw new AppError('BAD_REQUEST', `“${unit.name}”不是县级单位：请选择一个县（市、区）。`, 'countyId');
  return unit.name;
}

/** Findings in reading order: the file first, then by sheet (as in the workbook), row and column. */
function ordered(findings: ImportFinding[], sheets: readonly string[]): ImportFinding[] {
  const sheetIndex = (f: ImportFinding) => (f.sheet === null ? -1 : sheets.indexOf(f.sheet));
  return [...findings].sort(
    (a, b) => sheetIndex(a) - sheetIndex(b) || (a.row ?? 0) - (b.row ?? 0) || (columnNumber(a.column ?? '') ?? 0) - (columnNumber(b.column ?? '') ?? 0),
  );
}

function importFailure(reply: FastifyReply, status: number, message: string, rule: string) {
  const errors = [importFinding(null, 'file', rule, message)];
  return reply.code(status).send({
    ok: false,
    stored: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    values: 0,
    errors,
    warnings: [],
    error: { message, rule },
  } satisfies ImportResponse);
}

function rosterFailure(reply: FastifyReply, status: number, message: string, rule: string) {
  const errors = [importFinding(null, 'file', rule, message)];
  return reply
    .code(status)
    .send({ ok: false, created: 0, updated: 0, unchanged: 0, accounts: [], errors, warnings: [], error: { message, rule } } satisfies RosterResponse);
}

export async function fileRoutes(app: FastifyInstance, options: FileRouteOptions): Promise<void> {
  const { db, limits } = options;
  await app.register(fastifyMultipart, { limits: { fileSize: limits.maxUploadBytes, files: 1, fields: 4, fieldSize: 200, parts: 6 } });
  guardFileRoutes(app, options);

  answerErrors(app, '服务器处理文件时出错，请稍后重试。');

  app.get('/api/templates/school-report.xlsx', { config: { access: { roles: ALL_ROLES, target: 'school' }, cost: 'export' } }, async (request, reply) => {
    const q = readQuery(fromQuery({ schoolId: schoolIdInput, period: periodInput }), request.query);
    const school = (await getSchool(db, q.schoolId))!;
    const view = await getReport(db, actorOfUser(callerOf(request)), school.id, q.period);
    return sendWorkbook(
      reply,
      schoolTemplate({ school, period: q.period, version: view.version, values: view.values }),
      `学校季度报表-${school.code}-${q.period}.xlsx`,
    );
  });

  app.get(
    '/api/templates/county-reports.xlsx',
    { config: { access: { roles: OVERSIGHT_ROLES, target: 'county' }, cost: 'export' } },
    async (request, reply) => {
      const q = readQuery(fromQuery({ countyId: countyIdInput, period: periodInput }), request.query);
      const name = await countyName(db, q.countyId);
      const schools = await countySheet(db, q.countyId, [q.period]);
      return sendWorkbook(reply, countyTemplate({ countyName: name, period: q.period, schools }), `全县汇总表-${name}-${q.period}.xlsx`);
    },
  );

  app.post('/api/import/reports', { config: { access: { roles: ALL_ROLES }, cost: 'import' } }, async (request, reply) => {
    const user = callerOf(request);
    const annotate = (request.query as Record<string, unknown>).annotate === '1';
    try {
      const upload = await readUpload(request, limits.maxUploadBytes);
      const mode = upload.fields.mode ?? 'draft';
      if (mode !== 'draft' && mode !== 'approved')
        throw new FileRefusal(400, `导入方式（mode）只能是 draft（草稿）或 approved（教育局导入已审核的历史数据），收到“${mode}”。`, 'fields');
      const parts = await inspectXlsx(upload.file, limits.maxUnzippedBytes);
      if (annotate) checkAnnotatable(parts);
      const grids = await readGrids(upload.file, parts, (err) => request.log.warn({ err }, 'lean xlsx reader fell back to exceljs'));
      const parsed = parseWorkbook(grids);
      if (!parsed.recognised) throw new FileRefusal(422, parsed.errors[0]!.message, 'wrong_template');
      const result = await importReports(db, { userId: user.id, role: user.role, scope: user.scope }, parsed.records, {
        mode,
        fileName: upload.fileName,
        fileHash: createHash('sha256').update(upload.file).digest('hex'),
        dryRun: annotate || parsed.errors.length > 0,
      });
      const sheets = grids.map((g) => g.name);
      const errors = ordered([...parsed.errors, ...result.errors], sheets);
      const warnings = ordered([...parsed.warnings, ...result.warnings], sheets);
      if (annotate) {
        reply.header('x-import-errors', String(errors.length)).header('x-import-warnings', String(warnings.length));
        return sendWorkbook(
          reply,
          await annotateWorkbook(options.documents, upload.file, errors, warnings),
          `导入检查结果-${upload.fileName.replace(/\.xlsx$/i, '')}.xlsx`,
        );
      }
      const ok = errors.length === 0;
      const values = parsed.records.reduce((n, r) => n + r.cells.filter((c) => c.raw !== null).length, 0);
      const body: ImportResponse = {
        ok,
        stored: result.stored,
        created: result.created,
        updated: result.updated,
        unchanged: result.unchanged,
        skipped: result.skipped,
        values,
        errors,
        warnings,
      };
      if (ok) {
        // Stored: dashboards on the replica show the imported figures once this answer arrives.
        if (!annotate && result.stored) await options.replica?.catchUp();
        return reply.code(200).send(body);
      }
      // Rows of schools outside the caller's scope read like unknown identifiers: ordinary errors, nothing stored.
      const stale = errors.filter((e) => e.code === 'version' && e.rule === 'conflict').length;
      const message = stale
        ? `文件中有${stale}份报表在您下载模板后已被他人修改，为避免覆盖他人的修改，未保存任何数据。请重新下载模板后再填写（共${errors.length}处问题，见明细）。`
        : `文件中有${errors.length}处错误，未保存任何数据。请按提示修改后重新上传。`;
      return reply.code(422).send({ ...body, error: { message, rule: stale ? 'conflict' : 'invalid' } });
    } catch (error) {
      if (error instanceof FileRefusal) return importFailure(reply, error.status, error.message, error.rule);
      if (error instanceof AppError) return importFailure(reply, HTTP_STATUS[error.code], error.message, error.code.toLowerCase());
      throw error;
    }
  });

  app.get('/api/templates/school-roster.xlsx', { config: { access: { roles: ADMIN_ROLES, target: 'county' }, cost: 'export' } }, async (request, reply) => {
    const q = readQuery(fromQuery({ countyId: countyIdInput }), request.query);
    const name = await countyName(db, q.countyId);
    const roster = await countyRoster(db, q.countyId);
    return sendWorkbook(reply, rosterTemplate({ countyName: name, ...roster }), `学校名单-${name}.xlsx`);
  });

  app.post('/api/import/schools', { config: { access: { roles: ADMIN_ROLES, target: 'county' }, cost: 'import' } }, async (request, reply) => {
    try {
      const q = readQuery(fromQuery({ countyId: countyIdInput }), request.query);
      await countyName(db, q.countyId);
      const upload = await readUpload(request, limits.maxUploadBytes);
      const parts = await inspectXlsx(upload.file, limits.maxUnzippedBytes);
      const grids = await readGrids(upload.file, parts, (err) => request.log.warn({ err }, 'lean xlsx reader fell back to exceljs'));
      const parsed = parseRoster(grids);
      if (!parsed.recognised) throw new FileRefusal(422, parsed.errors[0]!.message, 'wrong_template');
      const result = await importSchoolRoster(db, actorOfUser(callerOf(request)), q.countyId, parsed.rows, {
        fileName: upload.fileName,
        fileHash: createHash('sha256').update(upload.file).digest('hex'),
        dryRun: parsed.errors.length > 0,
      });
      const sheets = grids.map((g) => g.name);
      const errors = ordered([...parsed.errors, ...result.errors], sheets);
      const warnings = ordered([...parsed.warnings, ...result.warnings], sheets);
      const body: RosterResponse = { ...result, ok: errors.length === 0, errors, warnings };
      if (body.ok) {
        await options.replica?.catchUp();
        return reply.code(200).send(body);
      }
      return reply.code(422).send({ ...body, error: { message: `文件中有${errors.length}处错误，未保存任何数据。请按提示修改后重新上传。`, rule: 'invalid' } });
    } catch (error) {
      if (error instanceof FileRefusal) return rosterFailure(reply, error.status, error.message, error.rule);
      if (error instanceof AppError) return rosterFailure(reply, HTTP_STATUS[error.code], error.message, error.code.toLowerCase());
      throw error;
    }
  });

  app.get('/api/export/county.xlsx', { config: { access: { roles: OVERSIGHT_ROLES, target: 'county' }, cost: 'export' } }, async (request, reply) => {
    const q = readQuery(fromQuery({ countyId: countyIdInput, period: periodInput.optional(), year: yearInput.optional() }), request.query);
    if (!q.period === !q.year) throw new AppError('BAD_REQUEST', '请指定季度（period，如 2026Q1）或年份（year，如 2026）其中之一。', 'period');
    const window = q.period ? [q.period] : quartersOfYear(q.year!);
    const label = q.period ? periodLabel(q.period) : `${q.year}年`;
    const name = await countyName(db, q.countyId);
    const schools = await countySheet(db, q.countyId, window);
    return sendWorkbook(reply, countyExport({ countyName: name, window, label, schools }), `全县数据-${name}-${q.period ?? q.year}.xlsx`);
  });

  app.get('/api/export/completeness.xlsx', { config: { access: { roles: OVERSIGHT_ROLES, target: 'county' }, cost: 'export' } }, async (request, reply) => {
    const q = readQuery(fromQuery({ countyId: countyIdInput, period: periodInput }), request.query);
    const name = await countyName(db, q.countyId);
    const rows = await completeness(db, actorOfUser(callerOf(request)), q.countyId, q.period);
    return sendWorkbook(reply, completenessExport({ countyName: name, period: q.period, rows }), `填报进度-${name}-${q.period}.xlsx`);
  });

  app.get('/api/export/review-queue.xlsx', { config: { access: { roles: OVERSIGHT_ROLES, target: 'county' }, cost: 'export' } }, async (request, reply) => {
    const q = readQuery(fromQuery({ countyId: countyIdInput, period: periodInput.optional() }), request.query);
    const name = await countyName(db, q.countyId);
    const rows = await reviewQueue(db, actorOfUser(callerOf(request)), q.countyId, q.period);
    return sendWorkbook(reply, reviewQueueExport({ countyName: name, period: q.period, rows }), `待审核报表-${name}${q.period ? `-${q.period}` : ''}.xlsx`);
  });

  app.get('/api/export/ranking.xlsx', { config: { access: { roles: OVERSIGHT_ROLES, target: 'county' }, cost: 'export' } }, async (request, reply) => {
    const q = readQuery(
      fromQuery({
        countyId: countyIdInput,
        indicator: indicatorInput,
        year: yearInput,
        quarter: quarterInput.optional(),
        type: z.enum(SCHOOL_TYPES, { error: '办学类型无效。' }).optional(),
        location: z.enum(LOCATIONS, { error: '城乡分类只能是城区、镇区或乡村。' }).optional(),
        includeSubmitted: z.boolean({ error: '是否包含待审核报表只能是1或0。' }).optional(),
      }),
      request.query,
    );
    const name = await countyName(db, q.countyId);
    const ind = figureIndicator(q.indicator);
    const table = await ranking(options.replica?.db ?? db, callerOf(request).scope, {
      countyId: q.countyId,
      indicator: ind.code,
      year: q.year,
      quarter: q.quarter,
      includeSubmitted: q.includeSubmitted ?? false,
      peerGroup: { type: q.type, location: q.location },
    });
    const group = [q.type && SCHOOL_TYPE_LABELS[q.type].zh, q.location && LOCATION_LABELS[q.location].zh].filter(Boolean).join('、');
    const when = q.quarter ? periodLabel(`${q.year}Q${q.quarter}` as Period) : `${q.year}年`;
    const title = `${name} ${when} ${ind.name.zh}排名${group ? `（${group}）` : ''}`;
    return sendWorkbook(reply, rankingExport({ title, ranking: table }), `排名-${ind.name.zh}-${name}-${q.year}${q.quarter ? `Q${q.quarter}` : ''}.xlsx`);
  });
}
