import { ConfigError, createLogger } from '@balai/platform';
import { startIdentity } from './app.js';
import { loadIdentityConfig } from './config.js';

try {
  const config = loadIdentityConfig();
  const logger = createLogger({ service: 'identity', level: config.LOG_LEVEL });
  const service = await startIdentity(config, { logger });
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
