import ngeohash from 'ngeohash';
import { describe, expect, it } from 'vitest';
import { coveringCells, coveringPrecision, geohashOf, haversineMeters } from './complaint-geohash.js';

/** The point `meters` away from `from` on `bearing` degrees (spherical earth, as haversine). */
function destination(from: { latitude: number; longitude: number }, meters: number, bearing: number) {
  const radius = 6_371_008.8;
  const rad = Math.PI / 180;
  const angular = meters / radius;
  const lat1 = from.latitude * rad;
  const lon1 = from.longitude * rad;
  const theta = bearing * rad;
  const lat2 = Math.asin(Math.sin(lat1) * Math.cos(angular) + Math.cos(lat1) * Math.sin(angular) * Math.cos(theta));
  const lon2 =
    lon1 +
    Math.atan2(
      Math.sin(theta) * Math.sin(angular) * Math.cos(lat1),
      Math.cos(angular) - Math.sin(lat1) * Math.sin(lat2),
    );
  return { latitude: lat2 / rad, longitude: ((lon2 / rad + 540) % 360) - 180 };
}

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function seeded(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('complaint geohash', () => {
  it('should store a precision-9 geohash of the location', () => {
    expect(geohashOf(-6.12, 106.15)).toBe(ngeohash.encode(-6.12, 106.15, 9));
    expect(geohashOf(-6.12, 106.15)).toHaveLength(9);
  });

  it('should measure distances like a known pair of points (Serang to Jakarta, about 72 km)', () => {
    const serang = { latitude: -6.1204, longitude: 106.1503 };
    const jakarta = { latitude: -6.1754, longitude: 106.8272 };
    expect(haversineMeters(serang, jakarta)).toBeGreaterThan(74_000);
    expect(haversineMeters(serang, jakarta)).toBeLessThan(76_000);
    expect(haversineMeters(serang, serang)).toBe(0);
  });

  it.each([
    [150, 7],
    [1000, 5],
    [15, 8],
  ])('should pick cells at least %i m wide near the equator (precision %i)', (radius, precision) => {
    expect(coveringPrecision(-6.12, radius)).toBe(precision);
  });

  it('should choose shorter prefixes far from the equator, where cells are narrower', () => {
    expect(coveringPrecision(70, 150)).toBeLessThan(coveringPrecision(0, 150));
  });

  it.each([
    [150, -6.12, 106.15],
    [150, 0.0001, 0.0001],
    [150, 60.17, 24.94],
    [1000, -6.2, 106.8],
    [37, 51.5, -0.12],
    [150, 1.0, 179.9995],
  ])('should cover every point within %i m of (%f, %f) with the cell and its neighbours', (radius, lat, lon) => {
    const random = seeded(Math.round(lat * 1000 + lon * 1000 + radius));
    const cells = coveringCells(lat, lon, radius);
    expect(cells.length).toBeGreaterThanOrEqual(8);
    for (let sample = 0; sample < 2000; sample += 1) {
      // Start anywhere in the point's cell neighbourhood, not only at its centre.
      const jitter = { latitude: lat + (random() - 0.5) * 1e-4, longitude: lon + (random() - 0.5) * 1e-4 };
      const jitterCells = coveringCells(jitter.latitude, jitter.longitude, radius);
      const point = destination(jitter, radius * Math.sqrt(random()), random() * 360);
      const hash = geohashOf(point.latitude, point.longitude);
      expect(
        jitterCells.some((cell) => hash.startsWith(cell)),
        `${hash} from ${JSON.stringify(jitter)}`,
      ).toBe(true);
    }
  });

  it('should leave out points well beyond the cells (the prefixes do narrow the search)', () => {
    const cells = coveringCells(-6.12, 106.15, 150);
    const far = destination({ latitude: -6.12, longitude: 106.15 }, 5000, 45);
    expect(cells.some((cell) => geohashOf(far.latitude, far.longitude).startsWith(cell))).toBe(false);
  });
});
