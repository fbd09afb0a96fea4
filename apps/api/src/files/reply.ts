import { AppError } from '@oversight/domain';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { FileRefusal } from './refusal.js';

/** The HTTP status of each domain error code, for routes outside tRPC (tRPC maps them itself). */
export const HTTP_STATUS: Record<AppError['code'], number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
};

/** `attachment` with the file name twice: an ASCII stand-in for old clients and the real (Chinese) name per RFC 5987. */
export function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** A generated file as a download, never cached (it holds a signed-in user's data). */
export function sendFile(reply: FastifyReply, type: string, fileName: string, body: Buffer): FastifyReply {
  return reply.code(200).type(type).header('content-disposition', attachment(fileName)).header('cache-control', 'no-store').send(body);
}

/** Refusals answer `{ error: { message, … } }` with their status; anything unexpected is logged and answered in Chinese. */
export function answerErrors(app: FastifyInstance, unexpected: string): void {
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof FileRefusal) return reply.code(error.status).send({ error: { message: error.message, rule: error.rule } });
    if (error instanceof AppError) return reply.code(HTTP_STATUS[error.code]).send({ error: { message: error.message, field: error.field ?? null } });
    request.log.error({ err: error }, unexpected);
    return reply.code(500).send({ error: { message: unexpected } });
  });
}
