import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { appConfig, type AppConfig } from '../config';
import { pinoParams } from './pino-params.factory';
import { createSecretCensor, secretsOf } from './secret-censor';

/**
 * `LOG_FORMAT=json`: nestjs-pino's request logging and request context (request id) for every
 * route. `LOG_FORMAT=text` adds nothing: Nest's console logger stays, without request lines.
 */
@Module({})
export class LoggingModule {
  static register(config: Pick<AppConfig, 'logFormat'>): DynamicModule {
    if (config.logFormat !== 'json') {
      return { module: LoggingModule };
    }
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [appConfig.KEY],
          useFactory: (config: AppConfig) =>
            pinoParams(config, createSecretCensor(secretsOf(config))),
        }),
      ],
    };
  }
}
