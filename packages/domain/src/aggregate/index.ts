export * from './window.js';
export * from './group.js';
export * from './stats.js';
export * from './parts.js';
export * from './peers.js';
export * from './counties.js';
