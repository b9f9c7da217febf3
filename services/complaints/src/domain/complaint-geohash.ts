import ngeohash from 'ngeohash';

/**
 * Geohash helpers for nearby-duplicate suggestions. FerretDB has no 2dsphere index, so a
 * complaint stores the geohash of its location and "near a point" becomes "the geohash starts
 * with one of nine cell prefixes" (an anchored regex), refined by the exact haversine distance.
 */

/** Precision stored on every complaint: about 4.8 m × 4.8 m cells, finer than any radius we query. */
export const storedGeohashPrecision = 9;

/** Mean earth radius (IUGG), the sphere haversine distances are measured on. */
const earthRadiusMeters = 6_371_008.8;
/** Meters per degree of latitude (and of longitude at the equator) on that sphere. */
const metersPerDegree = (2 * Math.PI * earthRadiusMeters) / 360;

export function geohashOf(latitude: number, longitude: number): string {
  return ngeohash.encode(latitude, longitude, storedGeohashPrecision);
}

/** Great-circle distance in meters between two points. */
export function haversineMeters(
  a: { latitude: number; longitude: number },
  b: { latitude: number; longitude: number },
) {
  const toRadians = (degrees: number) => (degrees * Math.PI) / 180;
  const dLat = toRadians(b.latitude - a.latitude);
  const dLon = toRadians(b.longitude - a.longitude);
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(toRadians(a.latitude)) * Math.cos(toRadians(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * earthRadiusMeters * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Height and width in degrees of a geohash cell of the given precision (5 bits per character). */
function cellDegrees(precision: number): { latitude: number; longitude: number } {
  const bits = 5 * precision;
  const longitudeBits = Math.ceil(bits / 2);
  const latitudeBits = Math.floor(bits / 2);
  return { latitude: 180 / 2 ** latitudeBits, longitude: 360 / 2 ** longitudeBits };
}

/**
 * The longest precision whose cells are at least `radiusMeters` tall and wide around `latitude`:
 * then every point within the radius lies in the point's own cell or one of its 8 neighbours.
 * The width is taken at the circle's highest latitude, where cells are narrowest.
 */
export function coveringPrecision(latitude: number, radiusMeters: number): number {
  const farthestLatitude = Math.min(90, Math.abs(latitude) + radiusMeters / metersPerDegree);
  const shrink = Math.cos((farthestLatitude * Math.PI) / 180);
  for (let precision = storedGeohashPrecision; precision > 1; precision -= 1) {
    const cell = cellDegrees(precision);
    const height = cell.latitude * metersPerDegree;
    const width = cell.longitude * metersPerDegree * shrink;
    if (height >= radiusMeters && width >= radiusMeters) return precision;
  }
  return 1;
}

/**
 * The geohash prefixes (the point's cell and its 8 neighbours, deduplicated) whose union holds
 * every point within `radiusMeters` of the point.
 */
export function coveringCells(latitude: number, longitude: number, radiusMeters: number): string[] {
  const cell = ngeohash.encode(latitude, longitude, coveringPrecision(latitude, radiusMeters));
  return [...new Set([cell, ...ngeohash.neighbors(cell)])];
}
