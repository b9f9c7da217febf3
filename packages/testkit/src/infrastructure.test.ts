import { describe, expect, it } from 'vitest';
import { InfrastructureUnavailableError, provideInfrastructure } from './infrastructure.js';
import { testNamespace } from './isolation.js';

describe('provideInfrastructure', () => {
  it('should use KAFKA_BROKERS and MONGO_URL when both are set', async () => {
    const infra = await provideInfrastructure({ KAFKA_BROKERS: 'k:9092', MONGO_URL: 'mongodb://m:27017/' });
    expect(infra).toMatchObject({ kafkaBrokers: 'k:9092', mongoUrl: 'mongodb://m:27017/', source: 'environment' });
  });

  it('should refuse only one of the two, saying how to start the local infrastructure', async () => {
    await expect(provideInfrastructure({ KAFKA_BROKERS: 'k:9092' })).rejects.toThrowError(
      InfrastructureUnavailableError,
    );
    await expect(provideInfrastructure({ MONGO_URL: 'mongodb://m/' })).rejects.toThrowError(/balai infra up/);
  });
});

describe('testNamespace', () => {
  it('should give each test file its own databases and topic prefix', () => {
    const a = testNamespace('/repo/tests/e2e/test/walking-skeleton.int.test.ts');
    const b = testNamespace('/repo/tests/e2e/test/walking-skeleton.int.test.ts');
    expect(a.id).toMatch(/^t_walking_skeleton_\w*_[0-9a-f]{8}$/);
    expect(a.id).not.toBe(b.id);
    expect(a.database('complaints')).toBe(`${a.id}_complaints`);
    expect(a.topicPrefix).toBe(`${a.id}.`);
  });

  it('should keep database names within MongoDB limits', () => {
    const ns = testNamespace(`/x/${'very-long-name-'.repeat(10)}.test.ts`);
    expect(ns.database('complaints').length).toBeLessThanOrEqual(63);
    expect(ns.database('complaints')).toMatch(/^[A-Za-z0-9_]+$/);
  });
});
