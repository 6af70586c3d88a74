import type { WechatSandbox } from '@app/wechat-sandbox';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sandboxEnvironment } from '../../apps/payment-notify/src/testing';
import { stopChild } from './child-process.util';
import { freePort } from './free-port.util';
import { APP_ENTRY } from './repo-paths';

/** What `sandboxEnvironment` shortens for the e2e specs; the benchmarks keep the app's defaults. */
const TEST_ONLY_SETTINGS = ['LOOKUP_POLL_MS', 'LOOKUP_SLICE_MS', 'WECHAT_TIMEOUT_MS', 'LOG_LEVEL'];

/**
 * The app's environment on its embedded defaults (SQLite file, in-process lookups, default
 * lookup timings and log level) pointing at `sandboxUrl`: only what the app requires is set.
 */
export function defaultAppEnvironment(
  sandboxUrl: string,
  overrides: Record<string, string> = {},
): { env: Record<string, string>; dir: string; databasePath: string } {
  const { env, dir } = sandboxEnvironment({ url: sandboxUrl } as Pick<WechatSandbox, 'url'>);
  for (const name of TEST_ONLY_SETTINGS) delete env[name];
  const merged = { ...env, ...overrides };
  const databasePath = merged.DATABASE_URL.replace(/^sqlite:/, '');
  return { env: merged, dir, databasePath };
}

/** The built app (`dist/apps/payment-notify/...`) as a child process. */
export class AppServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly logFile: string,
  ) {}

  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * Starts the app on a free port with `env` (plus `NODE_ENV=production`), its output in
   * `logFile`, and resolves once `GET /health` answers 200.
   */
  static async start(
    env: Record<string, string>,
    logFile: string,
    nodeArgs: string[] = [],
  ): Promise<AppServerProcess> {
    if (!existsSync(APP_ENTRY)) {
      throw new Error(`${APP_ENTRY} is missing: run npm run build:app`);
    }
    const port = await freePort();
    const out = openSync(logFile, 'a');
    const child = spawn(process.execPath, [...nodeArgs, APP_ENTRY], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env, PORT: String(port) },
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    const url = `http://127.0.0.1:${port}`;
    const app = new AppServerProcess(child, url, logFile);
    const giveUpAt = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null || Date.now() > giveUpAt) {
        child.kill('SIGKILL');
        throw new Error(`the app did not start:\n${app.logTail()}`);
      }
      const healthy = await fetch(`${url}/health`)
        .then((response) => response.status === 200)
        .catch(() => false);
      if (healthy) return app;
      await sleep(100);
    }
  }

  /** SIGTERM (graceful: the app closes its database and exits 0), SIGKILL after 20 s. */
  stop(): Promise<void> {
    return stopChild(this.child, 'SIGTERM', 20_000);
  }

  /** The last lines the app wrote (for error messages). */
  logTail(lines = 30): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no output)';
    }
  }
}

/** Temp file names inside an environment folder. */
export const appLogFile = (dir: string, name = 'app.log'): string => join(dir, name);
