import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AddressInfo } from 'node:net';
import { AppModule } from './app.module';
import { InvalidEnvironmentError, loadAppConfig } from './config';
import { configureHttp, createHttpAdapter, HTTP_APP_OPTIONS } from './http/configure-http';
import { createAppLogger, reportStartupFailure } from './logging';

async function bootstrap(): Promise<void> {
  // Validate first: a bad variable ends start-up with one line, before Nest logs anything.
  const config = loadAppConfig(process.env);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(config),
    createHttpAdapter(),
    { ...HTTP_APP_OPTIONS, logger: createAppLogger(config) },
  );
  configureHttp(app);
  await app.listen(config.port, '0.0.0.0');
  const { port } = app.getHttpServer().address() as AddressInfo;
  Logger.log(`payment-notify listening on http://0.0.0.0:${port}`, 'Bootstrap');
  closeOnSignals(app);
}

/**
 * SIGTERM/SIGINT: stop taking requests, let in-flight lookups finish or hand their rows back,
 * close the database, then exit 0 (Nest's own shutdown hooks re-raise the signal instead).
 */
function closeOnSignals(app: NestFastifyApplication): void {
  const close = (signal: NodeJS.Signals) => {
    Logger.log(`${signal} received, shutting down`, 'Bootstrap');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        Logger.error(
          `Shutdown failed: ${error instanceof Error ? error.message : String(error)}`,
          'Bootstrap',
        );
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
}

bootstrap().catch((error: unknown) => {
  reportStartupFailure(
    error instanceof InvalidEnvironmentError
      ? error.message
      : `payment-notify failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
