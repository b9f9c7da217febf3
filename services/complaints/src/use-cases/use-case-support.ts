export const eventSource = '/balai/complaints';
