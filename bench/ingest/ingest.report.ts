import { formatNumber, formatRatio, markdownTable, profileMarkdown } from '../support';
import {
  INGEST_CPU_TARGET_RATIO,
  INGEST_TARGET_RATIO,
  type IngestResult,
  type IngestServer,
} from './ingest.bench';

const LABELS: Record<IngestServer, string> = {
  baseline: 'baseline (bare node:http)',
  app: 'app (Nest + Fastify, embedded defaults)',
  'app-lookups-held': 'app, lookups held (informational)',
};

/** Summary-table rows of benchmark 1. */
export function ingestSummaryRows(result: IngestResult): string[][] {
  return [
    [
      '1. Notify ingest',
      `app ${formatNumber(result.app.reqPerSec)} req/s, p50/p99 ${result.app.latencyP50Ms}/${result.app.latencyP99Ms} ms, ` +
        `${formatNumber(result.app.serverCpuUsPerReq)} µs CPU/notification`,
      `baseline ${formatNumber(result.baseline.reqPerSec)} req/s, p50/p99 ${result.baseline.latencyP50Ms}/${result.baseline.latencyP99Ms} ms, ` +
        `${formatNumber(result.baseline.serverCpuUsPerReq)} µs CPU/notification`,
      `${formatRatio(result.ratio)} req/s (rounds ${result.roundRatios.map((r) => r.toFixed(2)).join(' / ')}); CPU ${formatRatio(result.cpuRatio)}`,
      `≥ ${INGEST_TARGET_RATIO}× req/s, CPU ≥ ${INGEST_CPU_TARGET_RATIO}×`,
      verdict(result.targetMet, result.allRunsValid),
    ],
  ];
}

/** The detailed section of benchmark 1. */
export function ingestMarkdown(result: IngestResult): string {
  const { options } = result;
  const servers = [...new Set(result.runs.map((r) => r.server))];
  const perServer = servers.map((server) => {
    const runs = result.runs.filter((r) => r.server === server);
    const summary =
      server === 'baseline'
        ? result.baseline
        : server === 'app'
          ? result.app
          : result.appLookupsHeld!;
    const ratio =
      server === 'baseline' ? 1 : server === 'app' ? result.ratio : (result.heldRatio ?? NaN);
    return [
      LABELS[server],
      `${formatNumber(summary.reqPerSec)} (${runs.map((r) => formatNumber(r.reqPerSec)).join(' / ')})`,
      `${summary.latencyP50Ms} / ${summary.latencyP99Ms}`,
      `${formatNumber(summary.serverCpuUsPerReq)} (${runs.map((r) => formatNumber(r.serverCpuUsPerReq)).join(' / ')})`,
      formatRatio(ratio),
      server === 'baseline'
        ? '-'
        : runs
            .map((r) => `${((r.rows.resolved / Math.max(1, r.rows.total)) * 100).toFixed(0)} %`)
            .join(' / '),
      runs
        .map(
          (r) =>
            `${r.cpuPercent.server.toFixed(0)}/${r.cpuPercent.loadGenerator.toFixed(0)}/${Number.isFinite(r.cpuPercent.sandbox) ? r.cpuPercent.sandbox.toFixed(0) : '-'}`,
        )
        .join(' · '),
    ];
  });
  const lines = [
    `### 1. Notify ingest`,
    '',
    `${options.rounds} rounds, servers alternating (rotated each round); each run: fresh server process, fresh SQLite file, ` +
      `${options.warmupS} s warm-up then ${options.measureS} s measured, autocannon in its own process, ` +
      `${options.connections} connections, every request a distinct, validly signed notification. Medians, per-round values in brackets.`,
    ...(Object.keys(options.appEnv).length > 0
      ? [
          '',
          `**App environment overridden for this run (not the embedded defaults):** ${Object.entries(
            options.appEnv,
          )
            .map(([name, value]) => `\`${name}=${value}\``)
            .join(', ')}.`,
        ]
      : []),
    '',
    markdownTable(
      [
        'server',
        'req/s',
        'p50 / p99 ms',
        'server CPU µs / notification',
        'req/s ÷ baseline',
        'payments resolved by the end of the run',
        'CPU % server/autocannon/sandbox per round',
      ],
      perServer,
    ),
    '',
    `App ÷ baseline: **${formatRatio(result.ratio)}** (median of per-round ratios; ratio of medians ${formatRatio(result.ratioOfMedians)}; ` +
      `by CPU per notification ${formatRatio(result.cpuRatio)}). Target ≥ ${INGEST_TARGET_RATIO}× req/s and ≥ ${INGEST_CPU_TARGET_RATIO}× by CPU (app CPU ≤ 2× the baseline's): **${verdict(result.targetMet, result.allRunsValid)}**.`,
    '',
    'The app also looks every stored payment up (claim, getpaidunionid against the sandbox, which runs in its own process, ' +
      'and the resolve transaction) while it takes notifications: that is part of its real work and in its CPU figure; ' +
      'the baseline does the same lookups over a raw keep-alive client. "Lookups held" is the app with the sandbox never answering getpaidunionid ' +
      "(at most LOOKUP_CONCURRENCY lookups in flight, none completes): roughly the app's ingest path alone. " +
      "When every payment is resolved by the end of a run, lookups kept pace with ingest and the app's CPU per " +
      'notification is the full cost of a payment (ingest + lookup); when they lag, it holds only the lookups that ' +
      'completed in the window, so faster lookups can raise it while the ingest path gets cheaper.',
    '',
    markdownTable(
      [
        'run',
        'acknowledged (warm-up + measured)',
        'rows pending/resolved/failed',
        'sandbox lookups',
        'checks',
      ],
      result.runs.map((r) => [
        `round ${r.round} ${r.server}`,
        `${r.warmup.ok2xx} + ${r.measured.ok2xx}`,
        `${r.rows.pending}/${r.rows.resolved}/${r.rows.failed}`,
        String(r.sandboxLookups),
        r.valid ? 'ok' : r.problems.join('; '),
      ]),
    ),
  ];
  for (const { server, summary } of result.profiles ?? []) {
    const title =
      server === 'app'
        ? "Where the app's CPU goes under the ingest load"
        : server === 'app-lookups-held'
          ? "Where the app's CPU goes with lookups held (its ingest path)"
          : "Where the baseline's CPU goes (the same work without the framework)";
    lines.push('', profileMarkdown(title, summary));
  }
  return lines.join('\n');
}

function verdict(met: boolean, valid: boolean): string {
  const base = met ? 'met' : 'NOT met';
  return valid ? base : `${base} (some runs invalid, see details)`;
}
