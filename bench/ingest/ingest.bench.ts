import { TEST_MERCHANT, TEST_WECHATPAY_PUBLIC_KEY } from '@app/wechat-sandbox';
import { PAID_UNIONID_CAPTURE_DEFAULTS } from '@app/paid-unionid-capture';
import Database from 'better-sqlite3';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  AppServerProcess,
  appLogFile,
  benchEntry,
  cpuDelta,
  cpuSnapshot,
  defaultAppEnvironment,
  forkEntry,
  median,
  nextMessage,
  progress,
  request,
  REPO_ROOT,
  RESULTS_DIR,
  SandboxProcess,
  signNotifications,
  stopChild,
  summarizeCpuProfile,
  writePool,
  type IpcMessage,
  type PoolFiles,
  type ProfileSummary,
} from '../support';
import type { BaselineOptions } from './baseline-notify.handler';
import type {
  LoadGeneratorOptions,
  PhaseResultMessage,
  RunPhaseMessage,
} from './load-generator.main';

/** Which server a run measures. */
export type IngestServer = 'baseline' | 'app' | 'app-lookups-held';

export interface IngestOptions {
  rounds: number;
  warmupS: number;
  measureS: number;
  connections: number;
  /** Notifications signed for the first round; later rounds size it from what was used. */
  poolSize: number;
  /** Also measure the app with every lookup held by the sandbox (informational). */
  lookupsHeldVariant: boolean;
  /** CPU-profile the app under load: always, never, or when the target is missed. */
  profile: 'auto' | 'always' | 'never';
  /** Extra app environment (experiments only: the reported runs use the embedded defaults). */
  appEnv: Record<string, string>;
}

export const INGEST_DEFAULTS: IngestOptions = {
  rounds: 3,
  warmupS: 3,
  measureS: 10,
  connections: 32,
  poolSize: 70_000,
  lookupsHeldVariant: true,
  profile: 'auto',
  appEnv: {},
};

/** Target of the issue: the app handles at least 0.5x the notifications per second of the baseline. */
export const INGEST_TARGET_RATIO = 0.5;
/** ... and spends at most 2x its CPU per payment (baseline CPU ÷ app CPU >= 0.5). */
export const INGEST_CPU_TARGET_RATIO = 0.5;

/** One measured run: one fresh server process on a fresh database. */
export interface IngestRun {
  server: IngestServer;
  round: number;
  reqPerSec: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Server CPU (user + system, all threads) per acknowledged notification, in µs. */
  serverCpuUsPerReq: number;
  /** CPU use during the measured window, % of one core. */
  cpuPercent: { server: number; loadGenerator: number; sandbox: number };
  measured: { ok2xx: number; non2xx: number; errors: number; timeouts: number; durationS: number };
  warmup: { ok2xx: number; non2xx: number; errors: number };
  /** Rows in `payments` after the run, by status (the app resolves rows as it goes). */
  rows: { total: number; pending: number; resolved: number; failed: number };
  /** getpaidunionid calls the sandbox received (app runs). */
  sandboxLookups: number;
  poolUsed: number;
  poolReused: number;
  valid: boolean;
  problems: string[];
}

interface ServerSummary {
  reqPerSec: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  serverCpuUsPerReq: number;
}

export interface IngestResult {
  options: IngestOptions;
  runs: IngestRun[];
  baseline: ServerSummary;
  app: ServerSummary;
  appLookupsHeld?: ServerSummary;
  /** app ÷ baseline req/s in each round. */
  roundRatios: number[];
  /** Median of the per-round ratios: the reported figure. */
  ratio: number;
  /** Median app req/s ÷ median baseline req/s (cross-check). */
  ratioOfMedians: number;
  /** baseline CPU/notification ÷ app CPU/notification (medians). */
  cpuRatio: number;
  heldRatio?: number;
  targetMet: boolean;
  allRunsValid: boolean;
  /** The app under the same load, then the app with lookups held (its ingest path alone). */
  profiles?: { server: IngestServer; summary: ProfileSummary & { file: string } }[];
}

interface ServerHandle {
  url: string;
  pid: number | undefined;
  sandbox?: SandboxProcess;
  databasePath: string;
  stop(): Promise<void>;
}

interface ReadyMessage extends IpcMessage {
  type: 'ready';
  port: number;
}

const ROTATION: IngestServer[] = ['baseline', 'app', 'app-lookups-held'];

/**
 * Benchmark 1: notify ingest. Load from a separate autocannon process (distinct, validly signed
 * notifications) against the app on its embedded defaults, and against a bare `node:http`
 * baseline doing the same work; fresh server and database per run, servers alternating, medians.
 */
export async function runIngestBench(options: IngestOptions): Promise<IngestResult> {
  const work = mkdtempSync(join(tmpdir(), 'bench-ingest-'));
  try {
    progress('ingest: creating the SQLite template with the app migrations');
    const template = await createTemplateDatabase(work);
    const servers = ROTATION.filter((s) => s !== 'app-lookups-held' || options.lookupsHeldVariant);
    const runs: IngestRun[] = [];
    let poolSize = options.poolSize;
    for (let round = 1; round <= options.rounds; round += 1) {
      let poolDir = mkdtempSync(join(work, `pool-${round}-`));
      let pool = await signPool(poolSize, poolDir, round);
      const order = servers.map((_, i) => servers[(i + round - 1) % servers.length]);
      for (const server of order) {
        let run = await measureOnce(server, round, options, pool, template, work);
        if (run.poolReused > 0) {
          // Never measure re-sent (duplicate, cheaper) notifications: re-sign more and redo the run.
          poolSize = Math.ceil(run.poolUsed * 1.5);
          progress(`ingest: the pool ran out (${run.poolUsed} used); redoing with ${poolSize}`);
          rmSync(poolDir, { recursive: true, force: true });
          poolDir = mkdtempSync(join(work, `pool-${round}-`));
          pool = await signPool(poolSize, poolDir, round);
          run = await measureOnce(server, round, options, pool, template, work);
        }
        runs.push(run);
        progress(
          `ingest: round ${round} ${server}: ${run.reqPerSec.toFixed(0)} req/s, p50 ${run.latencyP50Ms} ms, ` +
            `p99 ${run.latencyP99Ms} ms, ${run.serverCpuUsPerReq.toFixed(0)} µs CPU/notification` +
            (run.valid ? '' : ` INVALID: ${run.problems.join('; ')}`),
        );
      }
      rmSync(poolDir, { recursive: true, force: true });
      const used = Math.max(...runs.map((r) => r.poolUsed));
      poolSize = Math.max(20_000, Math.ceil(used * 1.6));
    }
    const result = summarize(options, runs);
    const wantProfile =
      options.profile === 'always' || (options.profile === 'auto' && !result.targetMet);
    if (wantProfile) {
      const used = (server: IngestServer) =>
        Math.max(0, ...runs.filter((r) => r.server === server).map((r) => r.poolUsed));
      const profiled: IngestServer[] = servers.filter((server) => server !== 'baseline');
      // The baseline's profile last: the same work without the framework, for comparison.
      profiled.push('baseline');
      result.profiles = [];
      for (const server of profiled) {
        result.profiles.push({
          server,
          summary: await profileServer(
            server,
            options,
            Math.ceil(used(server) * 1.5) + 5000,
            template,
            work,
          ),
        });
      }
    }
    return result;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function signPool(size: number, dir: string, round: number): Promise<PoolFiles> {
  progress(`ingest: round ${round}: signing ${size} distinct notifications on worker threads`);
  const started = Date.now();
  const pool = await signNotifications(size);
  const files = writePool(pool, dir);
  progress(`ingest: signed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return files;
}

/** A database with the app's schema, created by the app itself (its migrations). */
async function createTemplateDatabase(work: string): Promise<string> {
  const path = join(work, 'template.sqlite');
  const { env, dir } = defaultAppEnvironment('http://127.0.0.1:9', {
    DATABASE_URL: `sqlite:${path}`,
  });
  const app = await AppServerProcess.start(env, appLogFile(work, 'template-app.log'));
  await app.stop();
  rmSync(dir, { recursive: true, force: true });
  const db = new Database(path);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return path;
}

async function startServer(
  server: IngestServer,
  pool: PoolFiles,
  template: string,
  runDir: string,
  appEnv: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<ServerHandle> {
  const sandbox = await SandboxProcess.start({
    paymentsFile: pool.paymentsFile,
    realTimeClock: true,
    seed: 1,
    ...(server === 'app-lookups-held' ? { faults: { hang: true } } : {}),
  });
  if (server === 'baseline') {
    const databasePath = join(runDir, 'baseline.sqlite');
    copyFileSync(template, databasePath);
    // The app's credentials and its default lookup concurrency: the same job end to end.
    const { env, dir } = defaultAppEnvironment(sandbox.url);
    rmSync(dir, { recursive: true, force: true });
    const baselineOptions: BaselineOptions = {
      databasePath,
      publicKeyPem: TEST_WECHATPAY_PUBLIC_KEY.publicKeyPem,
      publicKeyId: TEST_WECHATPAY_PUBLIC_KEY.id,
      apiV3Key: TEST_MERCHANT.apiV3Key,
      mchId: TEST_MERCHANT.mchId,
      lookups: {
        wechatApiBaseUrl: sandbox.url,
        appId: env.WECHAT_APPID,
        secret: env.WECHAT_SECRET,
        concurrency: PAID_UNIONID_CAPTURE_DEFAULTS.concurrency,
      },
    };
    const child: ChildProcess = forkEntry(
      benchEntry('ingest/baseline-server.main.js'),
      [JSON.stringify(baselineOptions)],
      { env: { ...process.env, NODE_ENV: 'production' }, execArgv: nodeArgs },
    );
    const ready = await nextMessage<ReadyMessage>(child, 'ready').catch(async (error: unknown) => {
      await sandbox.stop();
      throw error;
    });
    return {
      url: `http://127.0.0.1:${ready.port}`,
      pid: child.pid,
      sandbox,
      databasePath,
      stop: async () => {
        await stopChild(child);
        await sandbox.stop();
      },
    };
  }
  const databasePath = join(runDir, 'app.sqlite');
  const { env, dir } = defaultAppEnvironment(sandbox.url, {
    ...appEnv,
    DATABASE_URL: `sqlite:${databasePath}`,
  });
  const app = await AppServerProcess.start(env, appLogFile(runDir), nodeArgs).catch(
    async (error: unknown) => {
      await sandbox.stop();
      throw error;
    },
  );
  return {
    url: app.url,
    pid: app.pid,
    sandbox,
    databasePath,
    stop: async () => {
      await app.stop();
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface LoadPhases {
  warmup: PhaseResultMessage;
  measure: PhaseResultMessage;
  cpuMs: Record<string, number>;
  wallMs: number;
  windowUs: [number, number];
}

async function applyLoad(
  handle: ServerHandle,
  pool: PoolFiles,
  options: IngestOptions,
): Promise<LoadPhases> {
  const loadOptions: LoadGeneratorOptions = {
    url: `${handle.url}/wechatpay/notify`,
    requestsFile: pool.requestsFile,
    connections: options.connections,
  };
  const load = forkEntry(benchEntry('ingest/load-generator.main.js'), [
    JSON.stringify(loadOptions),
  ]);
  try {
    await nextMessage(load, 'loaded', 120_000);
    const phase = (name: RunPhaseMessage['phase'], durationS: number) =>
      request<PhaseResultMessage>(
        load,
        { type: 'run', phase: name, durationS },
        'phase-done',
        (durationS + 60) * 1000,
      );
    const warmup = await phase('warmup', options.warmupS);
    const pids = { server: handle.pid, loadGenerator: load.pid, sandbox: handle.sandbox?.pid };
    const before = cpuSnapshot(pids);
    const fromUs = Number(process.hrtime.bigint() / 1000n);
    const started = performance.now();
    const measure = await phase('measure', options.measureS);
    const wallMs = performance.now() - started;
    const toUs = Number(process.hrtime.bigint() / 1000n);
    const cpuMs = cpuDelta(before, cpuSnapshot(pids));
    return { warmup, measure, cpuMs, wallMs, windowUs: [fromUs, toUs] };
  } finally {
    await stopChild(load);
  }
}

function countRows(databasePath: string): IngestRun['rows'] {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare('SELECT status, COUNT(*) AS count FROM paid_unionid_payments GROUP BY status')
      .all() as { status: string; count: number }[];
    const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.count]));
    const pending = byStatus.pending ?? 0;
    const resolved = byStatus.resolved ?? 0;
    const failed = byStatus.failed ?? 0;
    return { total: pending + resolved + failed, pending, resolved, failed };
  } finally {
    db.close();
  }
}

async function measureOnce(
  server: IngestServer,
  round: number,
  options: IngestOptions,
  pool: PoolFiles,
  template: string,
  work: string,
): Promise<IngestRun> {
  const runDir = mkdtempSync(join(work, `${server}-${round}-`));
  const handle = await startServer(server, pool, template, runDir, options.appEnv);
  let phases: LoadPhases;
  let sandboxLookups = 0;
  try {
    phases = await applyLoad(handle, pool, options);
    if (handle.sandbox) sandboxLookups = (await handle.sandbox.counters()).lookups;
  } finally {
    await handle.stop();
  }
  const rows = countRows(handle.databasePath);
  rmSync(runDir, { recursive: true, force: true });
  const { warmup, measure, cpuMs, wallMs } = phases;
  const problems: string[] = [];
  if (measure.non2xx + measure.errors + measure.timeouts + warmup.non2xx + warmup.errors > 0) {
    problems.push(
      `non-2xx/errors/timeouts: ${warmup.non2xx + measure.non2xx}/${warmup.errors + measure.errors}/${measure.timeouts} (${JSON.stringify(measure.statusCodes)})`,
    );
  }
  if (measure.reused > 0) problems.push(`pool exhausted: ${measure.reused} notifications re-sent`);
  if (rows.total < warmup.ok2xx + measure.ok2xx) {
    problems.push(`only ${rows.total} rows for ${warmup.ok2xx + measure.ok2xx} acknowledged`);
  }
  const percent = (ms: number) => (Number.isFinite(ms) ? (ms / wallMs) * 100 : NaN);
  return {
    server,
    round,
    reqPerSec: measure.ok2xx / measure.durationS,
    latencyP50Ms: measure.latencyP50Ms,
    latencyP99Ms: measure.latencyP99Ms,
    serverCpuUsPerReq: (cpuMs.server * 1000) / measure.ok2xx,
    cpuPercent: {
      server: percent(cpuMs.server),
      loadGenerator: percent(cpuMs.loadGenerator),
      sandbox: percent(cpuMs.sandbox),
    },
    measured: {
      ok2xx: measure.ok2xx,
      non2xx: measure.non2xx,
      errors: measure.errors,
      timeouts: measure.timeouts,
      durationS: measure.durationS,
    },
    warmup: { ok2xx: warmup.ok2xx, non2xx: warmup.non2xx, errors: warmup.errors },
    rows,
    sandboxLookups,
    poolUsed: measure.used,
    poolReused: measure.reused,
    valid: problems.length === 0,
    problems,
  };
}

function summarizeServer(runs: IngestRun[]): ServerSummary {
  return {
    reqPerSec: median(runs.map((r) => r.reqPerSec)),
    latencyP50Ms: median(runs.map((r) => r.latencyP50Ms)),
    latencyP99Ms: median(runs.map((r) => r.latencyP99Ms)),
    serverCpuUsPerReq: median(runs.map((r) => r.serverCpuUsPerReq)),
  };
}

function summarize(options: IngestOptions, runs: IngestRun[]): IngestResult {
  const of = (server: IngestServer) => runs.filter((r) => r.server === server);
  const baseline = summarizeServer(of('baseline'));
  const app = summarizeServer(of('app'));
  const held = of('app-lookups-held');
  const roundRatio = (server: IngestServer) =>
    Array.from({ length: options.rounds }, (_, i) => {
      const a = runs.find((r) => r.server === server && r.round === i + 1);
      const b = runs.find((r) => r.server === 'baseline' && r.round === i + 1);
      return a && b ? a.reqPerSec / b.reqPerSec : NaN;
    });
  const roundRatios = roundRatio('app');
  const ratio = median(roundRatios);
  return {
    options,
    runs,
    baseline,
    app,
    ...(held.length > 0
      ? { appLookupsHeld: summarizeServer(held), heldRatio: median(roundRatio('app-lookups-held')) }
      : {}),
    roundRatios,
    ratio,
    ratioOfMedians: app.reqPerSec / baseline.reqPerSec,
    cpuRatio: baseline.serverCpuUsPerReq / app.serverCpuUsPerReq,
    targetMet:
      ratio >= INGEST_TARGET_RATIO &&
      baseline.serverCpuUsPerReq / app.serverCpuUsPerReq >= INGEST_CPU_TARGET_RATIO,
    allRunsValid: runs.every((r) => r.valid),
  };
}

/** One extra run under `node --cpu-prof` (not counted): where the server's CPU goes under load. */
async function profileServer(
  server: IngestServer,
  options: IngestOptions,
  poolSize: number,
  template: string,
  work: string,
): Promise<ProfileSummary & { file: string }> {
  const runDir = mkdtempSync(join(work, 'profile-'));
  const pool = await signPool(poolSize, runDir, 0);
  const profileDir = join(runDir, 'cpuprofile');
  progress(`ingest: profiling ${server} under the same load (node --cpu-prof; not a measurement)`);
  const handle = await startServer(server, pool, template, runDir, options.appEnv, [
    '--cpu-prof',
    `--cpu-prof-dir=${profileDir}`,
  ]);
  let windowUs: [number, number];
  try {
    ({ windowUs } = await applyLoad(handle, pool, options));
  } finally {
    await handle.stop();
  }
  const profiles = existsSync(profileDir)
    ? readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'))
    : [];
  if (profiles.length === 0) throw new Error('the app wrote no .cpuprofile');
  mkdirSync(RESULTS_DIR, { recursive: true });
  const kept = join(RESULTS_DIR, `ingest-${server}.cpuprofile`);
  copyFileSync(join(profileDir, profiles[0]), kept);
  rmSync(runDir, { recursive: true, force: true });
  return {
    ...summarizeCpuProfile(kept, windowUs[0], windowUs[1]),
    file: relative(REPO_ROOT, kept),
  };
}
