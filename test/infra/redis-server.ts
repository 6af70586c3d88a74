import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

/** A throwaway `redis-server` (loopback, no persistence) started by a test or a benchmark. */
export interface RedisServer {
  url: string;
  port: number;
  /** Kills the server (SIGKILL: an outage, not a shutdown) and removes its folder. */
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `redis-server` on `port` (default: a free one) and waits until it answers PING.
 * @returns `undefined` when `redis-server` is not installed.
 */
export async function startRedisServer(port?: number): Promise<RedisServer | undefined> {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  if (found.status !== 0) return undefined;
  const listenOn = port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'redis-server-'));
  const args = [
    '--port',
    String(listenOn),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
  ];
  const child = spawn(found.stdout.trim(), args, { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `redis://127.0.0.1:${listenOn}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const giveUpAt = Date.now() + 15_000;
  while (!(await answersPing(url))) {
    if (Date.now() > giveUpAt) {
      await stop();
      throw new Error('redis-server did not start');
    }
    await sleep(50);
  }
  return { url, port: listenOn, stop };
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
