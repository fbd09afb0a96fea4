import { ALL_ROLES, AppError } from '@oversight/domain';
import { getOrgUnit, getSchool, getSummary, type Database, type Kysely, type SummaryView } from '@oversight/db';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { callerOf, guardFileRoutes } from '../files/access.js';
import { sendWorkbook } from '../files/xlsx.js';
import { summaryDocx } from './docx.js';
import { summaryWorkbook } from './xlsx.js';

/**
 * Summary downloads, signed in by the session cookie and checked by the file routes' access hook:
 * - GET /api/summaries/:id.docx   the summary as a Word document in official-document style
 * - GET /api/summaries/:id.xlsx   its appendix tables, chart data and the source of every figure
 * Any role may ask; the summary is found only within the caller's scope (a principal: its own school's).
 */
export interface SummaryDocumentOptions {
  db: Kysely<Database>;
  sessionCookie: string;
}

const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const STATUS: Record<AppError['code'], number> = { BAD_REQUEST: 400, UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409, TOO_MANY_REQUESTS: 429 };

function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** Who signs the document: the county or city bureau (“青石县教育局”), or the school. */
async function issuer(db: Kysely<Database>, view: SummaryView): Promise<string> {
  if (view.level === 'school') return (await getSchool(db, view.schoolId!))?.name ?? '';
  const unit = await getOrgUnit(db, view.unitId);
  return unit ? `${unit.name}教育局` : '';
}

const fileName = (view: SummaryView, extension: string) => `${view.title}${view.status === 'draft' ? '（草稿）' : ''}.${extension}`.replace(/[\\/:*?"<>|]/g, '_');

export async function summaryDocumentRoutes(app: FastifyInstance, options: SummaryDocumentOptions): Promise<void> {
  const { db } = options;
  guardFileRoutes(app, options);
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof AppError) return reply.code(STATUS[error.code]).send({ error: { message: error.message, field: error.field ?? null } });
    request.log.error({ err: error }, 'summary document failed');
    return reply.code(500).send({ error: { message: '生成文档时出错，请稍后重试。' } });
  });

  const load = async (request: FastifyRequest, reply: FastifyReply): Promise<SummaryView | null> => {
    const id = Number((request.params as { id: string }).id);
    if (!Number.isSafeInteger(id) || id <= 0) {
      await reply.code(400).send({ error: { message: '总结编号无效。', field: 'id' } });
      return null;
    }
    return getSummary(db, callerOf(request).scope, id);
  };

  app.get('/api/summaries/:id(^\\d+).docx', { config: { access: { roles: ALL_ROLES } } }, async (request, reply) => {
    const view = await load(request, reply);
    if (!view) return reply;
    const body = await summaryDocx({ ...view, issuer: await issuer(db, view), date: view.finalizedAt ?? new Date() });
    return reply.code(200).type(DOCX_TYPE).header('content-disposition', attachment(fileName(view, 'docx'))).header('cache-control', 'no-store').send(body);
  });

  app.get('/api/summaries/:id(^\\d+).xlsx', { config: { access: { roles: ALL_ROLES } } }, async (request, reply) => {
    const view = await load(request, reply);
    if (!view) return reply;
    const names = new Map((await db.selectFrom('schools').select(['id', 'name']).where('id', 'in', [0, ...new Set(Object.values(view.figures).flatMap((f) => f.source.schoolIds))]).execute()).map((s) => [s.id, s.name]));
    return sendWorkbook(reply, summaryWorkbook({ ...view, schoolName: (id) => names.get(id) ?? String(id) }), fileName(view, 'xlsx'));
  });
}
