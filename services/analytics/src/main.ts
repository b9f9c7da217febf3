import { runMain } from '@balai/platform';
import { startAnalytics } from './app.js';
import { loadAnalyticsConfig } from './config.js';

await runMain('analytics', () => startAnalytics(loadAnalyticsConfig()));
