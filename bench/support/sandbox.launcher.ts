import type {
  SandboxCounters,
  SandboxFaults,
  SandboxPayment,
  SandboxPaymentInput,
} from '@app/wechat-sandbox';
import type { ChildProcess } from 'node:child_process';
import { forkEntry, nextMessage, stopChild, type IpcMessage } from './child-process.util';
import { benchEntry } from './repo-paths';

/** Options of the sandbox child process (`sandbox.main.ts`). */
export interface SandboxProcessOptions {
  /** PRNG seed of the fault rates. */
  seed?: number;
  /** Standing faults, e.g. `{ busyRate: 0.2 }`. */
  faults?: SandboxFaults;
  /** Move the sandbox clock with real time (else it stands still, the sandbox's default). */
  realTimeClock?: boolean;
  /** NDJSON of `SandboxPaymentInput`s to register before answering `ready`. */
  paymentsFile?: string;
}

interface ReadyMessage extends IpcMessage {
  type: 'ready';
  url: string;
  registered: number;
}

/** A WeChat sandbox running in a child process, driven over its HTTP control API. */
export class SandboxProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(options: SandboxProcessOptions = {}): Promise<SandboxProcess> {
    // The held-lookup fault adds an abort listener per held request: Node's leak warning is noise here.
    const child = forkEntry(benchEntry('support/sandbox.main.js'), [JSON.stringify(options)], {
      execArgv: ['--no-warnings'],
    });
    const ready = await nextMessage<ReadyMessage>(child, 'ready', 120_000);
    return new SandboxProcess(child, ready.url);
  }

  async registerPayments(payments: SandboxPaymentInput[]): Promise<SandboxPayment[]> {
    return (await this.control('POST', '/__sandbox/payments', payments)) as SandboxPayment[];
  }

  async counters(): Promise<SandboxCounters> {
    return (await this.control('GET', '/__sandbox/counters')) as SandboxCounters;
  }

  async resetCounters(): Promise<void> {
    await this.control('POST', '/__sandbox/reset-counters');
  }

  async setFaults(faults: SandboxFaults): Promise<void> {
    await this.control('POST', '/__sandbox/faults', faults);
  }

  stop(): Promise<void> {
    return stopChild(this.child);
  }

  private async control(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const answer: unknown = await response.json();
    if (!response.ok) {
      throw new Error(
        `sandbox ${method} ${path} answered ${response.status}: ${JSON.stringify(answer)}`,
      );
    }
    return answer;
  }
}
