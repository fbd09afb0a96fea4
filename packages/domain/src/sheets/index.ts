export * from './cells.js';
export * from './layout.js';
export * from './parse.js';
