import { Module } from '@nestjs/common';
import { PaidUnionIdCaptureComponentStore } from './component-store/paid-unionid-capture-component.store';
import { CaptureEventsDeliverer } from './events/capture-events.deliverer';
import { LocalLookupPool } from './lookup/local-lookup.pool';
import { LookupPoller } from './lookup/lookup.poller';
import { OverduePaymentsExpirer } from './lookup/overdue-payments.expirer';
import { PaymentLookupService } from './lookup/payment-lookup.service';
import { PaidTransactionHandler } from './notify/paid-transaction.handler';
import {
  PAID_UNIONID_CAPTURE_MODULE_OPTIONS,
  PaidUnionIdCaptureConfigurableModuleClass,
} from './paid-unionid-capture.module-definition';
import {
  createCaptureSettingsProvider,
  createComponentStoreProvider,
  createDataSourceHolderProvider,
  createDataSourceReadyProvider,
  createLookupDispatcherProvider,
  createLookupOwnerProvider,
  createStoreProvider,
} from './paid-unionid-capture.providers';
import { PaidUnionIdCapture } from './paid-unionid-capture.service';
import { PaidUnionIdStore } from './store';

/**
 * Every paid WeChat Pay notification becomes a stored unionid inside WeChat's 5-minute window,
 * durably, across crashes and instances. Needs `WechatAuthModule` (global, or imported where
 * this module is); with `WechatPayNotifyModule` and its `path`, it captures every
 * `TRANSACTION.SUCCESS` arriving there by itself. Exports `PaidUnionIdCaptureComponentStore`, a
 * `WechatComponentStore` on the same database for `WechatAuthModule`'s third-party platform mode.
 *
 * @publicApi
 */
@Module({
  providers: [
    createCaptureSettingsProvider(),
    createDataSourceReadyProvider(),
    createDataSourceHolderProvider(),
    createComponentStoreProvider(),
    createLookupOwnerProvider(),
    createStoreProvider(),
    createLookupDispatcherProvider(),
    PaymentLookupService,
    LocalLookupPool,
    OverduePaymentsExpirer,
    CaptureEventsDeliverer,
    LookupPoller,
    PaidUnionIdCapture,
    PaidTransactionHandler,
  ],
  exports: [
    PaidUnionIdCapture,
    PaidUnionIdStore,
    PaidUnionIdCaptureComponentStore,
    PAID_UNIONID_CAPTURE_MODULE_OPTIONS,
  ],
})
export class PaidUnionIdCaptureModule extends PaidUnionIdCaptureConfigurableModuleClass {}
