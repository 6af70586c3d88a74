/** One sample of a Prometheus text exposition. */
export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/** A parsed `GET /metrics` answer (text format 0.0.4), for asserting on counter values. */
export class PrometheusText {
  private constructor(readonly samples: readonly PrometheusSample[]) {}

  static parse(text: string): PrometheusText {
    const samples: PrometheusSample[] = [];
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const match = SAMPLE_LINE.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) labels[key] = value;
      samples.push({ name: match[1], labels, value: Number(match[3]) });
    }
    return new PrometheusText(samples);
  }

  /** Whether a metric family of that name (any sample) is present. */
  has(name: string): boolean {
    return this.samples.some((sample) => sample.name === name);
  }

  /** The one sample with exactly these labels; `undefined` when absent. */
  value(name: string, labels: Record<string, string> = {}): number | undefined {
    const wanted = JSON.stringify(Object.entries(labels).sort());
    return this.samples.find(
      (sample) =>
        sample.name === name && JSON.stringify(Object.entries(sample.labels).sort()) === wanted,
    )?.value;
  }

  /** Sum over the samples of `name` whose labels include `labels`. */
  sum(name: string, labels: Record<string, string> = {}): number {
    return this.samples
      .filter(
        (sample) =>
          sample.name === name &&
          Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
      )
      .reduce((total, sample) => total + sample.value, 0);
  }
}
