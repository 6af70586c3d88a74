import { Inject, Injectable } from '@nestjs/common';
import { WechatPayMchIdMismatchError } from './errors/mchid-mismatch.error';
import type { WechatPayNotifySettings } from './interfaces';
import { WECHATPAY_NOTIFY_SETTINGS } from './wechatpay-notify.constants';
import { WECHATPAY_NOTIFY_MESSAGES } from './wechatpay-notify.messages';

/**
 * Checks that a decrypted resource belongs to the configured merchant: in partner mode (when
 * `sp_mchid` is present) `sp_mchid` or `sub_mchid` must equal `mchId`, otherwise `mchid` must.
 * A resource without any merchant field (possible for non-transaction events) passes.
 */
@Injectable()
export class WechatPayMchIdChecker {
  constructor(
    @Inject(WECHATPAY_NOTIFY_SETTINGS) private readonly settings: WechatPayNotifySettings,
  ) {}

  /** @throws WechatPayMchIdMismatchError */
  check(resource: Readonly<Record<string, unknown>>): void {
    const { mchId } = this.settings;
    const matches =
      resource.sp_mchid !== undefined
        ? resource.sp_mchid === mchId || resource.sub_mchid === mchId
        : resource.mchid !== undefined
          ? resource.mchid === mchId
          : resource.sub_mchid === undefined || resource.sub_mchid === mchId;
    if (!matches) throw new WechatPayMchIdMismatchError(WECHATPAY_NOTIFY_MESSAGES.mchIdMismatch);
  }
}
