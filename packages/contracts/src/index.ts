export * from './error-codes.js';
export * from './event-catalogue.js';
export * as analyticsV1 from './gen/balai/analytics/v1/analytics_service.js';
export * as complaintEventsV1 from './gen/balai/complaints/v1/complaint_events.js';
export * as complaintsV1 from './gen/balai/complaints/v1/complaints_service.js';
export * as identityEventsV1 from './gen/balai/identity/v1/identity_events.js';
export * as identityV1 from './gen/balai/identity/v1/identity_service.js';
export * as permitsV1 from './gen/balai/permits/v1/permits_service.js';
export * from './partner-api-key.js';
