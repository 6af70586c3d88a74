import { WECHAT_AUTH_MODULE_OPTIONS } from '@app/wechat-auth';
import type { Provider } from '@nestjs/common';
import { CAPTURE_SETTINGS, resolveCaptureSettings, type CaptureSettings } from './capture-settings';
import { CaptureDataSourceReady } from './component-store/capture-data-source.ready';
import { PaidUnionIdCaptureComponentStore } from './component-store/paid-unionid-capture-component.store';
import { CaptureDataSourceHolder } from './store/capture-data-source.holder';
import type { PaidUnionIdCaptureModuleOptions } from './interfaces';
import { BullmqLookupDispatcher } from './lookup/bullmq/bullmq-lookup.dispatcher';
import { InProcessLookupDispatcher } from './lookup/in-process-lookup.dispatcher';
import { LocalLookupPool } from './lookup/local-lookup.pool';
import { LookupDispatcher } from './lookup/lookup.dispatcher';
import { createLookupOwner, LOOKUP_OWNER } from './lookup/lookup-owner';
import { PAID_UNIONID_CAPTURE_MODULE_OPTIONS } from './paid-unionid-capture.module-definition';
import { createPaidUnionIdStore, PaidUnionIdStore } from './store';

/** The options with defaults, validated once at bootstrap. */
export function createCaptureSettingsProvider(): Provider {
  return {
    provide: CAPTURE_SETTINGS,
    useFactory: resolveCaptureSettings,
    inject: [PAID_UNIONID_CAPTURE_MODULE_OPTIONS, WECHAT_AUTH_MODULE_OPTIONS],
  };
}

/** The connection once open, for the providers that must not wait for the settings. */
export function createDataSourceReadyProvider(): Provider {
  return { provide: CaptureDataSourceReady, useFactory: () => new CaptureDataSourceReady() };
}

/**
 * Opens the module's own connection (and runs its migrations) once; closed at shutdown. Settles
 * `CaptureDataSourceReady` either way.
 */
export function createDataSourceHolderProvider(): Provider {
  return {
    provide: CaptureDataSourceHolder,
    // After the settings: bad options are reported before any connection is tried.
    useFactory: async (
      options: PaidUnionIdCaptureModuleOptions,
      _settings: CaptureSettings,
      ready: CaptureDataSourceReady,
    ): Promise<CaptureDataSourceHolder> => {
      try {
        const holder = await CaptureDataSourceHolder.open(options.database);
        ready.resolve(holder.dataSource);
        return holder;
      } catch (error) {
        ready.reject(error);
        throw error;
      }
    },
    inject: [PAID_UNIONID_CAPTURE_MODULE_OPTIONS, CAPTURE_SETTINGS, CaptureDataSourceReady],
  };
}

/**
 * `WechatAuthModule`'s component store on this module's database. It waits for the connection
 * instead of injecting the holder: `WechatAuthModule.forRootAsync` may inject this store, and the
 * holder comes after the settings, which need `WechatAuthModule`'s options.
 */
export function createComponentStoreProvider(): Provider {
  return {
    provide: PaidUnionIdCaptureComponentStore,
    useFactory: (ready: CaptureDataSourceReady) =>
      new PaidUnionIdCaptureComponentStore(ready.promise),
    inject: [CaptureDataSourceReady],
  };
}

/** This module instance's name in leases. */
export function createLookupOwnerProvider(): Provider {
  return { provide: LOOKUP_OWNER, useFactory: createLookupOwner };
}

/** The store, chosen once from the DataSource's driver. */
export function createStoreProvider(): Provider {
  return {
    provide: PaidUnionIdStore,
    useFactory: (holder: CaptureDataSourceHolder): PaidUnionIdStore =>
      createPaidUnionIdStore(holder.dataSource),
    inject: [CaptureDataSourceHolder],
  };
}

/** In-process, or BullMQ when `redis` is given: chosen once. */
export function createLookupDispatcherProvider(): Provider {
  return {
    provide: LookupDispatcher,
    useFactory: (
      settings: CaptureSettings,
      store: PaidUnionIdStore,
      pool: LocalLookupPool,
    ): LookupDispatcher =>
      settings.redis
        ? new BullmqLookupDispatcher(settings.redis, settings, store, pool)
        : new InProcessLookupDispatcher(pool),
    inject: [CAPTURE_SETTINGS, PaidUnionIdStore, LocalLookupPool],
  };
}
