import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

/** The `.cpuprofile` JSON that `node --cpu-prof` writes. */
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** One line of a profile summary. */
export interface ProfileEntry {
  name: string;
  /** Share of the samples in the window, 0..1. */
  share: number;
  /** Milliseconds of CPU (samples x sampling interval). */
  ms: number;
}

/** Where the app's CPU went while it was under load. */
export interface ProfileSummary {
  /** Samples inside the measured window (or the whole profile, see `wholeProfile`). */
  samples: number;
  windowMs: number;
  /** True when the window could not be matched and the whole profile was used. */
  wholeProfile: boolean;
  /** Self time by area: a package under node_modules, app code, a library of this repo, Node internals, GC... */
  byArea: ProfileEntry[];
  /** Functions with the most self time. */
  topSelf: ProfileEntry[];
  /** Functions of this repository (app and libs) with the most inclusive time (synchronous stacks only). */
  topInclusiveRepo: ProfileEntry[];
}

/** Compiled code of this repository, in the app's or the benchmarks' build output. */
const REPO_CODE =
  /\/dist\/(?:apps\/payment-notify|bench)\/(apps\/payment-notify|libs\/[\w-]+|bench)\//;

function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') {
    if (functionName.startsWith('(')) return functionName;
    // Socket writes run the write(2) syscall inside these V8 builtins.
    if (/^write(Latin1|Utf8|Ascii|Ucs2)String$|^writev?Buffer$|^writev$/.test(functionName)) {
      return '(socket writes, incl. the kernel send)';
    }
    return '(native, e.g. crypto/sqlite bindings)';
  }
  if (url.startsWith('node:')) return 'node internals';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [first, second] = url.slice(modules + '/node_modules/'.length).split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  const repo = REPO_CODE.exec(url);
  if (repo) return repo[1] === 'apps/payment-notify' ? 'app (apps/payment-notify)' : repo[1];
  return 'other';
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) return url.slice(modules + '/node_modules/'.length);
  const repo = REPO_CODE.exec(url);
  if (repo) return url.slice(repo.index + repo[0].length - repo[1].length - 1);
  return url.replace(/^file:\/\//, '');
}

function frameName(frame: CallFrame): string {
  if (frame.url === '') return frame.functionName || '(anonymous native)';
  return `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
}

function top(
  map: Map<string, number>,
  total: number,
  intervalMs: number,
  limit: number,
): ProfileEntry[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, count]) => ({ name, share: count / total, ms: count * intervalMs }));
}

/**
 * Summarises a `.cpuprofile`: self time by area and by function, and inclusive time of this
 * repository's functions, over the samples taken between `fromUs` and `toUs` (the profile's
 * clock is the monotonic clock of `process.hrtime`).
 */
export function summarizeCpuProfile(file: string, fromUs?: number, toUs?: number): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);

  let time = profile.startTime;
  const inWindow: number[] = [];
  const all: number[] = [];
  for (let i = 0; i < profile.samples.length; i += 1) {
    time += profile.timeDeltas[i];
    all.push(profile.samples[i]);
    if (fromUs !== undefined && toUs !== undefined && time >= fromUs && time <= toUs) {
      inWindow.push(profile.samples[i]);
    }
  }
  const wholeProfile = inWindow.length === 0;
  const samples = wholeProfile ? all : inWindow;
  const windowMs = wholeProfile
    ? (profile.endTime - profile.startTime) / 1000
    : (Math.min(toUs!, profile.endTime) - Math.max(fromUs!, profile.startTime)) / 1000;
  const intervalMs = windowMs / Math.max(1, samples.length);

  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const id of samples) {
    const node = byId.get(id)!;
    const name = frameName(node.callFrame);
    self.set(name, (self.get(name) ?? 0) + 1);
    const area = areaOf(node.callFrame);
    areas.set(area, (areas.get(area) ?? 0) + 1);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      if (!REPO_CODE.test(frame.url)) continue;
      const key = frameName(frame);
      if (!seen.has(key)) {
        seen.add(key);
        inclusive.set(key, (inclusive.get(key) ?? 0) + 1);
      }
    }
  }
  const total = Math.max(1, samples.length);
  return {
    samples: samples.length,
    windowMs,
    wholeProfile,
    byArea: top(areas, total, intervalMs, 20),
    topSelf: top(self, total, intervalMs, 30),
    topInclusiveRepo: top(inclusive, total, intervalMs, 20),
  };
}
