import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AppServerProcess,
  appLogFile,
  defaultAppEnvironment,
  formatNumber,
  formatShare,
  markdownTable,
  median,
  percentile,
  processCpuMs,
  progress,
  SandboxProcess,
  NotificationSigner,
  type SignedNotification,
} from '../support';
import { ENV_DEFAULTS } from '../../apps/payment-notify/src/config/app-config.constants';
import { NotificationSender } from './notification.sender';

export interface DrainOptions {
  payments: number;
  busyRate: number;
  /** Notifications in flight at once while sending. */
  senders: number;
  /** Extra app environment (experiments only: the reported runs use the embedded defaults). */
  appEnv: Record<string, string>;
}

export const DRAIN_DEFAULTS: DrainOptions = {
  payments: 10_000,
  busyRate: 0.2,
  senders: 16,
  appEnv: {},
};

const WINDOW_MS = 5 * 60_000;
/** Notifications signed (and registered with the sandbox) ahead of sending. */
const SIGN_BATCH = 64;

interface PaymentRow {
  transaction_id: string;
  status: 'pending' | 'resolved' | 'failed';
  success_time_ms: number;
  deadline_ms: number;
  created_at_ms: number;
  updated_at_ms: number;
  resolved_at_ms: number | null;
  attempts: number;
  last_errcode: number | null;
}

export interface DrainResult {
  options: DrainOptions;
  acknowledged: number;
  rejected: number;
  /** Notifications per second while sending. */
  sendRate: number;
  /** From the first notification sent to the last payment settled (resolved or failed), ms. */
  timeToSettleAllMs: number;
  /** Same, to the last unionid, when every payment resolved. */
  timeToResolveAllMs: number | null;
  notifyToUnionidMs: { p50: number; p99: number; max: number };
  /** From `success_time` (the signing time, just before sending) to the unionid. */
  payToUnionidMs: { p50: number; p99: number; max: number };
  /** Seconds between signing (= success_time) and sending: median and max. */
  signToSendS: { median: number; max: number };
  statuses: { resolved: number; failed: number; pending: number; missing: number };
  /** Resolved by `success_time + 5 min`, of all payments sent. */
  shareResolvedInWindow: number;
  failedErrcodes: Record<string, number>;
  lookupSlicesPerPayment: { mean: number; max: number };
  sandbox: { lookups: number; successful: number; tokenFetches: number };
  appCpuS: number;
  targetMet: boolean;
}

/**
 * Benchmark 4: drain under faults. 10,000 paid notifications, as fast as the app takes them,
 * with the sandbox answering 20% of getpaidunionid calls `-1`; per-payment times read from the
 * app's SQLite file (read-only) once every payment settled.
 */
export async function runDrainBench(options: DrainOptions): Promise<DrainResult> {
  const work = mkdtempSync(join(tmpdir(), 'bench-drain-'));
  const sandbox = await SandboxProcess.start({
    realTimeClock: true,
    seed: 4,
    faults: { busyRate: options.busyRate },
  });
  const databasePath = join(work, 'app.sqlite');
  const { env, dir } = defaultAppEnvironment(sandbox.url, {
    ...options.appEnv,
    DATABASE_URL: `sqlite:${databasePath}`,
  });
  const signer = new NotificationSigner(1);
  let app: AppServerProcess | undefined;
  try {
    app = await AppServerProcess.start(env, appLogFile(work));
    const appCpuStart = processCpuMs(app.pid);
    progress(
      `drain: sending ${options.payments} notifications, ${options.senders} at a time, each signed ` +
        `just before it is sent; sandbox busyRate ${options.busyRate}`,
    );
    const sent = await sendAll(options, app, sandbox, signer);
    progress(
      `drain: sent in ${(sent.sendMs / 1000).toFixed(1)} s (${sent.acknowledged} acknowledged, ${sent.rejected} rejected)`,
    );
    const lastDeadline = Math.max(...[...sent.paidAt.values()]) + WINDOW_MS;
    await waitUntilSettled(databasePath, options.payments, lastDeadline + 30_000);
    const appCpuS = (processCpuMs(app.pid) - appCpuStart) / 1000;
    const counters = await sandbox.counters();
    await app.stop();
    app = undefined;
    return summarize(options, readRows(databasePath), {
      ...sent,
      appCpuS,
      sandbox: {
        lookups: counters.lookups,
        successful: Object.values(counters.successfulLookupsByTransaction).reduce(
          (a, b) => a + b,
          0,
        ),
        tokenFetches: counters.tokenCalls.total,
      },
    });
  } catch (error) {
    if (app) process.stderr.write(`app log tail:\n${app.logTail()}\n`);
    throw error;
  } finally {
    await signer.close();
    await app?.stop();
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

interface SendOutcome {
  acknowledged: number;
  rejected: number;
  sendMs: number;
  firstSend: number;
  sentAt: Map<string, number>;
  paidAt: Map<string, number>;
}

/**
 * A producer signs small batches on a worker thread (and registers them with the sandbox) while
 * the senders post what is ready: `success_time` is within about a second of sending.
 */
async function sendAll(
  options: DrainOptions,
  app: AppServerProcess,
  sandbox: SandboxProcess,
  signer: NotificationSigner,
): Promise<SendOutcome> {
  const sender = new NotificationSender(app.url, options.senders);
  const outcome: SendOutcome = {
    acknowledged: 0,
    rejected: 0,
    sendMs: 0,
    firstSend: Date.now(),
    sentAt: new Map(),
    paidAt: new Map(),
  };
  const ready: SignedNotification[] = [];
  let produced = 0;
  const waiting: (() => void)[] = [];
  const notify = () => waiting.splice(0).forEach((wake) => wake());
  const waitForChange = () => new Promise<void>((resolve) => waiting.push(resolve));
  const producer = (async () => {
    while (produced < options.payments) {
      // Stay only a little ahead of the senders, so notifications are sent right after signing.
      while (ready.length >= SIGN_BATCH) await sleep(5);
      const batch = await signer.sign(Math.min(SIGN_BATCH, options.payments - produced));
      await sandbox.registerPayments(batch.map((n) => n.payment));
      ready.push(...batch);
      produced += batch.length;
      notify();
    }
  })();
  const senders = Array.from({ length: options.senders }, async () => {
    for (;;) {
      const notification = ready.shift();
      if (notification === undefined) {
        if (produced >= options.payments) return;
        await waitForChange();
        continue;
      }
      const { transactionId, paidAt } = notification.payment;
      outcome.paidAt.set(transactionId, paidAt);
      outcome.sentAt.set(transactionId, Date.now());
      const status = await sender.post(notification.headers, notification.body).catch(() => 0);
      if (status === 204) outcome.acknowledged += 1;
      else outcome.rejected += 1;
    }
  });
  try {
    await producer;
    notify();
    await Promise.all(senders);
  } finally {
    sender.close();
  }
  outcome.sendMs = Date.now() - outcome.firstSend;
  return outcome;
}

async function waitUntilSettled(
  databasePath: string,
  expected: number,
  giveUpAt: number,
): Promise<void> {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  const count = db.prepare(
    'SELECT status, COUNT(*) AS count FROM paid_unionid_payments GROUP BY status',
  );
  let lastReport = 0;
  try {
    for (;;) {
      const byStatus = Object.fromEntries(
        (count.all() as { status: string; count: number }[]).map((r) => [r.status, r.count]),
      );
      const resolved = byStatus.resolved ?? 0;
      const failed = byStatus.failed ?? 0;
      const pending = byStatus.pending ?? 0;
      if (Date.now() - lastReport >= 5000) {
        progress(
          `drain: ${resolved} resolved, ${failed} failed, ${pending} pending of ${expected}`,
        );
        lastReport = Date.now();
      }
      if (pending === 0 && resolved + failed >= expected) return;
      if (Date.now() > giveUpAt) {
        progress('drain: gave up waiting (every payment window has closed)');
        return;
      }
      await sleep(250);
    }
  } finally {
    db.close();
  }
}

function readRows(databasePath: string): PaymentRow[] {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        `SELECT transaction_id, status, success_time_ms, deadline_ms, created_at_ms, updated_at_ms,
                resolved_at_ms, attempts, last_errcode FROM paid_unionid_payments`,
      )
      .all() as PaymentRow[];
  } finally {
    db.close();
  }
}

function spread(values: number[]): { p50: number; p99: number; max: number } {
  return { p50: percentile(values, 50), p99: percentile(values, 99), max: Math.max(...values) };
}

function summarize(
  options: DrainOptions,
  rows: PaymentRow[],
  run: SendOutcome & { appCpuS: number; sandbox: DrainResult['sandbox'] },
): DrainResult {
  const sent = run.sentAt.size;
  const sentAt = run.sentAt;
  const resolved = rows.filter((r) => r.status === 'resolved');
  const failed = rows.filter((r) => r.status === 'failed');
  const pending = rows.filter((r) => r.status === 'pending');
  const notifyToUnionid = resolved.map((r) => r.resolved_at_ms! - sentAt.get(r.transaction_id)!);
  const payToUnionid = resolved.map((r) => r.resolved_at_ms! - r.success_time_ms);
  const signToSend = [...sentAt.entries()].map(([tx, at]) => (at - run.paidAt.get(tx)!) / 1000);
  const lastSettled = Math.max(
    ...rows.filter((r) => r.status !== 'pending').map((r) => r.resolved_at_ms ?? r.updated_at_ms),
  );
  const inWindow = resolved.filter(
    (r) => r.resolved_at_ms! <= r.success_time_ms + WINDOW_MS,
  ).length;
  const failedErrcodes: Record<string, number> = {};
  for (const row of failed) {
    const key = String(row.last_errcode ?? 'none');
    failedErrcodes[key] = (failedErrcodes[key] ?? 0) + 1;
  }
  const attempts = rows.map((r) => r.attempts);
  const shareResolvedInWindow = inWindow / sent;
  return {
    options,
    acknowledged: run.acknowledged,
    rejected: run.rejected,
    sendRate: (sent / run.sendMs) * 1000,
    timeToSettleAllMs: lastSettled - run.firstSend,
    timeToResolveAllMs: resolved.length === sent ? lastSettled - run.firstSend : null,
    notifyToUnionidMs: spread(notifyToUnionid),
    payToUnionidMs: spread(payToUnionid),
    signToSendS: { median: median(signToSend), max: Math.max(...signToSend) },
    statuses: {
      resolved: resolved.length,
      failed: failed.length,
      pending: pending.length,
      missing: sent - rows.length,
    },
    shareResolvedInWindow,
    failedErrcodes,
    lookupSlicesPerPayment: {
      mean: attempts.reduce((a, b) => a + b, 0) / Math.max(1, attempts.length),
      max: Math.max(...attempts),
    },
    sandbox: run.sandbox,
    appCpuS: run.appCpuS,
    targetMet: shareResolvedInWindow === 1,
  };
}

/** The lookup settings the app ran with, and whether they were its defaults. */
function appSettings(appEnv: Record<string, string>): string {
  const setting = (name: keyof typeof ENV_DEFAULTS) =>
    `${name} ${appEnv[name] ?? ENV_DEFAULTS[name]}${appEnv[name] === undefined ? '' : ' (overridden)'}`;
  const others = Object.keys(appEnv).filter(
    (name) => !['LOOKUP_CONCURRENCY', 'LOOKUP_POLL_MS', 'LOOKUP_SLICE_MS'].includes(name),
  );
  return [
    Object.keys(appEnv).length === 0
      ? 'embedded defaults: SQLite, in-process lookups'
      : 'SQLite, in-process lookups',
    setting('LOOKUP_CONCURRENCY'),
    setting('LOOKUP_POLL_MS'),
    setting('LOOKUP_SLICE_MS'),
    ...others.map((name) => `${name}=${appEnv[name]} (overridden)`),
  ].join(', ');
}

/** Summary-table rows of benchmark 4. */
export function drainSummaryRows(result: DrainResult): string[][] {
  const total =
    result.timeToResolveAllMs === null
      ? `not all resolved; settled in ${formatNumber(result.timeToSettleAllMs / 1000, 1)} s`
      : `all resolved in ${formatNumber(result.timeToResolveAllMs / 1000, 1)} s`;
  return [
    [
      '4. Drain under faults',
      `${formatNumber(result.options.payments)} payments, ${result.options.busyRate * 100} % -1` +
        `${Object.keys(result.options.appEnv).length > 0 ? ' (app env overridden)' : ''}: ${total}; notify→unionid p50 ` +
        `${formatNumber(result.notifyToUnionidMs.p50 / 1000, 1)} s, p99 ${formatNumber(result.notifyToUnionidMs.p99 / 1000, 1)} s`,
      '-',
      `${formatShare(result.shareResolvedInWindow)} resolved inside the 5-minute window`,
      '100 %',
      result.targetMet ? 'met' : 'NOT met',
    ],
  ];
}

/** The detailed section of benchmark 4. */
export function drainMarkdown(result: DrainResult): string {
  const s = (ms: number) => `${formatNumber(ms / 1000, 1)} s`;
  return [
    '### 4. Drain under faults',
    '',
    `${formatNumber(result.options.payments)} distinct paid notifications sent to the app (${appSettings(result.options.appEnv)}) ` +
      `${result.options.senders} at a time, as fast as it ` +
      `acknowledged them; the sandbox (own process, clock following real time) answered ${result.options.busyRate * 100} % of ` +
      "getpaidunionid calls `-1`. Per-payment times come from the app's own `payments` rows (`resolved_at_ms`), read from the " +
      'SQLite file read-only; "notify" is when the notification was sent.',
    '',
    markdownTable(
      ['metric', 'value'],
      [
        [
          'acknowledged / rejected',
          `${result.acknowledged} / ${result.rejected} (${formatNumber(result.sendRate)} notifications/s while sending)`,
        ],
        [
          'time to resolve all',
          result.timeToResolveAllMs === null
            ? `not all resolved (last settled after ${s(result.timeToSettleAllMs)})`
            : s(result.timeToResolveAllMs),
        ],
        [
          'notify → unionid p50 / p99 / max',
          `${s(result.notifyToUnionidMs.p50)} / ${s(result.notifyToUnionidMs.p99)} / ${s(result.notifyToUnionidMs.max)}`,
        ],
        [
          'success_time → unionid p50 / p99 / max',
          `${s(result.payToUnionidMs.p50)} / ${s(result.payToUnionidMs.p99)} / ${s(result.payToUnionidMs.max)}`,
        ],
        [
          'success_time → sent (each notification is signed just before it is sent)',
          `median ${formatNumber(result.signToSendS.median, 1)} s, max ${formatNumber(result.signToSendS.max, 1)} s`,
        ],
        [
          'resolved / failed / pending / missing',
          `${result.statuses.resolved} / ${result.statuses.failed} / ${result.statuses.pending} / ${result.statuses.missing}`,
        ],
        ['resolved inside success_time + 5 min', formatShare(result.shareResolvedInWindow)],
        [
          'failed payments by last errcode',
          Object.keys(result.failedErrcodes).length === 0
            ? '-'
            : JSON.stringify(result.failedErrcodes),
        ],
        [
          'lookup slices per payment (mean / max)',
          `${formatNumber(result.lookupSlicesPerPayment.mean, 2)} / ${result.lookupSlicesPerPayment.max}`,
        ],
        [
          'getpaidunionid calls (successful)',
          `${result.sandbox.lookups} (${result.sandbox.successful})`,
        ],
        ['upstream token fetches', String(result.sandbox.tokenFetches)],
        ['app CPU during the drain', `${formatNumber(result.appCpuS, 1)} s`],
      ],
    ),
    '',
    `Target: 100 % resolved inside the window: **${result.targetMet ? 'met' : 'NOT met'}**.`,
  ].join('\n');
}
