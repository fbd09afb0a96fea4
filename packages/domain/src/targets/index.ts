export * from './types.js';
export * from './validate.js';
export * from './evaluate.js';
export * from './propose.js';
export * from './warnings.js';
