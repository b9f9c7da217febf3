import { runMain } from '@balai/platform';
import { startGateway } from './app.js';
import { loadGatewayConfig } from './config.js';

await runMain('gateway', () => startGateway(loadGatewayConfig()));
