export { appRouter, createCaller, type AppRouter } from './root.js';
export type { Context } from './context.js';
export type { Meta } from './trpc.js';
export { reads } from './trpc.js';
export type { OrgNode } from './routers/org.js';
export * from './inputs.js';
export type { EvidenceDomain, EvidenceFile, EvidenceListEntry } from '@oversight/domain';
