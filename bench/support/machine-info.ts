import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';
import { REPO_ROOT } from './repo-paths';

/** Where and on what a benchmark run happened. */
export interface MachineInfo {
  date: string;
  cpuModel: string;
  vcpus: number;
  memoryGiB: number;
  os: string;
  node: string;
  openssl: string;
  /** 1-minute load average when the run started (other work on a shared box shows here). */
  loadAverageAtStart: number;
  gitCommit: string;
  /** Files changed in the working tree when the run started (others may be editing). */
  gitDirtyFiles: number;
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

export function machineInfo(): MachineInfo {
  const status = git(['status', '--porcelain']);
  return {
    date: new Date().toISOString(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    vcpus: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${osType()} ${release()}`,
    node: process.version,
    openssl: process.versions.openssl ?? 'unknown',
    loadAverageAtStart: Math.round(loadavg()[0] * 100) / 100,
    gitCommit: git(['rev-parse', '--short', 'HEAD']) || 'unknown',
    gitDirtyFiles: status === '' ? 0 : status.split('\n').length,
  };
}
