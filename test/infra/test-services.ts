import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startRedisServer } from './redis-server';

export { freePort } from './redis-server';

/** Throwaway Redis and PostgreSQL servers for one test run. */
export interface TestServices {
  redisUrl?: string;
  pgUrl?: string;
  stop(): Promise<void>;
}

const log = (line: string) => process.stderr.write(`[test-services] ${line}\n`);

function which(binary: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

/** PostgreSQL's server binaries live outside PATH on Debian. */
function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  const fromPath = which('initdb');
  if (fromPath) return join(fromPath, '..');
  if (!existsSync(root)) return undefined;
  const version = readdirSync(root)
    .sort()
    .reverse()
    .find((v) => existsSync(join(root, v, 'bin', 'initdb')));
  return version ? join(root, version, 'bin') : undefined;
}

/** initdb refuses to run as root: then run the server tools as the postgres user. */
function asPostgresUser(command: string, args: string[]): [string, string[]] {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  return root ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

async function startPostgres(dir: string): Promise<{ url: string; stop(): void } | undefined> {
  const bin = postgresBinDir();
  if (!bin) return undefined;
  const data = join(dir, 'pg');
  if (process.getuid?.() === 0) chownSync(dir, uidOf('postgres'), gidOf('postgres'));
  const initdb = spawnSync(
    ...asPostgresUser(join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--no-locale',
    ]),
    { encoding: 'utf8' },
  );
  if (initdb.status !== 0) throw new Error(`initdb failed: ${initdb.stderr}`);
  const port = await freePort();
  const options = `-h 127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const start = spawnSync(
    ...asPostgresUser(join(bin, 'pg_ctl'), [
      '-D',
      data,
      '-l',
      join(dir, 'pg.log'),
      '-w',
      '-t',
      '30',
      '-o',
      options,
      'start',
    ]),
    { encoding: 'utf8' },
  );
  if (start.status !== 0) throw new Error(`pg_ctl start failed: ${start.stderr}`);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      spawnSync(
        ...asPostgresUser(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']),
      );
    },
  };
}

const uidOf = (user: string) =>
  Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim());
const gidOf = (user: string) =>
  Number(spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout.trim());

/**
 * Starts what is installed. Missing binaries are reported loudly; with `CI=true` they are an
 * error, so CI never passes by skipping.
 */
export async function startTestServices(): Promise<TestServices> {
  const dir = mkdtempSync(join(tmpdir(), 'test-services-'));
  const redis = await startRedisServer();
  const postgres = await startPostgres(dir);
  const missing = [!redis && 'redis-server', !postgres && 'PostgreSQL (initdb)'].filter(Boolean);
  if (missing.length > 0) {
    const message = `${missing.join(' and ')} not found: the Redis/PostgreSQL suites are SKIPPED`;
    if (process.env.CI === 'true') {
      await redis?.stop();
      postgres?.stop();
      throw new Error(`${message} (CI=true makes that a failure)`);
    }
    log(`WARNING: ${message}. Install redis-server and postgresql to run them.`);
  }
  log(`redis ${redis?.url ?? 'unavailable'}, postgres ${postgres?.url ?? 'unavailable'}`);
  const stop = async () => {
    await redis?.stop();
    postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', () => void stop());
  return { redisUrl: redis?.url, pgUrl: postgres?.url, stop };
}
