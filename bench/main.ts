import { join } from 'node:path';
import { CLIENT_PATH_DEFAULTS, runClientPathBench } from './client';
import { DRAIN_DEFAULTS, runDrainBench } from './drain';
import { INGEST_DEFAULTS, runIngestBench, type IngestOptions } from './ingest';
import { BENCHMARKS, render, save, type BenchmarkName, type BenchResults } from './report';
import { machineInfo, progress, RESULTS_DIR } from './support';
import { runTokenEconomyBench, TOKEN_ECONOMY_DEFAULTS } from './tokens';

const USAGE =
  'usage: node dist/bench/bench/main.js [ingest] [client] [tokens] [drain] ' +
  '[--rounds N] [--warmup-s N] [--measure-s N] [--drain-payments N] [--profile auto|always|never] ' +
  '[--no-held] [--app-env NAME=VALUE]... [--quick]';

interface CliOptions {
  benchmarks: BenchmarkName[];
  quick: boolean;
  ingest: IngestOptions;
  client: typeof CLIENT_PATH_DEFAULTS;
  tokens: typeof TOKEN_ECONOMY_DEFAULTS;
  drain: typeof DRAIN_DEFAULTS;
}

function parseArgs(argv: string[]): CliOptions {
  const options: CliOptions = {
    benchmarks: [],
    quick: false,
    ingest: { ...INGEST_DEFAULTS, appEnv: {} },
    client: { ...CLIENT_PATH_DEFAULTS },
    tokens: { ...TOKEN_ECONOMY_DEFAULTS },
    drain: { ...DRAIN_DEFAULTS, appEnv: {} },
  };
  const positiveInt = (value: string | undefined, flag: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0)
      throw new Error(`${flag} needs a positive integer; ${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if ((BENCHMARKS as readonly string[]).includes(arg)) {
      options.benchmarks.push(arg as BenchmarkName);
      continue;
    }
    switch (arg) {
      case '--rounds': {
        const rounds = positiveInt(argv[++i], arg);
        options.ingest.rounds = rounds;
        options.client.rounds = rounds;
        options.tokens.rounds = rounds;
        break;
      }
      case '--warmup-s':
        options.ingest.warmupS = positiveInt(argv[++i], arg);
        break;
      case '--measure-s':
        options.ingest.measureS = positiveInt(argv[++i], arg);
        break;
      case '--drain-payments':
        options.drain.payments = positiveInt(argv[++i], arg);
        break;
      case '--profile': {
        const mode = argv[++i];
        if (mode !== 'auto' && mode !== 'always' && mode !== 'never') throw new Error(USAGE);
        options.ingest.profile = mode;
        options.client.profile = mode;
        break;
      }
      case '--app-env': {
        // Experiments only (e.g. a lookup setting): the run then no longer measures the defaults.
        const pair = argv[++i] ?? '';
        const eq = pair.indexOf('=');
        if (eq <= 0) throw new Error(`--app-env needs NAME=VALUE; ${USAGE}`);
        options.ingest.appEnv[pair.slice(0, eq)] = pair.slice(eq + 1);
        options.drain.appEnv[pair.slice(0, eq)] = pair.slice(eq + 1);
        break;
      }
      case '--no-held':
        options.ingest.lookupsHeldVariant = false;
        break;
      case '--quick':
        // A smoke run of the whole pipeline; its figures are not worth reporting (quick.* files).
        options.quick = true;
        options.ingest.profile = options.ingest.profile === 'always' ? 'always' : 'never';
        options.client.profile = options.client.profile === 'always' ? 'always' : 'never';
        Object.assign(options.ingest, { rounds: 1, warmupS: 1, measureS: 3, poolSize: 30_000 });
        Object.assign(options.client, { rounds: 1, warmupCalls: 500, calls: 3000 });
        Object.assign(options.tokens, { rounds: 1 });
        Object.assign(options.drain, { payments: 1000 });
        break;
      default:
        throw new Error(`unknown argument ${arg}; ${USAGE}`);
    }
  }
  if (options.benchmarks.length === 0) options.benchmarks = [...BENCHMARKS];
  return options;
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const results: BenchResults = {
    machine: machineInfo(),
    command: [
      'npm run bench',
      ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : []),
    ].join(' '),
    errors: {},
  };
  const runners: Record<BenchmarkName, () => Promise<void>> = {
    ingest: async () => {
      results.ingest = await runIngestBench(options.ingest);
    },
    client: async () => {
      results.client = await runClientPathBench(options.client);
    },
    tokens: async () => {
      results.tokens = await runTokenEconomyBench(options.tokens);
    },
    drain: async () => {
      results.drain = await runDrainBench(options.drain);
    },
  };
  for (const name of options.benchmarks) {
    progress(`${name}: starting`);
    try {
      await runners[name]();
      progress(`${name}: done`);
    } catch (error) {
      results.errors[name] = error instanceof Error ? error.message : String(error);
      progress(`${name}: FAILED: ${results.errors[name]}`);
    }
  }
  results.finishedAt = new Date().toISOString();
  const markdown = render(results);
  const kind = options.quick
    ? 'quick'
    : Object.keys(options.ingest.appEnv).length > 0
      ? 'experiment'
      : 'latest';
  const base = save(results, markdown, kind);
  process.stdout.write(`${markdown}\n`);
  progress(`results in ${join(RESULTS_DIR, `${base}.json`)} and ${base}.md`);
  return Object.keys(results.errors).length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(2);
  },
);
