import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Redis } from 'ioredis';
import type { AppConfig } from '../config';

/** The app's Redis client (token store, health), or `null` without `REDIS_URL`. */
export const APP_REDIS = 'PAYMENT_NOTIFY:REDIS';

/** Inject the app's Redis client (`Redis | null`). */
export const InjectAppRedis = (): ParameterDecorator => Inject(APP_REDIS);

/** Closes the client on shutdown. */
@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@InjectAppRedis() private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}

/**
 * One Redis client for the shared token store and the health check. It fails fast when Redis
 * is down (no offline queue, one retry) so callers fall back instead of waiting.
 */
@Module({})
export class RedisModule {
  static register(config: Pick<AppConfig, 'redisUrl'>): DynamicModule {
    const logger = new Logger(RedisModule.name);
    return {
      module: RedisModule,
      global: true,
      providers: [
        {
          provide: APP_REDIS,
          useFactory: (): Redis | null => {
            if (!config.redisUrl) return null;
            if (isUnprotectedRedisUrl(config.redisUrl)) {
              logger.warn(
                'REDIS_URL has no password and no TLS (rediss://): access tokens and lookup jobs travel and rest unprotected',
              );
            }
            const client = new Redis(config.redisUrl, {
              enableOfflineQueue: false,
              maxRetriesPerRequest: 1,
              connectTimeout: 2000,
            });
            // The token store reports outages once; ioredis would print every failed reconnect.
            client.on('error', () => undefined);
            client.on('ready', () => logger.log('Redis connected'));
            return client;
          },
        },
        RedisCloser,
      ],
      exports: [APP_REDIS],
    };
  }
}

/** A `redis://` URL without a password: anyone who reaches the port reads the access token. */
export function isUnprotectedRedisUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'redis:' && parsed.password === '';
  } catch {
    return false;
  }
}
