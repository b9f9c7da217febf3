import { describe, expect, it } from 'vitest';
import { escalationFractions, loadComplaintsConfig } from './config.js';

const required = { MONGO_URL: 'mongodb://127.0.0.1:27017', KAFKA_BROKERS: '127.0.0.1:9092' };

describe('complaints config', () => {
  it('should default to escalations at 80, 120 and 200 % of the SLA, swept every 30 s, identity on 7201', () => {
    const config = loadComplaintsConfig(required);
    expect(escalationFractions(config)).toEqual([0.8, 1.2, 2]);
    expect(config).toMatchObject({ SLA_SCHEDULER_INTERVAL_MS: 30_000, IDENTITY_GRPC_TARGET: '127.0.0.1:7201' });
  });

  it('should take fractions with spaces, and refuse to start on fractions not ascending or not above 0', () => {
    expect(escalationFractions({ COMPLAINT_ESCALATION_FRACTIONS: ' 0.5, 1 ,1.5' })).toEqual([0.5, 1, 1.5]);
    for (const bad of ['1.2,0.8', '0,1', '0.8,0.8', '1..2', 'abc', '2,-1']) {
      expect(() => loadComplaintsConfig({ ...required, COMPLAINT_ESCALATION_FRACTIONS: bad })).toThrow(
        /COMPLAINT_ESCALATION_FRACTIONS/,
      );
    }
  });

  it('should no longer know a reopen window of its own (identity’s tenant setting is the one source)', () => {
    expect(Object.keys(loadComplaintsConfig(required))).not.toContain('COMPLAINT_REOPEN_WINDOW_DAYS');
  });
});
