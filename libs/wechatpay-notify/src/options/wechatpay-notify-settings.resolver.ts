import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { WechatPayNotifyOptionsError } from '../errors/invalid-options.error';
import type { WechatPayNotifyModuleOptions, WechatPayNotifySettings } from '../interfaces';
import { flattenValidationErrors } from '../validation-errors.util';
import { WechatPayKeyRegistry } from '../wechatpay-key-registry';
import {
  WECHATPAY_NOTIFY_DEFAULT_MAX_BODY_BYTES,
  WECHATPAY_NOTIFY_DEFAULT_MAX_CLOCK_SKEW_SECONDS,
} from '../wechatpay-notify.constants';
import { WECHATPAY_NOTIFY_MESSAGES } from '../wechatpay-notify.messages';
import { WechatPayNotifyOptionsDto } from './wechatpay-notify-options.dto';

function fail(problems: string[]): never {
  throw new WechatPayNotifyOptionsError(
    WECHATPAY_NOTIFY_MESSAGES.invalidOptions(problems),
    problems,
  );
}

/**
 * Validates module options once, applies defaults and parses every key.
 * @throws WechatPayNotifyOptionsError naming every bad field (never a value).
 */
export function resolveWechatPayNotifySettings(options: unknown): WechatPayNotifySettings {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    fail(['options: must be an object']);
  }
  const dto = plainToInstance(WechatPayNotifyOptionsDto, options as WechatPayNotifyModuleOptions);
  const problems = flattenValidationErrors(
    validateSync(dto, {
      whitelist: true,
      forbidNonWhitelisted: true,
      validationError: { target: false, value: false },
    }),
  ).map(({ path, messages }) => `${path}: ${messages.join(', ')}`);

  const publicKeys = Array.isArray(dto.publicKeys) ? dto.publicKeys : [];
  const hasPublicKeys = publicKeys.length > 0;
  const hasCertificates = dto.platformCertificates !== undefined;
  if (!hasPublicKeys && !hasCertificates) {
    problems.push('publicKeys/platformCertificates: at least one WeChat Pay key is required');
  }
  // Parse keys only when their fields are well-formed, so each problem is reported once.
  const keysValid = !problems.some(
    (problem) => problem.startsWith('publicKeys') || problem.startsWith('platformCertificates'),
  );
  const parsed = keysValid
    ? WechatPayKeyRegistry.parse(publicKeys, dto.platformCertificates)
    : null;
  if (parsed !== null) problems.push(...parsed.problems);
  if (problems.length > 0 || parsed === null) fail(problems);

  return {
    mchId: dto.mchId,
    apiV3Key: Buffer.from(dto.apiV3Key, 'utf8'),
    maxClockSkewSeconds: dto.maxClockSkewSeconds ?? WECHATPAY_NOTIFY_DEFAULT_MAX_CLOCK_SKEW_SECONDS,
    maxBodyBytes: dto.maxBodyBytes ?? WECHATPAY_NOTIFY_DEFAULT_MAX_BODY_BYTES,
    now: dto.now ?? Date.now,
    keyRegistry: parsed.registry,
    // The caller's object, not the transformed copy: hooks may rely on `this`.
    hooks: (options as WechatPayNotifyModuleOptions).hooks ?? {},
  };
}
