export * from './infrastructure.js';
export * from './isolation.js';
export * from './provided.js';
export * from './wait.js';
