import { ConfigError } from '@balai/platform';
import { describe, expect, it } from 'vitest';
import { loadIdentityConfig } from './config.js';

const required = { MONGO_URL: 'mongodb://127.0.0.1:27017/', KAFKA_BROKERS: '127.0.0.1:9092', GRPC_PORT: '7201' };

describe('loadIdentityConfig', () => {
  it('should default the abuse limits and trust only the gateway beside identity', () => {
    expect(loadIdentityConfig(required)).toMatchObject({
      CONTACT_MESSAGE_INTERVAL_SECONDS: 60,
      CONTACT_MESSAGES_PER_DAY: 10,
      CONTACT_CODES_PER_DAY: 5,
      ADDRESS_CODE_REQUESTS_PER_DAY: 30,
      ADDRESS_FAILED_VERIFICATIONS_PER_DAY: 100,
      TRUSTED_PROXIES: '127.0.0.1,::1',
    });
  });

  it('should keep access tokens 5 minutes by default, let tests shorten them to 10 s and no less', () => {
    expect(loadIdentityConfig(required).ACCESS_TOKEN_TTL_SECONDS).toBe(300);
    expect(loadIdentityConfig({ ...required, ACCESS_TOKEN_TTL_SECONDS: '10' }).ACCESS_TOKEN_TTL_SECONDS).toBe(10);
    expect(() => loadIdentityConfig({ ...required, ACCESS_TOKEN_TTL_SECONDS: '9' })).toThrow(
      /ACCESS_TOKEN_TTL_SECONDS/,
    );
  });

  it('should refuse to start on a malformed TRUSTED_PROXIES, naming it', () => {
    const load = () => loadIdentityConfig({ ...required, TRUSTED_PROXIES: '10.0.0.0/8,gateway' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/TRUSTED_PROXIES: invalid IP address: gateway/);
    expect(loadIdentityConfig({ ...required, TRUSTED_PROXIES: '10.0.0.0/8, fd00::/8' }).TRUSTED_PROXIES).toBe(
      '10.0.0.0/8, fd00::/8',
    );
  });
});
