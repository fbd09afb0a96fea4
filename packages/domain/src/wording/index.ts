export * as zhNumbers from './numbers.js';
export * from './sentences.js';
