import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppRegistry } from './app.registry';
import type { FaultInjector } from './fault.injector';
import type { AuthorizationRegistry } from './platform/authorization.registry';
import type { ComponentRegistry } from './platform/component.registry';
import type { ManualSandboxClock } from './sandbox.clock';
import type { PaymentRegistry } from './payment.registry';
import type { SandboxCountersRecorder } from './sandbox-counters.recorder';
import type { TokenRegistry } from './token.registry';

/** The state every endpoint handler works on. */
export interface SandboxContext {
  readonly clock: ManualSandboxClock;
  readonly apps: AppRegistry;
  readonly tokens: TokenRegistry;
  readonly payments: PaymentRegistry;
  readonly faults: FaultInjector;
  readonly counters: SandboxCountersRecorder;
  /** Third-party platforms: config, tickets, component tokens, pre-auth codes. */
  readonly components: ComponentRegistry;
  /** Authorisations of mini programs to third-party platforms. */
  readonly authorizations: AuthorizationRegistry;
}

/** One received request (body already read) and its response. */
export interface SandboxExchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly body: string;
  /** Aborted when the sandbox stops. */
  readonly stopSignal: AbortSignal;
}

/** An endpoint handler. */
export type SandboxHandler = (ctx: SandboxContext, exchange: SandboxExchange) => Promise<void>;
