import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { stopChild } from './child-process.util';
import { freePort } from './free-port.util';

/** A throwaway `redis-server` on a free loopback port (no persistence), like the e2e specs use. */
export class RedisServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly url: string,
  ) {}

  /** `undefined` when `redis-server` is not installed. */
  static async start(): Promise<RedisServerProcess | undefined> {
    const binary = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
    if (binary.status !== 0) return undefined;
    const dir = mkdtempSync(join(tmpdir(), 'bench-redis-'));
    const port = await freePort();
    const child = spawn(
      binary.stdout.trim(),
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ],
      { stdio: 'ignore' },
    );
    const url = `redis://127.0.0.1:${port}`;
    const giveUpAt = Date.now() + 15_000;
    while (!(await answersPing(url))) {
      if (Date.now() > giveUpAt) {
        child.kill('SIGKILL');
        throw new Error('redis-server did not start');
      }
      await sleep(50);
    }
    return new RedisServerProcess(child, dir, url);
  }

  async stop(): Promise<void> {
    await stopChild(this.child, 'SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function answersPing(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined); // refused until the server is up: expected
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
