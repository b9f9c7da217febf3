import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const schema = Type.Object({
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 8080 }),
  MONGO_URL: Type.String({ pattern: '^mongodb://' }),
  SEED: Type.Boolean({ default: false }),
});

describe('loadConfig', () => {
  it('should apply defaults and convert numbers and booleans', () => {
    expect(loadConfig(schema, { MONGO_URL: 'mongodb://db/', SEED: 'true' })).toEqual({
      PORT: 8080,
      MONGO_URL: 'mongodb://db/',
      SEED: true,
    });
  });

  it('should refuse a missing variable and name it', () => {
    expect(() => loadConfig(schema, {})).toThrowError(/MONGO_URL: is required \(missing\)/);
  });

  it('should refuse a malformed variable and show what was given', () => {
    try {
      loadConfig(schema, { MONGO_URL: 'mongodb://db/', PORT: 'eighty' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.join()).toMatch(/PORT: .*\(given "eighty"\)/);
    }
  });

  it('should ignore variables the schema does not name', () => {
    expect(loadConfig(schema, { MONGO_URL: 'mongodb://db/', OTHER: 'x' })).not.toHaveProperty('OTHER');
  });
});
