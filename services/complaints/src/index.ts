export * from './app.js';
export * from './complaint.schema.js';
export * from './complaint-repository.js';
export * from './config.js';
export * from './submit-complaint.js';
