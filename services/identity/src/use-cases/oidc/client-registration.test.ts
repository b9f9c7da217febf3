import { describe, expect, it } from 'vitest';
import { listWebClientOrigins } from './client-registration.js';

describe('listWebClientOrigins', () => {
  it('should answer each http(s) redirect origin once, sorted, and no custom scheme', async () => {
    const clients = {
      webClientRedirectUris: async () => [
        ['http://127.0.0.1:5173/callback', 'http://localhost:5173/callback'],
        ['https://lapor.serangkota.go.id/auth/callback?x=1', 'http://127.0.0.1:5173/other'],
        ['id.balai.app:/oauth2redirect', 'not a url'],
      ],
    };
    expect(await listWebClientOrigins(clients)).toEqual([
      'http://127.0.0.1:5173',
      'http://localhost:5173',
      'https://lapor.serangkota.go.id',
    ]);
  });

  it('should answer none when no browser client is registered', async () => {
    expect(await listWebClientOrigins({ webClientRedirectUris: async () => [] })).toEqual([]);
  });
});
