import { basename } from 'node:path';
import { expect } from 'vitest';
import { nameTestsWith, recordFetch } from './traffic-record.js';

/* Setup file of the integration project: records answers when BALAI_RECORD_TRAFFIC is set (traffic-record.ts). */
nameTestsWith(() => {
  const state = expect.getState();
  return { file: basename(state.testPath ?? 'unknown'), test: state.currentTestName ?? '(hook)' };
});
recordFetch();
