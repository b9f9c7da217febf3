import { runMain } from '@balai/platform';
import { startIdentity } from './app.js';
import { loadIdentityConfig } from './config.js';

await runMain('identity', () => startIdentity(loadIdentityConfig()));
