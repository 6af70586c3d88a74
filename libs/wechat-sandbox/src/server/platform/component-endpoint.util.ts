import { answerWithFault } from '../fault-response.util';
import { parseJson, sendJson } from '../http-io.util';
import type { SandboxContext, SandboxExchange, SandboxHandler } from '../sandbox.context';
import type { ComponentCounter } from '../sandbox-counters.recorder';
import { isRecord } from '../sandbox-input.validator';
import { wechatError } from '../wechat-error.util';

/** A JSON body's fields, already type-checked against the endpoint's declaration. */
export type ComponentFields = Record<string, unknown>;

/** A WeChat error to answer. */
export interface ComponentError {
  errcode: number;
}

/** How one `/cgi-bin/component/*` endpoint is served. */
export interface ComponentEndpoint {
  counter: Exclude<ComponentCounter, 'componentPushes'>;
  /** Needs a `component_access_token` (query `component_access_token` or `access_token`). */
  authenticated: boolean;
  /** Body fields that must be strings when present (`component_appid` always is). */
  stringFields?: readonly string[];
  /** Body fields that must be integers when present. */
  integerFields?: readonly string[];
  /** Answers the success body or an error; `componentAppId` is the checked `component_appid`. */
  serve(ctx: SandboxContext, fields: ComponentFields, componentAppId: string): object;
}

/**
 * Wraps an endpoint in what all five share, in this order: count, `componentDelayMs`, queued
 * fault or `componentError`, POST only (`43002`), the component token (`41001` missing, `61014`
 * a mini program's or authoriser's token, `40001`, `42001`), a JSON object body with the right
 * field types (`47001`), `component_appid` present (`41002`) and the token's own (`61011`).
 */
export function componentHandler(endpoint: ComponentEndpoint): SandboxHandler {
  return async (ctx: SandboxContext, ex: SandboxExchange): Promise<void> => {
    ctx.counters.component(endpoint.counter);
    if (!(await ctx.faults.holdComponent(ex.stopSignal))) return;
    const fault = ctx.faults.nextComponentFault();
    if (fault !== undefined) {
      answerWithFault(fault, ex, ctx.clock.now());
      return;
    }
    const answer = (body: object): void => {
      const payload = isError(body) ? wechatError(body.errcode, ctx.clock.now()) : body;
      sendJson(ex.res, 200, payload);
    };
    if (ex.method !== 'POST') {
      answer({ errcode: 43002 });
      return;
    }
    let tokenComponent: string | undefined;
    if (endpoint.authenticated) {
      const caller = callingComponent(ctx, ex.query);
      if ('errcode' in caller) {
        answer(caller);
        return;
      }
      tokenComponent = caller.componentAppId;
    }
    const body = parseJson(ex.body);
    if (!isRecord(body) || !hasFieldTypes(body, endpoint)) {
      answer({ errcode: 47001 });
      return;
    }
    const componentAppId = body.component_appid;
    if (typeof componentAppId !== 'string' || componentAppId === '') {
      answer({ errcode: 41002 });
      return;
    }
    if (tokenComponent !== undefined && componentAppId !== tokenComponent) {
      answer({ errcode: 61011 });
      return;
    }
    answer(endpoint.serve(ctx, body, componentAppId));
  };
}

function isError(body: object): body is ComponentError {
  return 'errcode' in body && typeof body.errcode === 'number' && body.errcode !== 0;
}

function callingComponent(
  ctx: SandboxContext,
  query: Record<string, string>,
): { componentAppId: string } | ComponentError {
  // Old docs and SDKs send `component_access_token`; new docs `access_token`.
  const value = query.component_access_token || query.access_token;
  if (!value) return { errcode: 41001 };
  const check = ctx.components.checkToken(value);
  if (check.ok) return { componentAppId: check.componentAppId };
  if (
    check.errcode === 40001 &&
    (ctx.tokens.check(value).ok || ctx.authorizations.checkAccessToken(value)?.ok)
  ) {
    return { errcode: 61014 };
  }
  return { errcode: check.errcode };
}

function hasFieldTypes(body: ComponentFields, endpoint: ComponentEndpoint): boolean {
  const strings = ['component_appid', ...(endpoint.stringFields ?? [])];
  return (
    strings.every((name) => body[name] === undefined || typeof body[name] === 'string') &&
    (endpoint.integerFields ?? []).every(
      (name) => body[name] === undefined || Number.isInteger(body[name]),
    )
  );
}

/** A string body field (already type-checked), `undefined` when absent or empty. */
export function text(fields: ComponentFields, name: string): string | undefined {
  const value = fields[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
