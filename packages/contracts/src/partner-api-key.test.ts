import { describe, expect, it } from 'vitest';
import { decodePartnerApiKey, encodePartnerApiKey } from './partner-api-key.js';

describe('partner api_key', () => {
  it('should be base64url of "<client_id>:<client_secret>" without padding', () => {
    const apiKey = encodePartnerApiKey('balai-abc_DEF-123', 'c2VjcmV0-_x');
    expect(apiKey).toBe(Buffer.from('balai-abc_DEF-123:c2VjcmV0-_x').toString('base64url'));
    expect(apiKey).not.toMatch(/[=+/]/);
  });

  it('should split at the first colon: a secret may hold more', () => {
    expect(decodePartnerApiKey(Buffer.from('partner-app-1:s3cret:with colon').toString('base64url'))).toEqual({
      clientId: 'partner-app-1',
      clientSecret: 's3cret:with colon',
    });
  });

  it('should decode what it encodes', () => {
    const secret = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37) % 256)).toString('base64url');
    expect(decodePartnerApiKey(encodePartnerApiKey('balai-x.y', secret))).toEqual({
      clientId: 'balai-x.y',
      clientSecret: secret,
    });
  });

  it.each([
    ['not a string', 42],
    ['empty', ''],
    ['not base64url', 'abc$def'],
    ['no separator', Buffer.from('balai-client').toString('base64url')],
    ['no client id', Buffer.from(':secret').toString('base64url')],
    ['no secret', Buffer.from('balai-client:').toString('base64url')],
    ['not UTF-8', Buffer.from([0xff, 0xfe, 0x3a, 0x41]).toString('base64url')],
    ['holding control characters', Buffer.from('balai-client\n:secret').toString('base64url')],
    ['far too long', 'a'.repeat(513)],
  ])('should refuse an api_key that is %s', (_case, apiKey) => {
    expect(decodePartnerApiKey(apiKey)).toBeNull();
  });

  it('should refuse to encode a client_id holding the separator', () => {
    expect(() => encodePartnerApiKey('a:b', 'secret')).toThrow();
  });
});
