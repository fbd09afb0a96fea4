export * from './types.js';
export * from './build.js';
export * from './render.js';
export * from './drift.js';
export { formatCell, formatValue, windowLabel } from './format.js';
export { APPENDIX_COLUMNS } from './appendix.js';
export { ENERGY_RISE_PERCENT } from './problems.js';
export { placeholder } from './figures.js';
export { measuresSentence, typicalPractices } from './measures.js';
