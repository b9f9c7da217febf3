import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { MediaUrl } from './complaint-schemas.js';

// As the platform's HTTP server compiles body schemas: ajv 8, patterns with the u flag.
const isMediaUrl = new Ajv({ allErrors: true, strict: false }).compile(MediaUrl);

describe('MediaUrl (the early refusal of a submission body)', () => {
  it.each([
    'https://cdn.example.org/a.jpg',
    'HTTPS://CDN.Example.org:443/a.jpg',
    'https://例え.jp/x.png',
    'https://media.example.id/foto/jalan-ñandú-😀.jpg?w=200#top',
    'https://media.example.id/@warga/foto%201.jpg',
  ])('should let %s through, for complaints to check its host', (url) => {
    expect(isMediaUrl(url)).toBe(true);
  });

  it.each([
    'http://cdn.example.org/a.jpg',
    'javascript:alert(1)',
    'data:image/png;base64,iVBORw0KGgo=',
    'https:cdn.example.org/a.jpg',
    'https:///a.jpg',
    'https://user:pw@x.org/a.jpg',
    'https://cdn.example.org@169.254.169.254/',
    'https://x.org/<script>',
    'https://x.org/a.jpg"onerror="alert(1)',
    "https://x.org/a'b",
    'https://x.org/a`b',
    'https://x.org\\@evil.example/',
    'https://x.org/a b.jpg',
    ' https://x.org/a.jpg',
    'https://x.org/a.jpg\n',
    'https://x.org/\u0000.jpg',
    'https://x.org/\u0085.jpg',
    `https://x.org/${'a'.repeat(2048)}`,
  ])('should refuse %j', (url) => {
    expect(isMediaUrl(url)).toBe(false);
  });
});
