import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { HttpErrorDto } from '../docs/dto';
import { ReadApiTokenGuard } from '../read/read-api-token.guard';
import { PaymentMetrics } from './payment-metrics.service';

/** Prometheus scrape endpoint, behind the read token. */
@ApiTags('operations')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: HttpErrorDto, description: 'No valid READ_API_TOKEN bearer' })
@UseGuards(ReadApiTokenGuard)
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: PaymentMetrics) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format 0.0.4)' })
  @ApiProduces(Registry.PROMETHEUS_CONTENT_TYPE)
  @ApiOkResponse({ description: 'The metrics', schema: { type: 'string' } })
  scrape(): Promise<string> {
    return this.metrics.metrics();
  }
}
