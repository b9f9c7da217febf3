export const eventSource = '/balai/complaints';

/**
 * A request as its input schema reads it. proto3 has no unset string: a caller leaving an
 * optional field out sends '', which is taken here as the field left out.
 */
export function blanksLeftOut(input: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== ''));
}
