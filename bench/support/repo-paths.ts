import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nest-cli.json')) && existsSync(join(dir, 'package.json'))) {
      return dir;
    }
    if (dirname(dir) === dir) {
      throw new Error(`no repository root above ${from}`);
    }
  }
}

/** The repository checkout the benchmarks run in. */
export const REPO_ROOT = findRepoRoot(__dirname);

/** The compiled benchmark folder (`dist/bench/bench`): child-process entries live under it. */
export const BENCH_DIST = resolve(__dirname, '..');

/** The built app (`npm run build:app`). */
export const APP_ENTRY = join(
  REPO_ROOT,
  'dist/apps/payment-notify/apps/payment-notify/src/main.js',
);

/** Where `latest.json` and `latest.md` go (gitignored). */
export const RESULTS_DIR = join(REPO_ROOT, 'bench/results');

/** A compiled child-process entry, e.g. `benchEntry('ingest/baseline-server.js')`. */
export const benchEntry = (relative: string): string => join(BENCH_DIST, relative);
