import type { LoggerService } from '@nestjs/common';

/** Collects every log line (all levels); pass it to `TestingModuleBuilder.setLogger`. */
export class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  private record =
    (level: string) =>
    (message: unknown, ...rest: unknown[]) => {
      this.lines.push(
        `${level} ${[message, ...rest].map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(' ')}`,
      );
    };
  log = this.record('log');
  error = this.record('error');
  warn = this.record('warn');
  debug = this.record('debug');
  verbose = this.record('verbose');
  fatal = this.record('fatal');
}

/**
 * `jest.useFakeTimers` settings for specs that talk to a real server: sockets and streams need
 * the real nextTick, setImmediate and queueMicrotask; timers and Date are fake.
 */
export const FAKE_TIMERS_WITH_REAL_IO = {
  doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'],
} as const satisfies Parameters<typeof jest.useFakeTimers>[0];
