import { RedisTokenStore, WechatAuthModule, type WechatAuthModuleOptions } from '@app/wechat-auth';
import { WechatPayNotifyModule, type WechatPayNotifyModuleOptions } from '@app/wechatpay-notify';
import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { appConfig, loadAppConfig, validateEnvironment, type AppConfig } from './config';
import { HealthModule } from './health/health.module';
import { LoggingModule } from './logging';
import { LookupsModule } from './lookups/lookups.module';
import { MetricsModule, PaymentMetrics, wechatAuthMetricsHooks } from './metrics';
import { NotifyModule } from './notify';
import { PaymentsDatabaseModule } from './payments';
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

const wechatPayNotifyOptions = (config: AppConfig): WechatPayNotifyModuleOptions => ({
  mchId: config.wechatPay.mchId,
  apiV3Key: config.wechatPay.apiV3Key,
  publicKeys: config.wechatPay.publicKeys.map((key) => ({ id: key.id, pem: key.pem })),
  platformCertificates: config.wechatPay.platformCertificates,
});

/**
 * The payment-notify app. `register()` reads and validates the environment when called, so a
 * bad variable stops start-up before anything else runs.
 */
@Module({})
export class AppModule {
  static register(): DynamicModule {
    // Which modules to load (BullMQ or in-process lookups) depends on the environment.
    const config = loadAppConfig(process.env);
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          validate: validateEnvironment,
          load: [appConfig],
        }),
        PaymentsDatabaseModule.forRoot(),
        LoggingModule.register(config),
        RedisModule.register(config),
        MetricsModule,
        WechatAuthModule.forRootAsync({
          isGlobal: true,
          imports: [MetricsModule],
          inject: [appConfig.KEY, APP_REDIS, PaymentMetrics],
          useFactory: wechatAuthOptions,
        }),
        WechatPayNotifyModule.forRootAsync({
          isGlobal: true,
          inject: [appConfig.KEY],
          useFactory: wechatPayNotifyOptions,
        }),
        LookupsModule.register(config),
        NotifyModule,
        ReadModule.register(config),
        HealthModule,
      ],
    };
  }
}
