import { ConfigError, createLogger } from '@balai/platform';
import { startPermits } from './app.js';
import { loadPermitsConfig } from './config.js';

try {
  const config = loadPermitsConfig();
  const logger = createLogger({ service: 'permits', level: config.LOG_LEVEL });
  const service = await startPermits(config, { logger });
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
