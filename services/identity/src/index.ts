export * from './app.js';
export * from './config.js';
export type { NotificationMessage, NotificationSender, NotificationTemplate } from './notification-sender.js';
export type { User } from './user-repository.js';
