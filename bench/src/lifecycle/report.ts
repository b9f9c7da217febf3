import type { LagSummary, RowCheck } from './analytics-check.js';
import type { RelaySummary } from './event-stream-probe.js';
import { type LatencySummary, type Measured, steps } from './measurements.js';
import type { ProcessUsage } from './platform-processes.js';
import type { CollectionCursors } from './storage-metrics.js';

/** One side's measured phase: latencies, throughput and what the processes used. */
export interface PhaseReport {
  side: 'balai' | 'raw';
  shape: string;
  seconds: number;
  /** Complaints in the side's collection when the phase began. */
  storedComplaints: number;
  measured: Record<Measured, LatencySummary>;
  dropped: number;
  peakInFlight: number;
  /**
   * CPU seconds each process used from the start of the phase until the work it caused was done
   * (for Balai: until analytics had counted every close), and its memory then.
   */
  processes: ProcessUsage[];
  /** CPU milliseconds each process used per second while nothing was offered (before the phase). */
  idleCpuMsPerSecond: Record<string, number>;
  /** CPU milliseconds per completed lifecycle, by process, and the sum of them all. */
  cpuMsPerLifecycle: Record<string, number>;
  /**
   * The same, less what the process spends idle (its idle rate over the phase's wall time):
   * what the lifecycles added. On a shared machine the idle rate includes other people's load.
   */
  netCpuMsPerLifecycle: Record<string, number>;
  /** FerretDB's cursor time per lifecycle, by collection of the side's databases; empty when not FerretDB. */
  storage: CollectionCursors[];
  firstFailures: string[];
}

export interface AnalyticsReport {
  baseline: { submitted: number; closed: number };
  expected: { submitted: number; closed: number };
  counted: { submitted: number; closed: number };
  /** Every count matched and every row checked out. */
  ok: boolean;
  drainedInMs: number | null;
  lag: LagSummary;
  /** The outbox relay's share of the lag: commit to the topic, per closed event of the run. */
  relay: RelaySummary | null;
  rows: RowCheck | null;
  samplerFailures: number;
  problems: string[];
}

export interface RunReport {
  benchmark: 'lifecycle';
  date: string;
  machine: { cpus: number; loadAverage: number[] };
  settings: Record<string, unknown>;
  seed: { target: number; inserted: number; stored: number; seconds: number } | null;
  balai: PhaseReport | null;
  raw: PhaseReport | null;
  analytics: AnalyticsReport | null;
}

const number = (value: number, digits = 0) =>
  value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (value: number) => (value >= 100 ? number(value) : number(value, 1));
const percentiles = (summary: LatencySummary) =>
  summary.count === 0 ? '—' : `${ms(summary.p50Ms)} / ${ms(summary.p95Ms)} / ${ms(summary.p99Ms)}`;
const errors = (summary: LatencySummary) =>
  Object.entries(summary.errors)
    .map(([kind, count]) => `${kind} × ${count}`)
    .join(', ') || '0';

/**
 * CPU ms per lifecycle of each process over a phase: its CPU seconds ÷ the lifecycles completed;
 * with `idleCpuMsPerSecond`, less the idle rate over the same wall time (never below 0).
 */
export function cpuPerLifecycle(
  processes: ProcessUsage[],
  lifecycles: number,
  idleCpuMsPerSecond: Record<string, number> = {},
): Record<string, number> {
  const perLifecycle: Record<string, number> = {};
  let total = 0;
  for (const each of processes) {
    const busyMs = each.cpuSeconds * 1_000 - (idleCpuMsPerSecond[each.name] ?? 0) * each.wallSeconds;
    const value = lifecycles > 0 ? Math.max(0, busyMs) / lifecycles : 0;
    perLifecycle[each.name] = value;
    total += value;
  }
  perLifecycle.total = total;
  return perLifecycle;
}

/** The fragment for docs/BENCHMARKS.md: the run's shape, the step table, CPU and memory, analytics. */
export function markdown(report: RunReport): string {
  const { balai, raw, analytics } = report;
  const lines: string[] = [];
  const any = balai ?? raw;
  if (!any) return '';
  lines.push(
    `${report.date.slice(0, 10)}, ${report.machine.cpus}-core machine (1-minute load average ${number(report.machine.loadAverage[0] ?? 0, 1)} at the start), ` +
      `${any.shape}; ${number(any.storedComplaints)} complaints stored when the measured phase began ` +
      `(Balai ${balai ? number(balai.storedComplaints) : '—'}, raw ${raw ? number(raw.storedComplaints) : '—'}). ` +
      `Latencies in ms; the ratio is ${report.settings.loop === 'closed' ? 'Balai ÷ raw throughput for the lifecycle and ' : ''}` +
      'raw ÷ Balai p50 for a step (higher is better). The lifecycle latency is measured from when it was due (open loop) or began (closed loop).' +
      (report.settings.loop === 'open'
        ? ` Arrivals dropped (too many in flight): Balai ${balai?.dropped ?? '—'}, raw ${raw?.dropped ?? '—'}; ` +
          `most in flight: Balai ${balai?.peakInFlight ?? '—'}, raw ${raw?.peakInFlight ?? '—'}.`
        : ''),
    '',
    '| step | Balai p50 / p95 / p99 | raw p50 / p95 / p99 | Balai done/s | raw done/s | ratio | errors Balai / raw |',
    '|---|---:|---:|---:|---:|---:|---|',
  );
  for (const name of [...steps, 'lifecycle'] as const) {
    const b = balai?.measured[name];
    const r = raw?.measured[name];
    // A closed loop's lifecycle throughput is what the platform sustains; an open loop's is the
    // offered rate on both sides, so there only latency compares.
    const ratio =
      b && r && b.count > 0 && r.count > 0
        ? name === 'lifecycle' && report.settings.loop === 'closed'
          ? b.perSecond / r.perSecond
          : r.p50Ms / b.p50Ms
        : null;
    lines.push(
      `| ${name === 'lifecycle' ? '**lifecycle**' : name} | ${b ? percentiles(b) : '—'} | ${r ? percentiles(r) : '—'} | ` +
        `${b ? number(b.perSecond, 2) : '—'} | ${r ? number(r.perSecond, 2) : '—'} | ${ratio === null ? '—' : number(ratio, 2)} | ${b ? errors(b) : '—'} / ${r ? errors(r) : '—'} |`,
    );
  }
  for (const phase of [balai, raw]) {
    if (!phase) continue;
    lines.push(
      '',
      `${phase.side === 'balai' ? 'Balai' : 'Raw'}: CPU per completed lifecycle (until the work it caused was done), memory at the end.`,
      '',
      '| process | CPU ms per lifecycle | net of idle | idle CPU ms/s | RSS MB | peak RSS MB (VmHWM) |',
      '|---|---:|---:|---:|---:|---:|',
    );
    for (const each of phase.processes) {
      lines.push(
        `| ${each.name}${each.restarted ? ' (restarted: incomplete)' : ''} | ${ms(phase.cpuMsPerLifecycle[each.name] ?? 0)} | ` +
          `${ms(phase.netCpuMsPerLifecycle[each.name] ?? 0)} | ${ms(phase.idleCpuMsPerSecond[each.name] ?? 0)} | ` +
          `${number(each.rssMb)} | ${number(each.peakRssMb)} |`,
      );
    }
    lines.push(
      `| **all** | ${ms(phase.cpuMsPerLifecycle.total ?? 0)} | ${ms(phase.netCpuMsPerLifecycle.total ?? 0)} | | | |`,
    );
    if (phase.storage.length > 0) {
      const top = phase.storage
        .slice(0, 5)
        .map(
          (entry) =>
            `${entry.collection} ${ms(entry.secondsPerLifecycle * 1_000)} ms over ${number(entry.cursorsPerLifecycle, 1)} cursors`,
        );
      lines.push('', `FerretDB cursor time per lifecycle, busiest collections: ${top.join('; ')}.`);
    }
  }
  if (balai && raw && (raw.cpuMsPerLifecycle.total ?? 0) > 0) {
    const times = (key: 'cpuMsPerLifecycle' | 'netCpuMsPerLifecycle') =>
      (raw[key].total ?? 0) > 0 ? `${number((balai[key].total ?? 0) / (raw[key].total ?? 1), 1)}×` : '—';
    lines.push(
      '',
      `CPU per lifecycle, Balai ÷ raw: ${times('cpuMsPerLifecycle')} (net of idle: ${times('netCpuMsPerLifecycle')}); ` +
        'both sides include the benchmark client, and raw runs its server in the client process.',
    );
  }
  if (analytics) {
    const delta = (key: 'submitted' | 'closed') =>
      `${key} +${number(analytics.counted[key] - analytics.baseline[key])} of +${number(analytics.expected[key] - analytics.baseline[key])}`;
    lines.push(
      '',
      `Analytics: ${analytics.ok ? 'every complaint counted once' : '**MISMATCH**'} (${delta('submitted')}, ${delta('closed')}` +
        `${analytics.rows ? `; rows: ${analytics.rows.missing.length} missing, ${analytics.rows.wrongStatus.length} in another status of ${number(analytics.rows.complaints)}` : ''}). ` +
        `Event-to-analytics lag, counted: p50 ${ms(analytics.lag.p50Ms)} ms, p95 ${ms(analytics.lag.p95Ms)} ms, max ${ms(analytics.lag.maxMs)} ms ` +
        `over ${number(analytics.lag.measured)} closes (resolution about ${ms(analytics.lag.resolutionMs)} ms)` +
        `${analytics.drainedInMs === null ? '' : `; counted everything ${number(analytics.drainedInMs / 1_000, 1)} s after the load stopped`}.` +
        (analytics.relay
          ? ` Of that, the outbox relay (commit to the topic): p50 ${ms(analytics.relay.p50Ms)} ms, p95 ${ms(analytics.relay.p95Ms)} ms, ` +
            `max ${ms(analytics.relay.maxMs)} ms over ${number(analytics.relay.seen)} closed events; the rest is the analytics consumer.`
          : ''),
    );
    for (const problem of analytics.problems) lines.push(`- ${problem}`);
  }
  return lines.join('\n');
}
