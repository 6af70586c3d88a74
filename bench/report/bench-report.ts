import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientPathMarkdown, clientPathSummaryRows, type ClientPathResult } from '../client';
import { drainMarkdown, drainSummaryRows, type DrainResult } from '../drain';
import { ingestMarkdown, ingestSummaryRows, type IngestResult } from '../ingest';
import { markdownTable, RESULTS_DIR, type MachineInfo } from '../support';
import { tokenEconomyMarkdown, tokenEconomySummaryRows, type TokenEconomyResult } from '../tokens';

/** The benchmarks, in the order `npm run bench` runs them. */
export const BENCHMARKS = ['ingest', 'client', 'tokens', 'drain'] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

/** Everything one `npm run bench` invocation measured (the JSON file). */
export interface BenchResults {
  machine: MachineInfo;
  command: string;
  ingest?: IngestResult;
  client?: ClientPathResult;
  tokens?: TokenEconomyResult;
  drain?: DrainResult;
  errors: Partial<Record<BenchmarkName, string>>;
  finishedAt?: string;
}

/** The markdown report: summary table, then one section per benchmark. */
export function render(results: BenchResults): string {
  const m = results.machine;
  const summary: string[][] = [
    ...(results.ingest ? ingestSummaryRows(results.ingest) : []),
    ...(results.client ? clientPathSummaryRows(results.client) : []),
    ...(results.tokens ? tokenEconomySummaryRows(results.tokens) : []),
    ...(results.drain ? drainSummaryRows(results.drain) : []),
    ...Object.entries(results.errors).map(([name, message]) => [
      name,
      `FAILED: ${message}`,
      '-',
      '-',
      '-',
      'error',
    ]),
  ];
  return [
    `## Benchmark results (${m.date.slice(0, 10)})`,
    '',
    `Machine: ${m.vcpus} vCPU ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.os}; Node ${m.node} (OpenSSL ${m.openssl}); ` +
      `commit ${m.gitCommit}${m.gitDirtyFiles > 0 ? ` + ${m.gitDirtyFiles} uncommitted file(s)` : ''}; ` +
      `1-min load average at start ${m.loadAverageAtStart}. Command: \`${results.command}\`.`,
    '',
    markdownTable(
      ['benchmark', 'measured', 'baseline', 'ratio / result', 'target', 'verdict'],
      summary,
    ),
    '',
    ...(results.ingest ? [ingestMarkdown(results.ingest), ''] : []),
    ...(results.client ? [clientPathMarkdown(results.client), ''] : []),
    ...(results.tokens ? [tokenEconomyMarkdown(results.tokens), ''] : []),
    ...(results.drain ? [drainMarkdown(results.drain), ''] : []),
  ].join('\n');
}

/**
 * `latest.*` (and `<name>.json`) hold measurements on the embedded defaults; a run with
 * `--app-env` overrides goes to `experiment.*` and a `--quick` smoke run to `quick.*`, so
 * neither replaces those figures.
 */
export function save(
  results: BenchResults,
  markdown: string,
  kind: 'latest' | 'experiment' | 'quick',
): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${kind}.json`), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(RESULTS_DIR, `${kind}.md`), `${markdown}\n`);
  if (kind !== 'latest') return kind;
  for (const name of BENCHMARKS) {
    if (results[name]) {
      writeFileSync(
        join(RESULTS_DIR, `${name}.json`),
        `${JSON.stringify({ machine: results.machine, [name]: results[name] }, null, 2)}\n`,
      );
    }
  }
  return kind;
}
