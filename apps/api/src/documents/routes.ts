import { ALL_ROLES, type CostLimits } from '@oversight/domain';
import { fromQuery, idInput } from '@oversight/api';
import { getOrgUnit, getSchool, getSummary, schoolNames, type Database, type Kysely, type SummaryView } from '@oversight/db';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { callerOf, guardFileRoutes } from '../files/access.js';
import { answerErrors, sendFile } from '../files/reply.js';
import { readQuery } from '../files/request.js';
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
  /** How often each user may download documents; null counts nothing. */
  costLimits: CostLimits | null;
}

const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

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
  answerErrors(app, '生成文档时出错，请稍后重试。');

  const load = (request: FastifyRequest): Promise<SummaryView> => {
    const { id } = readQuery(fromQuery({ id: idInput('总结编号') }), request.params);
    return getSummary(db, callerOf(request).scope, id);
  };

  app.get('/api/summaries/:id(^\\d+).docx', { config: { access: { roles: ALL_ROLES }, cost: 'document' } }, async (request, reply) => {
    const view = await load(request);
    const body = await summaryDocx({ ...view, issuer: await issuer(db, view), date: view.finalizedAt ?? new Date() });
    return sendFile(reply, DOCX_TYPE, fileName(view, 'docx'), body);
  });

  app.get('/api/summaries/:id(^\\d+).xlsx', { config: { access: { roles: ALL_ROLES }, cost: 'document' } }, async (request, reply) => {
    const view = await load(request);
    const names = await schoolNames(db, Object.values(view.figures).flatMap((f) => f.source.schoolIds));
    return sendWorkbook(reply, summaryWorkbook({ ...view, schoolName: (id) => names.get(id) ?? String(id) }), fileName(view, 'xlsx'));
  });
}
