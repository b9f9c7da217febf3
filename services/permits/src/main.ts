import { runMain } from '@balai/platform';
import { startPermits } from './app.js';
import { loadPermitsConfig } from './config.js';

await runMain('permits', () => startPermits(loadPermitsConfig()));
