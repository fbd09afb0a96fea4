export * from './types.js';
export * from './catalogue.js';
export * from './values.js';
export * from './formulas.js';
export * from './validate.js';
