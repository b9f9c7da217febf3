import { ConfigError, createLogger } from '@balai/platform';
import { startComplaints } from './app.js';
import { loadComplaintsConfig } from './config.js';

try {
  const config = loadComplaintsConfig();
  const logger = createLogger({ service: 'complaints', level: config.LOG_LEVEL });
  const service = await startComplaints(config, { logger });
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
