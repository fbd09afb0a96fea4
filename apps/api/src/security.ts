import { jsonNestsDeeperThan } from '@oversight/domain';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Browsers send Origin on every cross-site POST; a state change is accepted only from our own origin.
 * With `requireEvidence` (file uploads, which a plain HTML form on another site could send without a CORS
 * preflight) the request must also prove where it comes from: a matching Origin or Sec-Fetch-Site: same-origin.
 */
export function isSameOrigin(request: FastifyRequest, requireEvidence = false): boolean {
  const origin = request.headers.origin;
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return false;
  if (!origin) return !requireEvidence || site === 'same-origin';
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

/** The only routes that take multipart uploads; everything else that changes state must be JSON. */
export const UPLOAD_ROUTES: ReadonlySet<string> = new Set(['/api/import/reports']);
/** Evidence uploads (`/api/reports/:schoolId/:period/evidence`) take multipart too. */
const EVIDENCE_UPLOAD = /^\/api\/reports\/[^/]+\/[^/]+\/evidence$/;
const isUploadRoute = (path: string) => UPLOAD_ROUTES.has(path) || EVIDENCE_UPLOAD.test(path);
/** The only routes that take DELETE (a same-origin request without a body): removing an evidence file. */
const DELETE_ROUTE = /^\/api\/evidence\/\d{1,10}$/;

const pathOf = (url: string) => url.split('?', 1)[0]!;

function refuse(reply: FastifyReply, status: number, message: string) {
  return reply.code(status).type('application/json; charset=utf-8').send({ error: { message } });
}

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // Mantine sets style attributes at run time.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The deepest nesting of arrays and objects a request may carry. The deepest real input (a summary's sections,
 * four heading levels, inside tRPC's envelope) stays under 20; anything deeper is refused before it is parsed,
 * so no walk over it can take long or overflow the stack.
 */
export const MAX_JSON_DEPTH = 64;
const TOO_DEEP = `请求内容嵌套层级过深（最多${MAX_JSON_DEPTH}层），未处理。`;

/** tRPC procedures a request names (`/trpc/a,b,c`): a batch names several. */
const proceduresOf = (url: string) => decodeURIComponent(pathOf(url).slice('/trpc/'.length)).split(',');

export interface SecurityOptions {
  /** Served over HTTPS (COOKIE_SECURE=1): browsers are told to keep to HTTPS (Strict-Transport-Security). */
  https: boolean;
}

/**
 * State-changing requests must be JSON POSTs (multipart only for the upload routes) from the same origin: a form on another
 * site can neither send JSON without a CORS preflight nor hide its Origin. Every response forbids framing
 * and sniffing; HTML gets a strict Content-Security-Policy. JSON nested deeper than MAX_JSON_DEPTH (a body or a
 * tRPC query's input) is refused before it is parsed, and sign-in cannot be batched.
 */
export function registerSecurity(app: FastifyInstance, options: SecurityOptions): void {
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/trpc/')) {
      // Each sign-in attempt is a request of its own, so no batch can carry many password guesses at once.
      const procedures = proceduresOf(request.url);
      if (procedures.length > 1 && procedures.includes('auth.login')) return refuse(reply, 400, '登录请求不能与其他请求合并发送。');
      const input = (request.query as Record<string, unknown>).input;
      if (typeof input === 'string' && jsonNestsDeeperThan(input, MAX_JSON_DEPTH)) return refuse(reply, 400, TOO_DEEP);
    }
    if (SAFE_METHODS.has(request.method)) return;
    const type = request.headers['content-type'] ?? '';
    const json = type.startsWith('application/json');
    const upload = type.startsWith('multipart/form-data') && isUploadRoute(pathOf(request.url));
    const removal = request.method === 'DELETE' && DELETE_ROUTE.test(pathOf(request.url));
    // A DELETE carries no form a foreign page could send, but it must still prove it comes from our own pages.
    if (!isSameOrigin(request, upload || removal)) return refuse(reply, 403, '请求来源不被允许：只接受本站页面发出的请求。');
    if (removal) return;
    if (request.method !== 'POST' || !(json || upload)) {
      return refuse(reply, 415, '修改数据的请求必须是 JSON 格式的 POST 请求。');
    }
  });
  // tRPC takes its JSON bodies as text and parses them itself: the text is measured here, before that.
  app.addHook('preValidation', async (request, reply) => {
    if (typeof request.body === 'string' && jsonNestsDeeperThan(request.body, MAX_JSON_DEPTH)) return refuse(reply, 400, TOO_DEEP);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    if (options.https) reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    // tRPC answers carry a signed-in user's data: no cache (browser or proxy) may keep them.
    if (request.url.startsWith('/trpc')) reply.header('Cache-Control', 'no-store');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Referrer-Policy', 'same-origin');
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html')) reply.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    return payload;
  });
}
