export * from './cells.js';
export * from './layout.js';
export * from './parse.js';
export * from './roster.js';
