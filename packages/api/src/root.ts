import { analyticsRouter } from './routers/analytics.js';
import { authRouter } from './routers/auth.js';
import { catalogueRouter } from './routers/catalogue.js';
import { evidenceRouter } from './routers/evidence.js';
import { measuresRouter } from './routers/measures.js';
import { orgRouter } from './routers/org.js';
import { reportsRouter } from './routers/reports.js';
import { schoolsRouter } from './routers/schools.js';
import { summariesRouter } from './routers/summaries.js';
import { targetsRouter } from './routers/targets.js';
import { usersRouter } from './routers/users.js';
import { createCallerFactory, router } from './trpc.js';

export const appRouter = router({
  analytics: analyticsRouter,
  auth: authRouter,
  catalogue: catalogueRouter,
  evidence: evidenceRouter,
  measures: measuresRouter,
  org: orgRouter,
  reports: reportsRouter,
  schools: schoolsRouter,
  summaries: summariesRouter,
  targets: targetsRouter,
  users: usersRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
