export * from './ridge.js';
export * from './model.js';
export * from './profile.js';
