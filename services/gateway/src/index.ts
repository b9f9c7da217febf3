export * from './app.js';
export * from './config.js';
export * from './domain/complaint-transition-roles.js';
