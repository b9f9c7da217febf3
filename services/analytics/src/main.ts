import { ConfigError, createLogger } from '@balai/platform';
import { startAnalytics } from './app.js';
import { loadAnalyticsConfig } from './config.js';

try {
  const config = loadAnalyticsConfig();
  const logger = createLogger({ service: 'analytics', level: config.LOG_LEVEL });
  const service = await startAnalytics(config, { logger });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      service.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
