import { PaidUnionIdStore } from '@app/paid-unionid-capture';
import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';

/** How long the database may take to answer a health check. */
const PING_TIMEOUT_MS = 1500;

/** `up` when the capture's database answers `SELECT 1` in time. */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly store: PaidUnionIdStore,
  ) {}

  async check(key: string): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), PING_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.store.ping(), timeout]);
      return indicator.up();
    } catch {
      return indicator.down({ message: 'the database does not answer' });
    } finally {
      clearTimeout(timer);
    }
  }
}
