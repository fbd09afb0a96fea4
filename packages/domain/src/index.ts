export * from './errors.js';
export * from './labels.js';
export * from './org.js';
export * from './schools.js';
export * from './access.js';
export * from './accounts.js';
export * from './limits.js';
export * from './periods.js';
export * from './report-status.js';
export * from './report-lifecycle.js';
export * from './energy.js';
export * from './text.js';
export * from './indicators/index.js';
export * from './evidence.js';

// Default zod messages (type mismatches and the like) in Chinese, like our own.
import { z } from 'zod';
z.config(z.locales.zhCN());
export * from './sheets/index.js';
export * from './aggregate/index.js';
export * from './targets/index.js';
export * from './wording/index.js';
export * from './summary/index.js';
export * from './comparison/index.js';
