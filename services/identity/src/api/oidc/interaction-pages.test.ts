import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  pageSecurityHeaders,
  pickLocale,
  renderConsentPage,
  renderLoginPage,
} from './interaction-pages.js';

const loginInput = {
  locale: 'id' as const,
  nonce: 'n0nce',
  action: '/oidc/interaction/abc/login',
  switchHref: '/oidc/interaction/abc?lang=en',
  csrf: 'token',
  clientName: 'Balai',
  tenants: [
    { id: '36', name: 'Provinsi Banten' },
    { id: '36.73', name: 'Kota Serang' },
  ],
};

describe('pickLocale', () => {
  it('should default to Indonesian', () => {
    expect(pickLocale({})).toBe('id');
    expect(pickLocale({ acceptLanguage: 'fr-FR,de;q=0.8' })).toBe('id');
  });

  it('should follow an explicit choice over ui_locales over Accept-Language', () => {
    expect(pickLocale({ lang: 'en', uiLocales: 'id-ID', acceptLanguage: 'id' })).toBe('en');
    expect(pickLocale({ uiLocales: 'en-GB id', acceptLanguage: 'id' })).toBe('en');
    expect(pickLocale({ acceptLanguage: 'en-US,en;q=0.9' })).toBe('en');
    expect(pickLocale({ lang: 'xx', acceptLanguage: 'en' })).toBe('en');
  });
});

describe('renderLoginPage', () => {
  it('should escape everything that comes from a client or a user', () => {
    const html = renderLoginPage({
      ...loginInput,
      clientName: '<script>alert(1)</script>',
      login: '"><img src=x onerror=alert(1)>',
      error: "it's <b>bad</b>",
      tenants: [{ id: '36"x', name: '<i>Banten</i>' }],
    });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<i>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"');
    expect(html).toContain('it&#39;s &lt;b&gt;bad&lt;/b&gt;');
  });

  it('should speak Indonesian by default and English when asked', () => {
    expect(renderLoginPage(loginInput)).toContain('Kata sandi');
    expect(renderLoginPage(loginInput)).toContain('<html lang="id">');
    const english = renderLoginPage({ ...loginInput, locale: 'en' });
    expect(english).toContain('Password');
    expect(english).toContain('<html lang="en">');
  });

  it('should preselect the requested tenant, else ask to choose one', () => {
    expect(renderLoginPage({ ...loginInput, selectedTenant: '36.73' })).toContain('<option value="36.73" selected>');
    expect(renderLoginPage(loginInput)).toContain('<option value="" disabled selected>Pilih wilayah</option>');
  });

  it('should never render a password back', () => {
    expect(renderLoginPage({ ...loginInput, login: 'siti' })).toMatch(
      /type="password" required maxlength="1024" autocomplete="current-password">/,
    );
  });

  it('should carry the CSRF token and load no external asset', () => {
    const html = renderLoginPage(loginInput);
    expect(html).toContain('name="csrf" value="token"');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toContain('<script');
  });
});

describe('renderConsentPage', () => {
  it('should describe the requested scopes in the page language and escape the client name', () => {
    const html = renderConsentPage({
      locale: 'en',
      nonce: 'n',
      action: '/a',
      abortAction: '/b',
      switchHref: '/c',
      csrf: 't',
      clientName: 'Partner & <Co>',
      scopes: ['openid', 'email', 'custom<x>'],
    });
    expect(html).toContain('Partner &amp; &lt;Co&gt; asks for access to:');
    expect(html).toContain('<li>Your e-mail address</li>');
    expect(html).toContain('<li>custom&lt;x&gt;</li>');
  });
});

describe('pageSecurityHeaders', () => {
  it('should forbid framing and scripts', () => {
    const headers = pageSecurityHeaders('abc');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['content-security-policy']).toContain("default-src 'none'");
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy']).toContain("style-src 'nonce-abc'");
  });
});

describe('escapeHtml', () => {
  it('should escape the five HTML metacharacters', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});
