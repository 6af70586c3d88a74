import { SandboxInputError } from '../errors';
import type {
  SandboxComponentAuthorizationInput,
  SandboxComponentUnauthorizationInput,
} from '../interfaces';
import { nonEmptyString, record, rejectUnknownKeys } from '../sandbox-input.validator';
import { PAID_UNIONID_FUNC_ID } from './component.constants';

// Runtime checks of the third-party platform methods: the same values arrive as JSON over the
// control API.

/** An authorisation input with the default permission sets filled in. */
export type CheckedAuthorizationInput = SandboxComponentAuthorizationInput & { funcIds: number[] };

/** Checks a push target: an absolute `http://` or `https://` URL. */
export function checkPushUrl(value: unknown, what = 'url'): string {
  const text = nonEmptyString(value, what);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SandboxInputError(`${what} must be an absolute http:// or https:// URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SandboxInputError(`${what} must be an absolute http:// or https:// URL`);
  }
  return text;
}

function optionalUrl(value: unknown, what: string): string | undefined {
  return value === undefined ? undefined : checkPushUrl(value, what);
}

function checkFuncIds(value: unknown, what: string): number[] {
  if (value === undefined) return [PAID_UNIONID_FUNC_ID];
  if (!Array.isArray(value) || value.length === 0) {
    throw new SandboxInputError(`${what} must be a non-empty array of permission-set ids`);
  }
  const ids: number[] = [];
  value.forEach((id: unknown, index) => {
    if (typeof id !== 'number' || !Number.isInteger(id) || id <= 0) {
      throw new SandboxInputError(`${what}[${index}] must be a positive integer`);
    }
    if (!ids.includes(id)) ids.push(id);
  });
  return ids;
}

/** Checks the input of `authorizeComponent` / `updateComponentAuthorization`. */
export function checkAuthorizationInput(
  value: unknown,
  what = 'authorization',
): CheckedAuthorizationInput {
  const input = record(value, what);
  rejectUnknownKeys(
    input,
    ['componentAppId', 'authorizerAppId', 'funcIds', 'url', 'preAuthCode'],
    what,
  );
  return {
    componentAppId: nonEmptyString(input.componentAppId, `${what}.componentAppId`),
    authorizerAppId: nonEmptyString(input.authorizerAppId, `${what}.authorizerAppId`),
    funcIds: checkFuncIds(input.funcIds, `${what}.funcIds`),
    url: optionalUrl(input.url, `${what}.url`),
    preAuthCode:
      input.preAuthCode === undefined
        ? undefined
        : nonEmptyString(input.preAuthCode, `${what}.preAuthCode`),
  };
}

/** Checks the input of `unauthorizeComponent`. */
export function checkUnauthorizationInput(
  value: unknown,
  what = 'unauthorization',
): SandboxComponentUnauthorizationInput {
  const input = record(value, what);
  rejectUnknownKeys(input, ['componentAppId', 'authorizerAppId', 'url'], what);
  return {
    componentAppId: nonEmptyString(input.componentAppId, `${what}.componentAppId`),
    authorizerAppId: nonEmptyString(input.authorizerAppId, `${what}.authorizerAppId`),
    url: optionalUrl(input.url, `${what}.url`),
  };
}
