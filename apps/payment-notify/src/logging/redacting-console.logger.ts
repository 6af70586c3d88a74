import { ConsoleLogger, type ConsoleLoggerOptions, type LogLevel } from '@nestjs/common';
import type { SecretCensor } from './secret-censor';

/**
 * `LOG_FORMAT=text`: Nest's own console lines, each passed through the secret censor before it
 * is written (stack traces too).
 */
export class RedactingConsoleLogger extends ConsoleLogger {
  constructor(
    private readonly censor: SecretCensor,
    options: ConsoleLoggerOptions,
  ) {
    super(options);
  }

  protected override formatMessage(
    logLevel: LogLevel,
    message: unknown,
    pidMessage: string,
    formattedLogLevel: string,
    contextMessage: string,
    timestampDiff: string,
  ): string {
    return this.censor(
      super.formatMessage(
        logLevel,
        message,
        pidMessage,
        formattedLogLevel,
        contextMessage,
        timestampDiff,
      ),
    );
  }

  protected override printStackTrace(stack: string): void {
    super.printStackTrace(stack ? this.censor(stack) : stack);
  }
}
