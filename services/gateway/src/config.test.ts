import { describe, expect, it } from 'vitest';
import { loadGatewayConfig, open311Jurisdictions } from './config.js';

describe('gateway configuration', () => {
  it('should read OPEN311_JURISDICTIONS as host names and their tenants', () => {
    const config = loadGatewayConfig({ OPEN311_JURISDICTIONS: 'serangkota.go.id=36.73, tangerangkota.go.id = 36.71' });
    expect(open311Jurisdictions(config)).toEqual({ 'serangkota.go.id': '36.73', 'tangerangkota.go.id': '36.71' });
    expect(open311Jurisdictions(loadGatewayConfig({}))).toEqual({});
  });

  it.each([
    ['serangkota.go.id', /not of the form/],
    ['serangkota.go.id=36.73=x', /not of the form/],
    ['serangkota.go.id=serang', /not a region code/],
    ['not a host=36.73', /not a host name/],
    ['serangkota.go.id=36.73,serangkota.go.id=36.72', /configured twice/],
  ])('should refuse to start with OPEN311_JURISDICTIONS=%s', (value, message) => {
    expect(() => loadGatewayConfig({ OPEN311_JURISDICTIONS: value })).toThrow(/OPEN311_JURISDICTIONS/);
    expect(() => loadGatewayConfig({ OPEN311_JURISDICTIONS: value })).toThrow(message);
  });
});
