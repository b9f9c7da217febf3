import { runMain } from '@balai/platform';
import { startComplaints } from './app.js';
import { loadComplaintsConfig } from './config.js';

await runMain('complaints', () => startComplaints(loadComplaintsConfig()));
