export * from './app.js';
export type { NotificationMessage, NotificationSender, NotificationTemplate } from './clients/notification-sender.js';
export * from './config.js';
export type { User } from './data/users/user-repository.js';
