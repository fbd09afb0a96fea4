import type { Readable } from 'node:stream';
import fastifyMultipart from '@fastify/multipart';
import {
  actorOfUser,
  countyEvidence,
  EvidenceReportFull,
  EvidenceTooLarge,
  evidenceAnchor,
  getEvidence,
  getOrgUnit,
  prepareEvidenceUpload,
  recordEvidence,
  removeEvidence,
  type Database,
  type EvidenceStore,
  type Kysely,
  type Received,
} from '@oversight/db';
import {
  ALL_ROLES,
  AppError,
  evidenceName,
  isEvidenceImage,
  isEvidenceInline,
  missing,
  OVERSIGHT_ROLES,
  periodLabel,
  type CostLimits,
} from '@oversight/domain';
import { countyIdInput, fromQuery, idInput, periodInput, schoolIdInput, yearInput } from '@oversight/api';
import { create as contentDisposition } from 'content-disposition';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import yazl from 'yazl';
import { z } from 'zod';
import type { EvidenceLimits } from '../env.js';
import { callerOf, guardFileRoutes } from '../files/access.js';
import { FileRefusal, sizeText } from '../files/refusal.js';
import { answerErrors } from '../files/reply.js';
import { readQuery } from '../files/request.js';
import { cleanImage, evidenceTypeOf, thumbnail } from './content.js';

/**
 * Evidence (佐证材料, issue 15), the files behind a report's figures:
 * - POST   /api/reports/:schoolId/:period/evidence   multipart: `file`, optional `indicator` or `domain` (text fields)
 *          → 200 { id, name, size, type, sha256, indicator, domain }; the report must be a draft or returned.
 *          Limits (EVIDENCE_MAX_MB per file, EVIDENCE_REPORT_MAX_MB per report) are counted while the file streams
 *          into a temporary file; its type is found from its content; photos are turned upright and stripped of
 *          their metadata; then it is kept in the evidence store (by SHA-256) before its row commits.
 * - GET    /api/evidence/:id   the file (PDFs and images inline for the browser's own viewer, others as downloads;
 *          `?download=1` always a download; `?thumb=1` a 320 px JPEG of an image)
 * - DELETE /api/evidence/:id   removes it from its report (draft or returned only)
 * - GET    /api/evidence/county/:countyId/:year.zip[?schoolId=]   a county's (or one school's) files of a year, a
 *          folder per school and quarter, streamed from the store one file at a time.
 * The school of a file is checked against the caller's scope (out of scope reads as missing).
 */
export interface EvidenceRouteOptions {
  db: Kysely<Database>;
  store: EvidenceStore;
  limits: EvidenceLimits;
  sessionCookie: string;
  costLimits: CostLimits | null;
}

/** Served files never run: a sandbox for everything but PDFs, whose viewer a sandbox would block (they run no page script). */
const FILE_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'";
const PDF_CSP = "default-src 'none'; object-src 'self'; plugin-types application/pdf";

const fileParams = fromQuery({ id: idInput('文件编号') });

/** Reads the multipart request: text fields (indicator, domain) and the one file, received into a temporary file. */
async function receiveUpload(
  request: FastifyRequest,
  store: EvidenceStore,
  maxBytes: number,
  tooLarge: () => FileRefusal,
): Promise<{ file: Received; name: string; fields: Record<string, string> }> {
  if (!request.isMultipart()) throw new FileRefusal(415, '请以 multipart/form-data 方式上传文件（字段 file）。', 'file_type');
  const fields: Record<string, string> = {};
  let received: { file: Received; name: string } | null = null;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || received) {
          part.file.resume();
          throw new FileRefusal(400, '每次只能上传一个文件，字段名为 file。', 'fields');
        }
        const file = await store.receive(part.file as Readable, maxBytes);
        received = { file, name: part.filename };
      } else if (typeof part.value === 'string') {
        fields[part.fieldname] = part.value;
      }
    }
  } catch (error) {
    await received?.file.discard();
    if (error instanceof FileRefusal) throw error;
    const code = (error as { code?: string }).code;
    if (error instanceof EvidenceTooLarge || code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT' || code === 'FST_PROTO_VIOLATION') {
      throw new FileRefusal(400, '上传内容过多：每次只能上传一个文件（file），及可选的指标（indicator）或板块（domain）。', 'fields');
    }
    throw new FileRefusal(400, '上传的数据不完整或格式有误，请重新上传。', 'damaged');
  }
  if (!received) throw new FileRefusal(400, '没有收到文件：请在字段 file 中上传佐证材料。', 'fields');
  return { ...received, fields };
}

/** Names inside the zip: no folder escapes, no two entries alike (a second “合同.pdf” becomes “合同 (2).pdf”). */
function zipName(seen: Set<string>, folders: readonly string[], name: string): string {
  const clean = (s: string) => s.replace(/[\\/:*?"<>|]/g, '_');
  const folder = folders.map(clean).join('/');
  const base = clean(name);
  const dot = base.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [base.slice(0, dot), base.slice(dot)] : [base, ''];
  let candidate = `${folder}/${base}`;
  for (let n = 2; seen.has(candidate.toLowerCase()); n++) candidate = `${folder}/${stem} (${n})${ext}`;
  seen.add(candidate.toLowerCase());
  return candidate;
}

export async function evidenceRoutes(app: FastifyInstance, options: EvidenceRouteOptions): Promise<void> {
  const { db, store, limits } = options;
  // The part limit is one byte above ours, so the store's own meter (counting while streaming) is what refuses.
  await app.register(fastifyMultipart, { limits: { fileSize: limits.maxFileBytes + 1, files: 1, fields: 4, fieldSize: 200, parts: 6 } });
  guardFileRoutes(app, options);
  answerErrors(app, '服务器处理佐证材料时出错，请稍后重试。');

  app.post('/api/reports/:schoolId/:period/evidence', { config: { access: { roles: ALL_ROLES, target: 'school' } } }, async (request, reply) => {
    const actor = actorOfUser(callerOf(request));
    const p = readQuery(fromQuery({ schoolId: schoolIdInput, period: periodInput }), request.params);
    const { remainingBytes } = await prepareEvidenceUpload(db, actor, { ...p, reportMaxBytes: limits.maxReportBytes });
    const perFile = remainingBytes >= limits.maxFileBytes;
    const maxBytes = Math.min(limits.maxFileBytes, remainingBytes);
    const tooLarge = () =>
      perFile
        ? new FileRefusal(413, `文件超过${sizeText(limits.maxFileBytes)}的上限，已拒绝。请压缩或拆分后再上传。`, 'too_large')
        : new FileRefusal(
            413,
            `本季度报表的佐证材料合计不能超过${sizeText(limits.maxReportBytes)}，还可上传${sizeText(remainingBytes)}，该文件超出，已拒绝。`,
            'report_too_large',
          );
    const upload = await receiveUpload(request, store, maxBytes, tooLarge);
    let file = upload.file;
    try {
      const anchor = evidenceAnchor(upload.fields);
      const type = await evidenceTypeOf(file);
      file = await cleanImage(store, file, type);
      const kept = await store.keep(file);
      const stored = await recordEvidence(
        db,
        actor,
        { ...p, ...anchor, name: evidenceName(upload.name), type, sha256: kept.sha256, size: kept.size },
        { reportMaxBytes: limits.maxReportBytes },
      ).catch((error: unknown) => {
        // Another upload to the same report took the room meanwhile: the same refusal as while streaming.
        throw error instanceof EvidenceReportFull ? new FileRefusal(413, error.message, 'report_too_large') : error;
      });
      return reply.code(200).send(stored);
    } finally {
      await file.discard();
    }
  });

  const serve = async (request: FastifyRequest, reply: FastifyReply) => {
    const { id } = readQuery(fileParams, request.params);
    const q = readQuery(fromQuery({ thumb: z.boolean().optional(), download: z.boolean().optional() }), request.query);
    const row = await getEvidence(db, actorOfUser(callerOf(request)), id);
    const body = await store.get(row.sha256);
    if (!body) {
      request.log.error({ sha256: row.sha256, id }, 'evidence file missing from the store');
      throw new AppError('NOT_FOUND', '该佐证材料的文件在存储中找不到，请联系系统管理员从备份恢复。');
    }
    reply.header('cache-control', 'private, no-cache').header('x-content-type-options', 'nosniff');
    if (q.thumb) {
      if (!isEvidenceImage(row.type)) {
        body.destroy();
        throw new AppError('NOT_FOUND', '该文件不是图片，没有缩略图。');
      }
      const jpeg = thumbnail();
      body.on('error', (error) => jpeg.destroy(error));
      const name = `${row.name.replace(/\.[^.]*$/, '')}-缩略图.jpg`;
      return reply
        .code(200)
        .type('image/jpeg')
        .header('content-security-policy', FILE_CSP)
        .header('content-disposition', contentDisposition(name, { type: 'inline' }))
        .send(body.pipe(jpeg));
    }
    const inline = !q.download && isEvidenceInline(row.type);
    return reply
      .code(200)
      .type(row.type)
      .header('content-length', String(row.size))
      .header('content-security-policy', row.type === 'application/pdf' && inline ? PDF_CSP : FILE_CSP)
      .header('content-disposition', contentDisposition(row.name, { type: inline ? 'inline' : 'attachment' }))
      .send(body);
  };
  app.get('/api/evidence/:id(^\\d+)', { config: { access: { roles: ALL_ROLES } } }, serve);

  app.delete('/api/evidence/:id(^\\d+)', { config: { access: { roles: ALL_ROLES } } }, async (request, reply) => {
    const { id } = readQuery(fileParams, request.params);
    const removed = await removeEvidence(db, actorOfUser(callerOf(request)), id);
    return reply.code(200).send(removed);
  });

  app.get(
    '/api/evidence/county/:countyId(^\\d+)/:year(^\\d+).zip',
    { config: { access: { roles: OVERSIGHT_ROLES, target: 'county' }, cost: 'export' } },
    async (request, reply) => {
      const p = readQuery(fromQuery({ countyId: countyIdInput, year: yearInput }), request.params);
      const q = readQuery(fromQuery({ schoolId: schoolIdInput.optional() }), request.query);
      const unit = await getOrgUnit(db, p.countyId);
      if (unit?.level !== 'county') throw missing('county');
      const files = await countyEvidence(db, actorOfUser(callerOf(request)), { countyId: p.countyId, year: p.year, schoolId: q.schoolId });
      const zip = new yazl.ZipFile();
      const seen = new Set<string>();
      for (const f of files) {
        const entry = zipName(seen, [`${f.schoolCode} ${f.schoolName}`, periodLabel(f.period)], f.name);
        // Opened only when the zip reaches it: one file read at a time, whatever the county holds.
        zip.addReadStreamLazy(entry, { mtime: new Date(), compress: !isEvidenceImage(f.type) && f.type !== 'application/pdf', size: f.size }, (done) => {
          store.get(f.sha256).then(
            (stream) => (stream ? done(null, stream) : done(new Error(`evidence ${f.sha256} missing from the store`), undefined as never)),
            (error: Error) => done(error, undefined as never),
          );
        });
      }
      zip.end();
      const suffix = q.schoolId ? `-${files[0]?.schoolCode ?? q.schoolId}` : '';
      const name = `佐证材料-${unit.name}${suffix}-${p.year}年.zip`;
      reply.raw.on('close', () => (zip.outputStream as Readable).destroy());
      return reply
        .code(200)
        .type('application/zip')
        .header('cache-control', 'no-store')
        .header('content-disposition', contentDisposition(name))
        .send(zip.outputStream);
    },
  );
}
