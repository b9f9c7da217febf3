import { loadAnalyticsConfig, startAnalytics } from '@balai/analytics';
import { loadComplaintsConfig, startComplaints } from '@balai/complaints';
import { loadGatewayConfig, startGateway } from '@balai/gateway';
import { infrastructureEndpoints, type TestNamespace } from '@balai/testkit';

/** Where a test points a service, when not at the shared infrastructure. */
export interface ServiceTargets {
  /** A broker of the test's own (see startDedicatedKafka) instead of the shared one. */
  brokers?: string;
}

/** Variables every service gets in a test: ephemeral ports, this file's databases and topics. */
export function serviceEnv(ns: TestNamespace, service: string, targets: ServiceTargets = {}): Record<string, string> {
  return {
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    HTTP_PORT: '0',
    GRPC_PORT: '0',
    MONGO_URL: infrastructureEndpoints().mongoUrl,
    MONGO_DB: ns.database(service),
    KAFKA_BROKERS: targets.brokers ?? infrastructureEndpoints().kafkaBrokers,
    KAFKA_TOPIC_PREFIX: ns.topicPrefix,
    KAFKA_GROUP_ID: `${ns.id}.${service}`,
    OUTBOX_POLL_INTERVAL_MS: '200',
  };
}

export function startComplaintsFor(ns: TestNamespace, targets: ServiceTargets = {}) {
  return startComplaints(loadComplaintsConfig(serviceEnv(ns, 'complaints', targets)));
}

export function startAnalyticsFor(ns: TestNamespace, targets: ServiceTargets = {}) {
  return startAnalytics(loadAnalyticsConfig(serviceEnv(ns, 'analytics', targets)));
}

export function startGatewayFor(targets: Partial<Record<'identity' | 'complaints' | 'permits' | 'analytics', number>>) {
  const env: Record<string, string> = { LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn', HTTP_PORT: '0' };
  for (const [service, port] of Object.entries(targets)) {
    env[`${service.toUpperCase()}_GRPC_TARGET`] = `127.0.0.1:${port}`;
  }
  return startGateway(loadGatewayConfig(env));
}
