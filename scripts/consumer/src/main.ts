import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AddressInfo } from 'node:net';
import { AppModule, type AppEnv } from './app.module';

async function main(): Promise<void> {
  const root = AppModule.register(process.env as unknown as AppEnv);
  const options = { rawBody: true, logger: ['error' as const, 'warn' as const] };
  const app =
    process.env.PLATFORM === 'fastify'
      ? await NestFactory.create<NestFastifyApplication>(root, new FastifyAdapter(), options)
      : await NestFactory.create(root, options);
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ listening: port })}\n`);
}

void main();
