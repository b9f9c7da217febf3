/**
 * Where the storage's time goes, from FerretDB's own Prometheus metrics (its debug port, see
 * tools/cli/src/infra.ts): the time cursors were open and how many were opened, per database
 * and collection. Per collection, so other people's databases on a shared FerretDB stay out of
 * the figures, which process CPU cannot do. Cursor time is wall time: a scan that waits for a
 * busy FerretDB counts its wait too.
 */

export interface CursorTotals {
  seconds: number;
  cursors: number;
}

/** `db.collection` → totals since FerretDB started; null when the metrics cannot be read (not FerretDB). */
export async function readCursorTotals(metricsUrl: string): Promise<Map<string, CursorTotals> | null> {
  let text: string;
  try {
    const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) return null;
    text = await response.text();
  } catch {
    return null;
  }
  const totals = new Map<string, CursorTotals>();
  const line = /^ferretdb_cursors_duration_seconds_(sum|count)\{([^}]*)\}\s+(\S+)$/gm;
  for (const [, kind, labels, value] of text.matchAll(line)) {
    const label = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(labels ?? '')?.[1] ?? '';
    const key = `${label('db')}.${label('collection')}`;
    const entry = totals.get(key) ?? { seconds: 0, cursors: 0 };
    if (kind === 'sum') entry.seconds += Number(value);
    else entry.cursors += Number(value);
    totals.set(key, entry);
  }
  return totals;
}

export interface CollectionCursors {
  collection: string;
  /** Cursor seconds per completed lifecycle. */
  secondsPerLifecycle: number;
  cursorsPerLifecycle: number;
}

/**
 * What the phase's collections (those whose `db.collection` starts with one of `prefixes`) used
 * between two readings, per completed lifecycle, the busiest first.
 */
export function cursorsPerLifecycle(
  before: Map<string, CursorTotals> | null,
  after: Map<string, CursorTotals> | null,
  prefixes: string[],
  lifecycles: number,
): CollectionCursors[] {
  if (!before || !after || lifecycles === 0) return [];
  return [...after]
    .filter(([key]) => prefixes.some((prefix) => key.startsWith(prefix)))
    .map(([key, end]) => {
      const start = before.get(key) ?? { seconds: 0, cursors: 0 };
      return {
        collection: key,
        secondsPerLifecycle: (end.seconds - start.seconds) / lifecycles,
        cursorsPerLifecycle: (end.cursors - start.cursors) / lifecycles,
      };
    })
    .filter((entry) => entry.cursorsPerLifecycle > 0)
    .sort((a, b) => b.secondsPerLifecycle - a.secondsPerLifecycle);
}
