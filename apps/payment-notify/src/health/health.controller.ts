import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  type HealthCheckResult,
  type HealthIndicatorFunction,
} from '@nestjs/terminus';
import { DatabaseHealthIndicator } from './database.health';
import { RedisHealthIndicator } from './redis.health';

/** `200` while the database (and Redis, when configured) answer, `503` otherwise. */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: the database (and Redis, when configured) answer' })
  check(): Promise<HealthCheckResult> {
    const checks: HealthIndicatorFunction[] = [() => this.database.check('database')];
    if (this.redis.configured) {
      checks.push(() => this.redis.check('redis'));
    }
    return this.health.check(checks);
  }
}
