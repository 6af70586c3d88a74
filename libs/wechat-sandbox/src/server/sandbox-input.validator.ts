import { SandboxInputError } from './errors';
import type {
  SandboxAppConfig,
  SandboxComponentConfig,
  SandboxErrorFault,
  SandboxFaultKind,
  SandboxFaults,
  SandboxPaymentInput,
  WechatSandboxOptions,
} from './interfaces';
import { isEncodingAesKey } from './platform/component-message.crypto';

// Runtime checks: the same values also arrive as JSON over the control API.

export type UnknownRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is UnknownRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function record(value: unknown, what: string): UnknownRecord {
  if (!isRecord(value)) throw new SandboxInputError(`${what} must be an object`);
  return value;
}

export function rejectUnknownKeys(
  value: UnknownRecord,
  allowed: readonly string[],
  what: string,
): void {
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new SandboxInputError(`${what} has unknown field(s): ${unknown.join(', ')}`);
  }
}

export function nonEmptyString(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new SandboxInputError(`${what} must be a non-empty string`);
  }
  return value;
}

export function optionalString(value: unknown, what: string): string | undefined {
  return value === undefined ? undefined : nonEmptyString(value, what);
}

export function finiteNumber(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new SandboxInputError(`${what} must be a finite number`);
  }
  return value;
}

function rate(value: unknown, what: string): number | undefined {
  if (value === undefined) return undefined;
  const share = finiteNumber(value, what);
  if (share < 0 || share > 1) throw new SandboxInputError(`${what} must be between 0 and 1`);
  return share;
}

/** Checks an app config; the error never echoes the secret. */
export function checkAppConfig(value: unknown, what = 'app'): SandboxAppConfig {
  const app = record(value, what);
  rejectUnknownKeys(app, ['appId', 'secret', 'openPlatformBound'], what);
  const appId = nonEmptyString(app.appId, `${what}.appId`);
  const secret = nonEmptyString(app.secret, `${what}.secret`);
  if (app.openPlatformBound !== undefined && typeof app.openPlatformBound !== 'boolean') {
    throw new SandboxInputError(`${what}.openPlatformBound must be a boolean`);
  }
  return { appId, secret, openPlatformBound: app.openPlatformBound ?? true };
}

/** Checks a third-party platform config; the error never echoes the secret or the keys. */
export function checkComponentConfig(value: unknown, what = 'component'): SandboxComponentConfig {
  const component = record(value, what);
  rejectUnknownKeys(
    component,
    ['componentAppId', 'componentSecret', 'token', 'encodingAesKey'],
    what,
  );
  const componentAppId = nonEmptyString(component.componentAppId, `${what}.componentAppId`);
  const componentSecret = nonEmptyString(component.componentSecret, `${what}.componentSecret`);
  const token = nonEmptyString(component.token, `${what}.token`);
  const { encodingAesKey } = component;
  if (!isEncodingAesKey(encodingAesKey)) {
    throw new SandboxInputError(`${what}.encodingAesKey must be 43 characters from [a-zA-Z0-9]`);
  }
  return { componentAppId, componentSecret, token, encodingAesKey };
}

/** Checks an errcode fault such as `{errcode: 45009}`. */
export function checkErrorFault(value: unknown, what: string): SandboxErrorFault {
  const fault = record(value, what);
  rejectUnknownKeys(fault, ['errcode', 'errmsg'], what);
  const errcode = finiteNumber(fault.errcode, `${what}.errcode`);
  if (!Number.isInteger(errcode) || errcode === 0) {
    throw new SandboxInputError(`${what}.errcode must be a non-zero integer`);
  }
  const errmsg = fault.errmsg === undefined ? undefined : String(fault.errmsg);
  return errmsg === undefined ? { errcode } : { errcode, errmsg };
}

const NAMED_FAULTS: readonly string[] = ['busy', 'http5xx', 'reset', 'hang'];

/** Checks a list of queued faults. */
export function checkFaultKinds(values: unknown): SandboxFaultKind[] {
  if (!Array.isArray(values)) throw new SandboxInputError('kinds must be an array');
  return values.map((value: unknown, index): SandboxFaultKind => {
    if (typeof value === 'string') {
      if (NAMED_FAULTS.includes(value)) return value as SandboxFaultKind;
      throw new SandboxInputError(
        `kinds[${index}] must be one of ${NAMED_FAULTS.join(', ')} or {errcode, errmsg?}`,
      );
    }
    return checkErrorFault(value, `kinds[${index}]`);
  });
}

/** Checks a fault set and returns a normalized copy. */
export function checkFaults(value: unknown): SandboxFaults {
  const faults = record(value, 'faults');
  rejectUnknownKeys(
    faults,
    [
      'busyRate',
      'http5xxRate',
      'resetRate',
      'delayMs',
      'hang',
      'tokenError',
      'componentError',
      'componentDelayMs',
    ],
    'faults',
  );
  const checked: SandboxFaults = {};
  const busyRate = rate(faults.busyRate, 'faults.busyRate');
  const http5xxRate = rate(faults.http5xxRate, 'faults.http5xxRate');
  const resetRate = rate(faults.resetRate, 'faults.resetRate');
  if (busyRate !== undefined) checked.busyRate = busyRate;
  if (http5xxRate !== undefined) checked.http5xxRate = http5xxRate;
  if (resetRate !== undefined) checked.resetRate = resetRate;
  if (faults.delayMs !== undefined) {
    const delayMs = finiteNumber(faults.delayMs, 'faults.delayMs');
    if (delayMs < 0) throw new SandboxInputError('faults.delayMs must be >= 0');
    checked.delayMs = delayMs;
  }
  if (faults.componentDelayMs !== undefined) {
    const delayMs = finiteNumber(faults.componentDelayMs, 'faults.componentDelayMs');
    if (delayMs < 0) throw new SandboxInputError('faults.componentDelayMs must be >= 0');
    checked.componentDelayMs = delayMs;
  }
  if (faults.hang !== undefined) {
    if (typeof faults.hang !== 'boolean')
      throw new SandboxInputError('faults.hang must be a boolean');
    checked.hang = faults.hang;
  }
  if (faults.tokenError !== undefined && faults.tokenError !== null) {
    checked.tokenError = checkErrorFault(faults.tokenError, 'faults.tokenError');
  }
  if (faults.componentError !== undefined && faults.componentError !== null) {
    checked.componentError = checkErrorFault(faults.componentError, 'faults.componentError');
  }
  return checked;
}

/** Checks a payment to register (defaults are filled in by the payment registry). */
export function checkPaymentInput(value: unknown, what = 'payment'): SandboxPaymentInput {
  const payment = record(value, what);
  rejectUnknownKeys(
    payment,
    ['openid', 'unionid', 'appId', 'mchId', 'transactionId', 'outTradeNo', 'paidAt'],
    what,
  );
  return {
    openid: nonEmptyString(payment.openid, `${what}.openid`),
    unionid: optionalString(payment.unionid, `${what}.unionid`),
    appId: optionalString(payment.appId, `${what}.appId`),
    mchId: optionalString(payment.mchId, `${what}.mchId`),
    transactionId: optionalString(payment.transactionId, `${what}.transactionId`),
    outTradeNo: optionalString(payment.outTradeNo, `${what}.outTradeNo`),
    paidAt:
      payment.paidAt === undefined ? undefined : finiteNumber(payment.paidAt, `${what}.paidAt`),
  };
}

/** Start options with defaults applied. */
export interface CheckedSandboxOptions {
  port: number;
  apps: SandboxAppConfig[];
  components: SandboxComponentConfig[];
  tokenTtlSeconds: number;
  cloudAppId: string | undefined;
  seed: number;
  startTime: number;
}

/** Checks {@link WechatSandboxOptions} and fills in the defaults. */
export function checkOptions(value: WechatSandboxOptions | undefined): CheckedSandboxOptions {
  const options = record(value ?? {}, 'options');
  rejectUnknownKeys(
    options,
    ['port', 'apps', 'components', 'tokenTtlSeconds', 'cloud', 'seed', 'startTime'],
    'options',
  );
  const port = options.port === undefined ? 0 : finiteNumber(options.port, 'options.port');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SandboxInputError('options.port must be an integer between 0 and 65535');
  }
  if (options.apps !== undefined && !Array.isArray(options.apps)) {
    throw new SandboxInputError('options.apps must be an array');
  }
  const apps = ((options.apps as unknown[] | undefined) ?? []).map((app, index) =>
    checkAppConfig(app, `options.apps[${index}]`),
  );
  if (options.components !== undefined && !Array.isArray(options.components)) {
    throw new SandboxInputError('options.components must be an array');
  }
  const components = ((options.components as unknown[] | undefined) ?? []).map((component, index) =>
    checkComponentConfig(component, `options.components[${index}]`),
  );
  const ttl =
    options.tokenTtlSeconds === undefined
      ? 7200
      : finiteNumber(options.tokenTtlSeconds, 'options.tokenTtlSeconds');
  if (!Number.isInteger(ttl) || ttl <= 0) {
    throw new SandboxInputError('options.tokenTtlSeconds must be a positive integer');
  }
  let cloudAppId: string | undefined;
  if (options.cloud !== undefined && options.cloud !== false) {
    const cloud = record(options.cloud, 'options.cloud');
    rejectUnknownKeys(cloud, ['appId'], 'options.cloud');
    cloudAppId = nonEmptyString(cloud.appId, 'options.cloud.appId');
  }
  const seed =
    options.seed === undefined
      ? Math.floor(Math.random() * 2 ** 32)
      : finiteNumber(options.seed, 'options.seed');
  const startTime =
    options.startTime === undefined
      ? Date.now()
      : finiteNumber(options.startTime, 'options.startTime');
  return { port, apps, components, tokenTtlSeconds: ttl, cloudAppId, seed, startTime };
}
