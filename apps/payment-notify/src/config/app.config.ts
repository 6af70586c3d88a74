import { registerAs } from '@nestjs/config';
import { APP_CONFIG_NAMESPACE } from './app-config.constants';
import { loadAppConfig } from './app-config.loader';
import type { AppConfig } from './interfaces';

/**
 * The typed config as a `@nestjs/config` namespace: pass it to `ConfigModule.forRoot({ load })`
 * and inject it with {@link InjectAppConfig} (or `inject: [appConfig.KEY]` in factories).
 * It reads `process.env`, which `ConfigModule` has already validated and completed by then.
 */
export const appConfig = registerAs(APP_CONFIG_NAMESPACE, (): AppConfig => loadAppConfig());

/**
 * The same namespace (same `appConfig.KEY`) holding a configuration loaded already: the app
 * loads and validates the environment once, at start-up, and hands it over.
 */
export const loadedAppConfig = (config: AppConfig) =>
  registerAs(APP_CONFIG_NAMESPACE, (): AppConfig => config);
