import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The built app's entry (`npm run build:app`; `npm test` builds it first). */
export const APP_ENTRY = join(
  __dirname,
  '../../dist/apps/payment-notify/apps/payment-notify/src/main.js',
);

/** The app as a separate process, for what only a real process shows: crashes, signals, exit codes. */
export class AppProcess {
  readonly output: string[] = [];
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(private readonly child: ChildProcess) {
    // A chunk may end inside a line: keep the rest until its newline (or the stream's end).
    const collector = () => {
      let partial = '';
      return {
        data: (chunk: string) => {
          const lines = (partial + chunk).split('\n');
          partial = lines.pop() ?? '';
          this.output.push(...lines.filter(Boolean));
        },
        end: () => {
          if (partial) this.output.push(partial);
          partial = '';
        },
      };
    };
    for (const stream of [child.stdout, child.stderr]) {
      const { data, end } = collector();
      // Decoded as a stream, so a character split across chunks stays whole.
      stream?.setEncoding('utf8');
      stream?.on('data', data);
      stream?.on('end', end);
    }
    this.exited = new Promise((resolve) =>
      // 'close' comes after the output streams ended, so `output` is complete by then.
      child.on('close', (code, signal) => resolve({ code, signal })),
    );
  }

  /** Spawns the app (or another built `entry`); does not wait for it to be ready. */
  static spawn(env: Record<string, string>, entry = APP_ENTRY): AppProcess {
    if (!existsSync(entry)) {
      throw new Error(`${entry} is missing: run npm run build:app (npm test builds it first)`);
    }
    const child = spawn(process.execPath, [entry], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new AppProcess(child);
  }

  /** Spawns the app and resolves with its URL once it logged that it listens. */
  static async start(
    env: Record<string, string>,
    timeoutMs = 20_000,
  ): Promise<{ app: AppProcess; url: string }> {
    const app = AppProcess.spawn(env);
    const until = Date.now() + timeoutMs;
    for (;;) {
      const ready = app.output
        .map((line) => /listening on http:\/\/0\.0\.0\.0:(\d+)/.exec(line))
        .find(Boolean);
      if (ready) {
        return { app, url: `http://127.0.0.1:${ready[1]}` };
      }
      if (app.child.exitCode !== null || Date.now() > until) {
        app.child.kill('SIGKILL');
        throw new Error(`the app did not start:\n${app.output.join('\n')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  exit(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.exited;
  }
}
