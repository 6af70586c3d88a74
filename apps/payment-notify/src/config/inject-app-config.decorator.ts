import { Inject } from '@nestjs/common';
import { appConfig } from './app.config';

/** Injects the typed {@link AppConfig} registered by {@link appConfig}. */
export const InjectAppConfig = (): PropertyDecorator & ParameterDecorator => Inject(appConfig.KEY);
