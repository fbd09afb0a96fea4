export * from './window.js';
export * from './group.js';
export * from './stats.js';
