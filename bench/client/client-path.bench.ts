import type { SandboxPaymentInput } from '@app/wechat-sandbox';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  benchEntry,
  forkEntry,
  formatNumber,
  formatRatio,
  markdownTable,
  median,
  nextMessage,
  profileMarkdown,
  progress,
  REPO_ROOT,
  RESULTS_DIR,
  SandboxProcess,
  stopChild,
  summarizeCpuProfile,
  type ProfileSummary,
} from '../support';
import type {
  ClientPathChildOptions,
  ClientPathDoneMessage,
  ClientPathRun,
} from './client-path.main';

export interface ClientPathOptions {
  rounds: number;
  warmupCalls: number;
  calls: number;
  concurrency: number;
  /** Distinct registered payments the calls cycle through. */
  payments: number;
  /** CPU-profile the library path: always, never, or when the target is missed. */
  profile: 'auto' | 'always' | 'never';
}

export const CLIENT_PATH_DEFAULTS: ClientPathOptions = {
  rounds: 3,
  warmupCalls: 3000,
  calls: 30_000,
  concurrency: 16,
  payments: 1000,
  profile: 'auto',
};

/** Target of issue 12: the library reaches at least 0.45x the raw client's calls per second. */
export const CLIENT_PATH_TARGET_RATIO = 0.45;

interface ClientSummary {
  callsPerSec: number;
  cpuUsPerCall: number;
  sandboxCpuPercent: number;
}

export interface ClientPathResult {
  options: ClientPathOptions;
  runs: ClientPathRun[];
  library: ClientSummary;
  raw: ClientSummary;
  roundRatios: number[];
  /** Median of the per-round library ÷ raw calls/s ratios. */
  ratio: number;
  /** raw CPU per call ÷ library CPU per call (medians). */
  cpuRatio: number;
  failures: number;
  targetMet: boolean;
  profile?: ProfileSummary & { file: string };
}

/**
 * Benchmark 2: `PaidUnionIdService.getPaidUnionId` against the sandbox (its own process) vs a
 * raw keep-alive `node:http` client making the identical request, in one child process.
 */
export async function runClientPathBench(options: ClientPathOptions): Promise<ClientPathResult> {
  const sandbox = await SandboxProcess.start({ seed: 2 });
  try {
    const inputs: SandboxPaymentInput[] = Array.from({ length: options.payments }, (_, i) => ({
      openid: `o-bench-client-${i}`,
    }));
    const registered = await sandbox.registerPayments(inputs);
    const childOptions: ClientPathChildOptions = {
      sandboxUrl: sandbox.url,
      sandboxPid: sandbox.pid,
      payments: registered.map((p) => ({
        openid: p.openid,
        transactionId: p.transactionId,
        unionid: p.unionid,
      })),
      rounds: options.rounds,
      warmupCalls: options.warmupCalls,
      calls: options.calls,
      concurrency: options.concurrency,
    };
    progress(
      `client: ${options.rounds} rounds x (library, raw) x ${options.calls} calls, ${options.concurrency} at once`,
    );
    const runs = await runChild(childOptions);
    const result = summarize(options, runs);
    if (options.profile === 'always' || (options.profile === 'auto' && !result.targetMet)) {
      result.profile = await profileLibrary(childOptions);
    }
    return result;
  } finally {
    await sandbox.stop();
  }
}

async function runChild(
  childOptions: ClientPathChildOptions,
  nodeArgs: string[] = [],
  label = 'client',
): Promise<ClientPathRun[]> {
  const child = forkEntry(
    benchEntry('client/client-path.main.js'),
    [JSON.stringify(childOptions)],
    {
      execArgv: ['--expose-gc', ...nodeArgs],
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  child.on('message', (message: { type: string; run?: ClientPathRun }) => {
    if (message.type === 'progress' && message.run) {
      const run = message.run;
      progress(
        `${label}: round ${run.round} ${run.client}: ${run.callsPerSec.toFixed(0)} calls/s, ` +
          `${run.cpuUsPerCall.toFixed(0)} µs CPU/call, sandbox ${run.sandboxCpuPercent.toFixed(0)} % CPU` +
          (run.failures > 0 ? `, ${run.failures} FAILED` : ''),
      );
    }
  });
  try {
    const done = await nextMessage<ClientPathDoneMessage>(child, 'done', 30 * 60_000);
    await new Promise<void>((resolve) =>
      child.exitCode === null ? child.once('exit', () => resolve()) : resolve(),
    );
    return done.runs;
  } finally {
    await stopChild(child);
  }
}

/** One extra library-only batch under `node --cpu-prof` (not counted in the figures). */
async function profileLibrary(
  childOptions: ClientPathChildOptions,
): Promise<ProfileSummary & { file: string }> {
  progress('client: profiling getPaidUnionId (node --cpu-prof; not a measurement)');
  const dir = mkdtempSync(join(tmpdir(), 'bench-client-profile-'));
  try {
    const [run] = await runChild(
      { ...childOptions, rounds: 1, only: 'library' },
      ['--cpu-prof', `--cpu-prof-dir=${dir}`],
      'client profiling run (not counted)',
    );
    const profile = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!profile) throw new Error('the client wrote no .cpuprofile');
    mkdirSync(RESULTS_DIR, { recursive: true });
    const kept = join(RESULTS_DIR, 'client-library.cpuprofile');
    copyFileSync(join(dir, profile), kept);
    return {
      ...summarizeCpuProfile(kept, run.windowUs[0], run.windowUs[1]),
      file: relative(REPO_ROOT, kept),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function summarize(options: ClientPathOptions, runs: ClientPathRun[]): ClientPathResult {
  const of = (client: ClientPathRun['client']): ClientSummary => {
    const mine = runs.filter((r) => r.client === client);
    return {
      callsPerSec: median(mine.map((r) => r.callsPerSec)),
      cpuUsPerCall: median(mine.map((r) => r.cpuUsPerCall)),
      sandboxCpuPercent: median(mine.map((r) => r.sandboxCpuPercent)),
    };
  };
  const library = of('library');
  const raw = of('raw');
  const roundRatios = Array.from({ length: options.rounds }, (_, i) => {
    const lib = runs.find((r) => r.client === 'library' && r.round === i + 1);
    const base = runs.find((r) => r.client === 'raw' && r.round === i + 1);
    return lib && base ? lib.callsPerSec / base.callsPerSec : NaN;
  });
  const ratio = median(roundRatios);
  const failures = runs.reduce((sum, r) => sum + r.failures, 0);
  return {
    options,
    runs,
    library,
    raw,
    roundRatios,
    ratio,
    cpuRatio: raw.cpuUsPerCall / library.cpuUsPerCall,
    failures,
    targetMet: ratio >= CLIENT_PATH_TARGET_RATIO && failures === 0,
  };
}

/** Summary-table rows of benchmark 2. */
export function clientPathSummaryRows(result: ClientPathResult): string[][] {
  return [
    [
      '2. Client path',
      `getPaidUnionId ${formatNumber(result.library.callsPerSec)} calls/s, ${formatNumber(result.library.cpuUsPerCall)} µs CPU/call`,
      `raw keep-alive client ${formatNumber(result.raw.callsPerSec)} calls/s, ${formatNumber(result.raw.cpuUsPerCall)} µs CPU/call`,
      `${formatRatio(result.ratio)} calls/s (rounds ${result.roundRatios.map((r) => r.toFixed(2)).join(' / ')}); CPU ${formatRatio(result.cpuRatio)}`,
      `≥ ${CLIENT_PATH_TARGET_RATIO}×`,
      result.targetMet ? 'met' : 'NOT met',
    ],
  ];
}

/** The detailed section of benchmark 2. */
export function clientPathMarkdown(result: ClientPathResult): string {
  const { options } = result;
  const row = (client: ClientPathRun['client'], label: string, summary: ClientSummary) => {
    const runs = result.runs.filter((r) => r.client === client);
    return [
      label,
      `${formatNumber(summary.callsPerSec)} (${runs.map((r) => formatNumber(r.callsPerSec)).join(' / ')})`,
      `${formatNumber(summary.cpuUsPerCall)} (${runs.map((r) => formatNumber(r.cpuUsPerCall)).join(' / ')})`,
      formatNumber(summary.sandboxCpuPercent),
      String(runs.reduce((sum, r) => sum + r.failures, 0)),
    ];
  };
  return [
    '### 2. Client path',
    '',
    `One process, ${options.rounds} rounds alternating (library first in odd rounds); each batch ${options.warmupCalls} warm-up calls, ` +
      `then ${options.calls} measured, ${options.concurrency} in flight, cycling through ${options.payments} registered payments. ` +
      'Same URL and query (`access_token`, `openid`, `transaction_id`, RFC 3986 encoded); the token is fetched once beforehand for both. ' +
      'The sandbox runs in its own process.',
    '',
    markdownTable(
      ['client', 'calls/s', 'client CPU µs / call', 'sandbox CPU %', 'wrong or failed answers'],
      [
        row('library', 'PaidUnionIdService.getPaidUnionId', result.library),
        row('raw', 'raw node:http, keep-alive agent', result.raw),
      ],
    ),
    '',
    `Library ÷ raw: **${formatRatio(result.ratio)}** calls/s (median of per-round ratios ${result.roundRatios
      .map((r) => r.toFixed(2))
      .join(
        ' / ',
      )}); by client CPU per call ${formatRatio(result.cpuRatio)}. Target ≥ ${CLIENT_PATH_TARGET_RATIO}×: ` +
      `**${result.targetMet ? 'met' : 'NOT met'}**. When the sandbox CPU is near 100 %, the raw client is limited by the ` +
      "sandbox and the calls/s ratio understates the library's overhead; the CPU ratio does not.",
    ...(result.profile
      ? [
          '',
          profileMarkdown("Where the calling process's CPU goes in getPaidUnionId", result.profile),
        ]
      : []),
  ].join('\n');
}
