import { answerWithFault } from './fault-response.util';
import { parseJson, sendJson } from './http-io.util';
import type { SandboxContext, SandboxExchange } from './sandbox.context';
import { wechatError } from './wechat-error.util';

interface CredentialFields {
  grant_type?: unknown;
  appid?: unknown;
  secret?: unknown;
}

/** `GET /cgi-bin/token?grant_type=client_credential&appid=&secret=`. */
export async function handleClassicToken(ctx: SandboxContext, ex: SandboxExchange): Promise<void> {
  ctx.counters.tokenCall('classic');
  if (answeredWithTokenFault(ctx, ex)) return;
  const { query } = ex;
  const errcode = credentialError(ctx, query);
  if (errcode !== undefined) {
    sendJson(ex.res, 200, wechatError(errcode, ctx.clock.now()));
    return;
  }
  sendJson(ex.res, 200, ctx.tokens.issueClassic(query.appid));
}

/** `POST /cgi-bin/stable_token` with `{grant_type, appid, secret, force_refresh?}`. */
export async function handleStableToken(ctx: SandboxContext, ex: SandboxExchange): Promise<void> {
  const body = ex.method === 'POST' ? parseJson(ex.body) : undefined;
  const fields = isObject(body) ? body : undefined;
  ctx.counters.tokenCall('stable', fields?.force_refresh === true);
  if (answeredWithTokenFault(ctx, ex)) return;
  const now = ctx.clock.now();
  if (ex.method !== 'POST') {
    sendJson(ex.res, 200, wechatError(43002, now));
    return;
  }
  if (!fields || !hasStableFieldTypes(fields)) {
    sendJson(ex.res, 200, wechatError(47001, now));
    return;
  }
  const errcode = credentialError(ctx, fields);
  if (errcode !== undefined) {
    sendJson(ex.res, 200, wechatError(errcode, now));
    return;
  }
  const appId = fields.appid as string;
  sendJson(ex.res, 200, ctx.tokens.issueStable(appId, fields.force_refresh === true));
}

function answeredWithTokenFault(ctx: SandboxContext, ex: SandboxExchange): boolean {
  const fault = ctx.faults.nextTokenFault();
  if (fault === undefined) return false;
  answerWithFault(fault, ex, ctx.clock.now());
  return true;
}

/** The errcode for bad credentials, checked in WeChat's order; `undefined` when valid. */
function credentialError(ctx: SandboxContext, fields: CredentialFields): number | undefined {
  if (fields.grant_type !== 'client_credential') return 40002;
  if (typeof fields.appid !== 'string' || fields.appid === '') return 41002;
  if (typeof fields.secret !== 'string' || fields.secret === '') return 41004;
  const check = ctx.apps.checkCredentials(fields.appid, fields.secret);
  if (check.ok) return undefined;
  // A third-party platform's appid must use api_component_token.
  if (check.errcode === 40013 && ctx.components.has(fields.appid)) return 61024;
  return check.errcode;
}

function hasStableFieldTypes(fields: Record<string, unknown>): boolean {
  const optionalString = (value: unknown): boolean =>
    value === undefined || typeof value === 'string';
  return (
    optionalString(fields.grant_type) &&
    optionalString(fields.appid) &&
    optionalString(fields.secret) &&
    (fields.force_refresh === undefined || typeof fields.force_refresh === 'boolean')
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
