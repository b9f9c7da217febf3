import { describe, expect, it } from 'vitest';
import { checkMediaUrl } from './media-url.js';

const privateAddress = 'must not point to a private, loopback, link-local or reserved address';
const internalName = 'must not point to a local or internal host name';
const markup = 'must not contain whitespace, quotes, angle brackets, backticks or backslashes';

describe('checkMediaUrl', () => {
  it.each([
    ['https://cdn.example.org/a.jpg', 'https://cdn.example.org/a.jpg'],
    ['https://例え.jp/x.png', 'https://xn--r8jz45g.jp/x.png'],
    ['HTTPS://CDN.Example.ORG:443/Foto/A.JPG', 'https://cdn.example.org/Foto/A.JPG'],
    ['https://cdn.example.org', 'https://cdn.example.org/'],
    ['https://cdn.example.org:8443/a.jpg?w=200#top', 'https://cdn.example.org:8443/a.jpg?w=200#top'],
    ['https://media.example.id/foto/jalan%20rusak.jpg', 'https://media.example.id/foto/jalan%20rusak.jpg'],
    [
      'https://media.example.id/foto/lubang-jalan-ñandú-😀.jpg',
      'https://media.example.id/foto/lubang-jalan-%C3%B1and%C3%BA-%F0%9F%98%80.jpg',
    ],
    ['https://media.example.id/@warga/1.jpg', 'https://media.example.id/@warga/1.jpg'],
    ['https://8.8.8.8/a.jpg', 'https://8.8.8.8/a.jpg'],
    ['https://[2606:4700:4700::1111]/a.jpg', 'https://[2606:4700:4700::1111]/a.jpg'],
    ['https://[::ffff:8.8.8.8]/a.jpg', 'https://[::ffff:808:808]/a.jpg'],
  ])('should accept %s and store it as %s', (given, stored) => {
    expect(checkMediaUrl(given)).toEqual({ url: stored });
  });

  it.each([
    ['http://cdn.example.org/a.jpg', 'must be an https URL'],
    ['ftp://cdn.example.org/a.jpg', 'must be an https URL'],
    ['javascript:alert(1)', 'must be an https URL'],
    ['data:image/png;base64,iVBORw0KGgo=', 'must be an https URL'],
    ['//cdn.example.org/a.jpg', 'must be an https URL'],
    ['https:cdn.example.org/a.jpg', 'must be an https URL'],
    ['https:///cdn.example.org/a.jpg', 'must be an https URL'],
    ['https://', 'must be an https URL'],
    ['https://exa%mple.org/', 'must be an https URL'],
    ['', 'must be an https URL'],
    ['https://user:pw@x.org/a.jpg', 'must not contain credentials (user:password@)'],
    ['https://user@x.org/a.jpg', 'must not contain credentials (user:password@)'],
    ['https://@x.org/a.jpg', 'must not contain credentials (user:password@)'],
    ['https://:@x.org/a.jpg', 'must not contain credentials (user:password@)'],
    ['https://cdn.example.org@169.254.169.254/', 'must not contain credentials (user:password@)'],
    ['https://127.0.0.1/', privateAddress],
    ['https://127.1.2.3/a.jpg', privateAddress],
    ['https://0x7f.1/', privateAddress],
    ['https://2130706433/', privateAddress],
    ['https://１２７.０.０.１/', privateAddress],
    ['https://10.1.2.3/', privateAddress],
    ['https://172.16.0.1/', privateAddress],
    ['https://172.31.255.255/', privateAddress],
    ['https://192.168.1.1/', privateAddress],
    ['https://169.254.169.254/latest/meta-data', privateAddress],
    ['https://0.0.0.0/', privateAddress],
    ['https://100.64.0.1/', privateAddress],
    ['https://224.0.0.1/', privateAddress],
    ['https://255.255.255.255/', privateAddress],
    ['https://[::1]/', privateAddress],
    ['https://[::]/', privateAddress],
    ['https://[fe80::1]/', privateAddress],
    ['https://[fc00::1]/', privateAddress],
    ['https://[fd12:3456::1]/', privateAddress],
    ['https://[::ffff:127.0.0.1]/', privateAddress],
    ['https://[::ffff:10.0.0.1]/', privateAddress],
    ['https://[::ffff:169.254.169.254]/', privateAddress],
    ['https://localhost/', internalName],
    ['https://LOCALHOST./a.jpg', internalName],
    ['https://api.localhost/a.jpg', internalName],
    ['https://printer.local/a.jpg', internalName],
    ['https://metadata.google.internal/computeMetadata/v1/', internalName],
    ['https://intranet/a.jpg', internalName],
    ['https://x.org/<script>', markup],
    ['https://x.org/a.jpg"onerror="alert(1)', markup],
    ["https://x.org/a.jpg'", markup],
    ['https://x.org/a`b', markup],
    ['https://x.org\\@evil.example/', markup],
    ['https://x.org/a b.jpg', markup],
    [' https://x.org/a.jpg', markup],
    ['https://x.org/a\u00a0b.jpg', markup],
    ['https://x.org/a.jpg\n', 'must not contain control characters (found U+000A)'],
    ['https://x.org/\u0000.jpg', 'must not contain control characters (found U+0000)'],
    ['https://x.org/\u0085.jpg', 'must not contain control characters (found U+0085)'],
  ])('should refuse %j: %s', (given, problem) => {
    expect(checkMediaUrl(given)).toEqual({ problem });
  });

  it('should refuse what is longer than 2048 characters, as sent or once normalised', () => {
    const path = 'a'.repeat(2048 - 'https://x.org/'.length);
    expect(checkMediaUrl(`https://x.org/${path}`)).toEqual({ url: `https://x.org/${path}` });
    expect(checkMediaUrl(`https://x.org/${path}a`)).toEqual({ problem: 'must be at most 2048 characters' });
    expect(checkMediaUrl(`https://x.org/${path.slice(1)}é`)).toEqual({
      problem: 'must be at most 2048 characters once normalised',
    });
  });

  it('should refuse what is not a string', () => {
    expect(checkMediaUrl(undefined)).toEqual({ problem: 'must be an https URL' });
    expect(checkMediaUrl({ href: 'https://x.org/' })).toEqual({ problem: 'must be an https URL' });
  });
});
