export * from './baseline-learner.js';
export * from './baseline-pins.js';
export * from './baseline-service.js';
export * from './alert-threshold.js';
