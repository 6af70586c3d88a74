import type { SandboxComponentPushAnswer, SandboxComponentPushOutcome } from '../interfaces';
import type { ManualSandboxClock } from '../sandbox.clock';
import { TICKET_PUSH_INTERVAL_MS } from './component.constants';

interface Schedule {
  readonly url: string;
  /** Sandbox time the URL was set: pushes are due at anchor + n × 10 minutes. */
  readonly anchor: number;
  /** The last n reached. */
  reached: number;
}

/**
 * The automatic `component_verify_ticket` pushes: once an event URL is set, each `clock.advance`
 * / `clock.set` that reaches one or more new 10-minute marks (counted from when the URL was set)
 * sends **one** push with a new ticket. Pushes run in the background; `settle()` awaits them.
 */
export class ComponentTicketScheduler {
  private readonly schedules = new Map<string, Schedule>();
  private pending: Array<Promise<SandboxComponentPushOutcome>> = [];

  constructor(
    private readonly clock: ManualSandboxClock,
    private readonly issueTicket: (componentAppId: string) => string,
    private readonly sendTicket: (
      componentAppId: string,
      url: string,
      ticket: string,
    ) => Promise<SandboxComponentPushAnswer>,
  ) {
    clock.onChange(() => this.tick());
  }

  /** Sets (restarting the 10-minute marks) or, with `undefined`, removes the event URL. */
  set(componentAppId: string, url: string | undefined): void {
    if (url === undefined) this.schedules.delete(componentAppId);
    else this.schedules.set(componentAppId, { url, anchor: this.clock.now(), reached: 0 });
  }

  url(componentAppId: string): string | undefined {
    return this.schedules.get(componentAppId)?.url;
  }

  /** Awaits the automatic pushes started since the last call and returns how they went. */
  settle(): Promise<SandboxComponentPushOutcome[]> {
    const pending = this.pending;
    this.pending = [];
    return Promise.all(pending);
  }

  private tick(): void {
    const now = this.clock.now();
    for (const [componentAppId, schedule] of this.schedules) {
      const reached = Math.floor((now - schedule.anchor) / TICKET_PUSH_INTERVAL_MS);
      if (reached > schedule.reached) this.pending.push(this.push(componentAppId, schedule.url));
      // Also when the clock went back: crossing the marks again pushes again.
      schedule.reached = reached;
    }
  }

  private async push(componentAppId: string, url: string): Promise<SandboxComponentPushOutcome> {
    const ticket = this.issueTicket(componentAppId);
    try {
      const answer = await this.sendTicket(componentAppId, url, ticket);
      return { componentAppId, url, ticket, ...answer };
    } catch (error) {
      return { componentAppId, url, ticket, error: (error as Error).message };
    }
  }
}
