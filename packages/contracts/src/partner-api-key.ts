/**
 * The Open311 `api_key` of a partner app: `base64url("<client_id>:<client_secret>")` (no
 * padding). Identity issues it once at registration; the gateway decodes it and exchanges the
 * pair for an access token with client credentials. A client_id never holds `:` (identity's
 * client ids are `[A-Za-z0-9._-]`), so the first `:` separates the two.
 * Written without Buffer so front-end code can use it too.
 */
export function encodePartnerApiKey(clientId: string, clientSecret: string): string {
  if (clientId === '' || clientId.includes(':') || clientSecret === '') {
    throw new Error('a partner api_key needs a client_id without ":" and a secret');
  }
  const bytes = new TextEncoder().encode(`${clientId}:${clientSecret}`);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const apiKeyPattern = /^[A-Za-z0-9_-]{4,512}$/;

/** The client_id and secret of an api_key, or null when it is not one (never throws). */
export function decodePartnerApiKey(apiKey: unknown): { clientId: string; clientSecret: string } | null {
  if (typeof apiKey !== 'string' || !apiKeyPattern.test(apiKey)) return null;
  let text: string;
  try {
    const binary = atob(apiKey.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a key holding controls is not one identity issued
  if (/[\u0000-\u001F\u007F]/.test(text)) return null;
  const separator = text.indexOf(':');
  if (separator <= 0 || separator === text.length - 1) return null;
  return { clientId: text.slice(0, separator), clientSecret: text.slice(separator + 1) };
}
