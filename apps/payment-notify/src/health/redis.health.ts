import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import { InjectAppRedis } from '../redis/redis.module';

/** `up` when Redis answers PING; absent (always up) without `REDIS_URL`. */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @InjectAppRedis() private readonly redis: Redis | null,
  ) {}

  get configured(): boolean {
    return this.redis !== null;
  }

  async check(key: string): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    try {
      await this.redis?.ping();
      return indicator.up();
    } catch {
      return indicator.down({ message: 'Redis does not answer' });
    }
  }
}
