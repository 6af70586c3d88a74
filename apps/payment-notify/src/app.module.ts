import {
  PaidUnionIdCaptureModule,
  type PaidUnionIdCaptureModuleOptions,
} from '@app/paid-unionid-capture';
import { RedisTokenStore, WechatAuthModule, type WechatAuthModuleOptions } from '@app/wechat-auth';
import { WechatPayNotifyModule, type WechatPayNotifyModuleOptions } from '@app/wechatpay-notify';
import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { appConfig, loadAppConfig, loadedAppConfig, type AppConfig } from './config';
import { HealthModule } from './health/health.module';
import { NOTIFY_PATH } from './http/notify-failure.filter';
import { LoggingModule } from './logging';
import {
  captureMetricsHooks,
  MetricsModule,
  PaymentMetrics,
  wechatAuthMetricsHooks,
  wechatPayNotifyMetricsHooks,
} from './metrics';
import { ReadModule } from './read/read.module';
import { APP_REDIS, RedisModule } from './redis/redis.module';
import type { Redis } from 'ioredis';

const wechatAuthOptions = (
  config: AppConfig,
  redis: Redis | null,
  metrics: PaymentMetrics,
): WechatAuthModuleOptions => ({
  appId: config.wechat.appId,
  secret: config.wechat.secret,
  tokenMode: config.wechat.tokenMode,
  apiBaseUrl: config.wechat.apiBaseUrl,
  timeoutMs: config.wechat.timeoutMs,
  // With Redis every instance uses one token, fetched once.
  ...(redis && { tokenStore: new RedisTokenStore(redis) }),
  // Token fetches and API attempts counted in GET /metrics.
  hooks: wechatAuthMetricsHooks(metrics),
});

const wechatPayNotifyOptions = (
  config: AppConfig,
  metrics: PaymentMetrics,
): WechatPayNotifyModuleOptions => ({
  mchId: config.wechatPay.mchId,
  apiV3Key: config.wechatPay.apiV3Key,
  publicKeys: config.wechatPay.publicKeys.map((key) => ({ id: key.id, pem: key.pem })),
  platformCertificates: config.wechatPay.platformCertificates,
  hooks: wechatPayNotifyMetricsHooks(metrics),
});

const captureOptions = (
  config: AppConfig,
  metrics: PaymentMetrics,
): PaidUnionIdCaptureModuleOptions => ({
  database:
    config.database.type === 'sqlite' ? `sqlite:${config.database.path}` : config.database.url,
  ...(config.redisUrl !== undefined && { redis: config.redisUrl }),
  selector: config.lookup.selector,
  concurrency: config.lookup.concurrency,
  sliceMs: config.lookup.sliceMs,
  pollMs: config.lookup.pollMs,
  rateLimit: config.lookup.rateLimit,
  hooks: captureMetricsHooks(metrics),
});

/**
 * The payment-notify app: the three library modules configured from the environment, plus the
 * read routes, health, metrics and docs. Give it the configuration loaded at start-up (the
 * default reads and validates `process.env` now, so a bad variable stops start-up first).
 */
@Module({})
export class AppModule {
  static register(config: AppConfig = loadAppConfig(process.env)): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // Already validated: the namespace only hands the loaded configuration to the modules.
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          load: [loadedAppConfig(config)],
        }),
        LoggingModule.register(config),
        RedisModule.register(config),
        MetricsModule,
        WechatAuthModule.forRootAsync({
          isGlobal: true,
          inject: [appConfig.KEY, APP_REDIS, PaymentMetrics],
          useFactory: wechatAuthOptions,
        }),
        // Serves POST /wechatpay/notify: verified over the raw bytes, then captured below.
        WechatPayNotifyModule.forRootAsync({
          isGlobal: true,
          path: NOTIFY_PATH,
          inject: [appConfig.KEY, PaymentMetrics],
          useFactory: wechatPayNotifyOptions,
        }),
        PaidUnionIdCaptureModule.forRootAsync({
          isGlobal: true,
          inject: [appConfig.KEY, PaymentMetrics],
          useFactory: captureOptions,
        }),
        ReadModule.register(config),
        HealthModule,
      ],
    };
  }
}
