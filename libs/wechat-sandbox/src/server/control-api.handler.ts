import { SandboxComponentPushError, SandboxInputError } from './errors';
import { parseJson, sendJson } from './http-io.util';
import type {
  SandboxAppConfig,
  SandboxClock,
  SandboxComponentAuthorizationInput,
  SandboxComponentAuthorizationResult,
  SandboxComponentConfig,
  SandboxComponentPushOutcome,
  SandboxComponentTicketPush,
  SandboxComponentUnauthorizationInput,
  SandboxComponentUnauthorizationResult,
  SandboxCounters,
  SandboxFaultKind,
  SandboxFaults,
  SandboxPayment,
  SandboxPaymentInput,
} from './interfaces';
import type { SandboxExchange } from './sandbox.context';
import { checkFaultKinds, checkPaymentInput } from './sandbox-input.validator';

/** Path prefix of the control API. */
export const CONTROL_PREFIX = '/__sandbox/';

/** The sandbox operations the control API exposes (the in-process API of `WechatSandbox`). */
export interface SandboxControl {
  readonly clock: SandboxClock;
  addApp(app: SandboxAppConfig): void;
  registerPayment(input: SandboxPaymentInput): SandboxPayment;
  setFaults(faults: SandboxFaults): void;
  failNext(...kinds: SandboxFaultKind[]): void;
  failNextToken(...kinds: SandboxFaultKind[]): void;
  failNextComponent(...kinds: SandboxFaultKind[]): void;
  revokeAllTokens(): void;
  counters(): SandboxCounters;
  resetCounters(): void;
  addComponent(config: SandboxComponentConfig): void;
  issueComponentTicket(componentAppId: string): string;
  pushComponentTicket(componentAppId: string, url?: string): Promise<SandboxComponentTicketPush>;
  setComponentEventUrl(componentAppId: string, url: string | null): void;
  settleComponentPushes(): Promise<SandboxComponentPushOutcome[]>;
  authorizeComponent(
    input: SandboxComponentAuthorizationInput,
  ): Promise<SandboxComponentAuthorizationResult>;
  updateComponentAuthorization(
    input: SandboxComponentAuthorizationInput,
  ): Promise<SandboxComponentAuthorizationResult>;
  unauthorizeComponent(
    input: SandboxComponentUnauthorizationInput,
  ): Promise<SandboxComponentUnauthorizationResult>;
  rotateAuthorizerRefreshToken(componentAppId: string, authorizerAppId: string): void;
}

type ControlRoute = (control: SandboxControl, body: () => unknown) => unknown;

const OK = { ok: true };

const ROUTES: Record<string, Partial<Record<'GET' | 'POST', ControlRoute>>> = {
  payments: {
    POST: (control, body) => {
      const input = body();
      if (!Array.isArray(input)) return control.registerPayment(input as SandboxPaymentInput);
      // Check every item before registering any, so a typo does not leave half a batch behind.
      const checked = input.map((item, index) => checkPaymentInput(item, `payments[${index}]`));
      return checked.map((item) => control.registerPayment(item));
    },
  },
  apps: {
    POST: (control, body) => {
      control.addApp(body() as SandboxAppConfig);
      return OK;
    },
  },
  faults: {
    POST: (control, body) => {
      control.setFaults(body() as SandboxFaults);
      return OK;
    },
  },
  'fail-next': {
    POST: (control, body) => {
      control.failNext(...kindsOf(body()));
      return OK;
    },
  },
  'fail-next-token': {
    POST: (control, body) => {
      control.failNextToken(...kindsOf(body()));
      return OK;
    },
  },
  'revoke-tokens': {
    POST: (control) => {
      control.revokeAllTokens();
      return OK;
    },
  },
  clock: {
    GET: (control) => ({ now: control.clock.now() }),
    POST: (control, body) => {
      const input = body();
      const { advanceMs, set } = (isObject(input) ? input : {}) as Record<string, unknown>;
      if ((advanceMs === undefined) === (set === undefined)) {
        throw new SandboxInputError('clock needs exactly one of {advanceMs} or {set}');
      }
      if (advanceMs !== undefined) control.clock.advance(advanceMs as number);
      else control.clock.set(set as number);
      return { now: control.clock.now() };
    },
  },
  counters: { GET: (control) => control.counters() },
  'reset-counters': {
    POST: (control) => {
      control.resetCounters();
      return OK;
    },
  },
  'fail-next-component': {
    POST: (control, body) => {
      control.failNextComponent(...kindsOf(body()));
      return OK;
    },
  },
  components: {
    POST: (control, body) => {
      control.addComponent(body() as SandboxComponentConfig);
      return OK;
    },
  },
  'issue-component-ticket': {
    POST: (control, body) => {
      const { componentAppId } = fieldsOf(body(), ['componentAppId']);
      return { ticket: control.issueComponentTicket(componentAppId as string) };
    },
  },
  'push-component-ticket': {
    POST: (control, body) => {
      const { componentAppId, url } = fieldsOf(body(), ['componentAppId', 'url']);
      return control.pushComponentTicket(componentAppId as string, url as string | undefined);
    },
  },
  'component-event-url': {
    POST: (control, body) => {
      const { componentAppId, url } = fieldsOf(body(), ['componentAppId', 'url']);
      control.setComponentEventUrl(componentAppId as string, (url ?? null) as string | null);
      return OK;
    },
  },
  'settle-component-pushes': {
    POST: (control) => control.settleComponentPushes(),
  },
  'authorize-component': {
    POST: (control, body) =>
      control.authorizeComponent(body() as SandboxComponentAuthorizationInput),
  },
  'update-component-authorization': {
    POST: (control, body) =>
      control.updateComponentAuthorization(body() as SandboxComponentAuthorizationInput),
  },
  'unauthorize-component': {
    POST: (control, body) =>
      control.unauthorizeComponent(body() as SandboxComponentUnauthorizationInput),
  },
  'rotate-authorizer-refresh-token': {
    POST: (control, body) => {
      const { componentAppId, authorizerAppId } = fieldsOf(body(), [
        'componentAppId',
        'authorizerAppId',
      ]);
      control.rotateAuthorizerRefreshToken(componentAppId as string, authorizerAppId as string);
      return OK;
    },
  },
};

/**
 * Serves `/__sandbox/*` so that tests and demos running the app in another process can drive
 * the sandbox. Faults never apply here. Invalid input answers 400, a push that got no answer 502.
 */
export async function handleControl(control: SandboxControl, ex: SandboxExchange): Promise<void> {
  const name = ex.path.slice(CONTROL_PREFIX.length);
  const route = Object.prototype.hasOwnProperty.call(ROUTES, name) ? ROUTES[name] : undefined;
  if (!route) {
    sendJson(ex.res, 404, { error: `unknown control route ${ex.path}` });
    return;
  }
  const handler = ex.method === 'GET' || ex.method === 'POST' ? route[ex.method] : undefined;
  if (!handler) {
    sendJson(ex.res, 405, { error: `${ex.method} is not supported on ${ex.path}` });
    return;
  }
  const body = (): unknown => {
    const parsed = ex.body.trim() === '' ? undefined : parseJson(ex.body);
    if (parsed === undefined) throw new SandboxInputError('the body must be JSON');
    return parsed;
  };
  try {
    sendJson(ex.res, 200, await handler(control, body));
  } catch (error) {
    if (error instanceof SandboxInputError) sendJson(ex.res, 400, { error: error.message });
    else if (error instanceof SandboxComponentPushError) {
      sendJson(ex.res, 502, { error: error.message });
    } else throw error;
  }
}

/** The body as an object with only `allowed` keys (their values are checked by the method). */
function fieldsOf(input: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (!isObject(input)) throw new SandboxInputError('the body must be a JSON object');
  const unknown = Object.keys(input).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new SandboxInputError(`the body has unknown field(s): ${unknown.join(', ')}`);
  }
  return input;
}

function kindsOf(input: unknown): SandboxFaultKind[] {
  if (!isObject(input)) throw new SandboxInputError('the body must be {"kinds": [...]}');
  return checkFaultKinds(input.kinds);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
