import { Injectable } from '@nestjs/common';
import { validateSync } from 'class-validator';
import type { ValidatorOptions } from 'class-validator';
import {
  WechatPayDirectPayerDto,
  WechatPayDirectTransactionDto,
  WechatPayPartnerPayerDto,
  WechatPayPartnerTransactionDto,
  WechatPayTransactionAmountDto,
} from './dto';
import { WechatPayInvalidPayloadError } from './errors/invalid-payload.error';
import type { WechatPayTransaction } from './interfaces';
import { flattenValidationErrors } from './validation-errors.util';
import { isConformingTransaction } from './wechatpay-transaction.fast-check';
import { WECHATPAY_NOTIFY_MESSAGES } from './wechatpay-notify.messages';

type JsonObject = Record<string, unknown>;

const VALIDATOR_OPTIONS: ValidatorOptions = {
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
};

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Copies a plain object onto a DTO prototype; non-objects stay as-is so the DTO rejects them. */
function asInstance<T extends object>(prototype: T, value: unknown): unknown {
  return isObject(value) ? Object.assign(Object.create(prototype) as T, value) : value;
}

/**
 * Validates a decrypted transaction against the class-validator DTOs: direct mode
 * (`appid`/`mchid`/`payer.openid`) or, when `sp_mchid` is present, partner mode. Unknown extra
 * fields are allowed.
 *
 * Speed: a hand-written pre-check that accepts a strict subset of the DTOs' rules lets typical
 * transactions skip `validateSync` (about 30 µs); anything it does not accept goes through the
 * DTOs, which decide and name the bad fields. DTO instances are built by hand because
 * class-transformer's `plainToInstance` cost about 80 µs per call.
 */
@Injectable()
export class WechatPayTransactionValidator {
  /**
   * @returns the same object, typed.
   * @throws WechatPayInvalidPayloadError naming every invalid field.
   */
  validate(resource: JsonObject): WechatPayTransaction {
    if (isConformingTransaction(resource)) return resource as unknown as WechatPayTransaction;

    const partner = resource.sp_mchid !== undefined;
    const instance = asInstance(
      partner ? WechatPayPartnerTransactionDto.prototype : WechatPayDirectTransactionDto.prototype,
      resource,
    ) as JsonObject;
    instance.payer = asInstance(
      partner ? WechatPayPartnerPayerDto.prototype : WechatPayDirectPayerDto.prototype,
      resource.payer,
    );
    if (resource.amount !== undefined) {
      instance.amount = asInstance(WechatPayTransactionAmountDto.prototype, resource.amount);
    }

    const errors = validateSync(instance, VALIDATOR_OPTIONS);
    if (errors.length > 0) {
      const fields = flattenValidationErrors(errors).map((problem) => problem.path);
      throw new WechatPayInvalidPayloadError(
        WECHATPAY_NOTIFY_MESSAGES.invalidPayload(fields),
        fields,
      );
    }
    return resource as unknown as WechatPayTransaction;
  }
}
