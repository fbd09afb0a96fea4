import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import { appRouter, type AppRouter, type Context } from '@oversight/api';
import {
  DEFAULT_AUTH_POLICY,
  TooManyAttempts,
  userForSession,
  type AuthPolicy,
  type Database,
  type Kysely,
  type ReadReplica,
  type SessionCache,
} from '@oversight/db';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import { DEFAULT_COST_LIMITS, type CostLimits } from '@oversight/domain';
import Fastify, { type FastifyInstance } from 'fastify';
import { openEvidenceStore, type EvidenceStore } from '@oversight/db';
import { evidenceLimits, fileLimits, readEnv, s3Settings, type EvidenceLimits, type FileLimits } from './env.js';
import { evidenceRoutes } from './evidence/routes.js';
import { fileRoutes } from './files/routes.js';
import { DocumentPool } from './documents/pool.js';
import { summaryDocumentRoutes } from './documents/routes.js';
import { registerSecurity } from './security.js';

export const SESSION_COOKIE = 'oversight_session';

export interface ServerOptions {
  db: Kysely<Database>;
  /**
   * Signed-in users kept in memory (`DatabaseHandle.sessions`: the embedded database, whose writes all pass through
   * `db`); without it every API request reads its session.
   */
  sessions?: SessionCache | null;
  /** A streaming replica for dashboards and summary drafts (DATABASE_READ_URL); absent, they read `db`. */
  replica?: ReadReplica | null | undefined;
  /** The built SPA; when missing, the API still runs and `/` explains how to build it. */
  webDir: string;
  cookieSecure: boolean;
  /** The reverse proxies whose X-Forwarded-For is believed (none: the connection's address). */
  trustProxy: readonly string[];
  /** Session length and sign-in limits; default DEFAULT_AUTH_POLICY. */
  authPolicy?: AuthPolicy;
  logger?: boolean;
  /** Spreadsheet upload limits; default: IMPORT_MAX_MB / IMPORT_MAX_UNZIPPED_MB from the environment. */
  fileLimits?: FileLimits;
  /**
   * How often each user may draft summaries, download documents, import and export; default DEFAULT_COST_LIMITS.
   * null counts nothing (only for tests that make many calls on purpose).
   */
  costLimits?: CostLimits | null;
  /** Where evidence files are kept; default: from the environment (S3_* settings, else DATA_DIR/evidence). */
  evidenceStore?: EvidenceStore;
  /** Evidence size limits; default: EVIDENCE_MAX_MB / EVIDENCE_REPORT_MAX_MB from the environment. */
  evidenceLimits?: EvidenceLimits;
}

/** The evidence store the settings name: S3-compatible object storage when S3_ENDPOINT is set, else DATA_DIR/evidence. */
export function evidenceStoreFromEnv(): EvidenceStore {
  const env = readEnv();
  return openEvidenceStore({ dataDir: env.dataDir, s3: s3Settings(env) });
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  // tRPC batches name every procedure in the path (/trpc/a,b,c…): Fastify's default 100-character limit on a
  // path parameter would answer a page's batch of queries with 414.
  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: options.trustProxy.length ? [...options.trustProxy] : false,
    bodyLimit: 2 * 1024 * 1024,
    routerOptions: { maxParamLength: 5000 },
  });
  await app.register(fastifyCookie);
  registerSecurity(app, { https: options.cookieSecure });

  app.get('/healthz', async () => ({ ok: true }));
  const costLimits = options.costLimits === undefined ? DEFAULT_COST_LIMITS : options.costLimits;

  const createContext: FastifyTRPCPluginOptions<AppRouter>['trpcOptions']['createContext'] = async ({ req, res }) => {
    const token = req.cookies[SESSION_COOKIE] ?? null;
    const user = token ? await userForSession(options.db, token, new Date(), options.sessions) : null;
    const context: Context = {
      db: options.db,
      replica: options.replica ?? null,
      user,
      sessionToken: token,
      address: req.ip,
      authPolicy: options.authPolicy ?? DEFAULT_AUTH_POLICY,
      costLimits,
      setSessionCookie: (value, expires) =>
        void res.setCookie(SESSION_COOKIE, value, {
          httpOnly: true,
          sameSite: 'lax',
          secure: options.cookieSecure,
          path: '/',
          expires,
        }),
      clearSessionCookie: () => void res.clearCookie(SESSION_COOKIE, { path: '/' }),
    };
    return context;
  };

  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext,
      // A refusal for too many attempts says when the next may be made.
      responseMeta({ errors }) {
        const wait = errors.map((e) => e.cause).find((cause): cause is TooManyAttempts => cause instanceof TooManyAttempts);
        return wait ? { headers: new Headers({ 'retry-after': String(wait.retryAfterSeconds) }) } : {};
      },
      onError({ error, path: procedure }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') app.log.error({ procedure, err: error.cause ?? error }, 'procedure failed');
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });

  // Word and Excel documents and annotated uploads are made by worker threads, one pool for the server.
  const documents = new DocumentPool();
  app.addHook('onClose', () => documents.close());
  await app.register(fileRoutes, {
    db: options.db,
    replica: options.replica ?? null,
    sessionCookie: SESSION_COOKIE,
    limits: options.fileLimits ?? fileLimits(),
    costLimits,
    documents,
  });
  const store = options.evidenceStore ?? evidenceStoreFromEnv();
  if (!options.evidenceStore) app.addHook('onClose', () => store.close());
  await app.register(evidenceRoutes, {
    db: options.db,
    store,
    limits: options.evidenceLimits ?? evidenceLimits(),
    sessionCookie: SESSION_COOKIE,
    costLimits,
  });
  await app.register(summaryDocumentRoutes, { db: options.db, sessionCookie: SESSION_COOKIE, costLimits, documents });

  const index = path.join(options.webDir, 'index.html');
  if (existsSync(index)) {
    await app.register(fastifyStatic, { root: options.webDir, wildcard: false, index: false });
    // Client-side routes (/schools, /my-school, …) all load the SPA shell.
    app.setNotFoundHandler((request, reply) => {
      if (request.method !== 'GET' || request.url.startsWith('/trpc') || request.url.startsWith('/api/')) {
        return reply.code(404).send({ error: { message: '接口不存在。' } });
      }
      return reply.type('text/html; charset=utf-8').sendFile('index.html', { maxAge: 0 });
    });
  } else {
    app.get('/', async (_request, reply) => reply.type('text/plain; charset=utf-8').send('前端页面尚未构建：请先运行 pnpm build（pnpm start 会自动构建）。'));
  }
  return app;
}
