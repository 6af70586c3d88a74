import type { Logger } from '@nestjs/common';
import type { RedisTokenStoreClient } from './redis-token-store-options.interface';

/** ioredis states in which a command could only wait in the offline queue or fail. */
const DISCONNECTED = new Set(['reconnecting', 'close', 'end']);
const CREDENTIALS_IN_URL = /\/\/[^/\s@]*@/g;

/**
 * Runs Redis commands for `RedisTokenStore`: a command that fails or outlasts the timeout answers
 * its fallback instead. The first failure of an outage logs one warning, the first success after
 * it one log line. During an outage commands are sent only once the client reports `ready` again,
 * so callers do not each wait for the timeout.
 */
export class RedisCommandRunner {
  private unavailable = false;

  constructor(
    private readonly client: RedisTokenStoreClient,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {}

  async run<T>(command: () => Promise<T>, fallback: T): Promise<T> {
    const status = this.client.status;
    if (this.unavailable ? status !== 'ready' : DISCONNECTED.has(status)) {
      this.markUnavailable(`connection ${status}`);
      return fallback;
    }
    try {
      const result = await withTimeout(command(), this.timeoutMs);
      this.markAvailable();
      return result;
    } catch (error) {
      this.markUnavailable(describe(error));
      return fallback;
    }
  }

  private markUnavailable(reason: string): void {
    if (this.unavailable) {
      return;
    }
    this.unavailable = true;
    this.logger.warn(
      `Redis is unavailable (${reason}): access tokens come from each instance's own cache, ` +
        'fetched at most once per token lifetime, until Redis answers again',
    );
  }

  private markAvailable(): void {
    if (this.unavailable) {
      this.unavailable = false;
      this.logger.log('Redis answers again: access tokens are shared again');
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The error's code or message, without credentials a connection URL might carry. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) {
    return 'command failed';
  }
  const code = (error as { code?: unknown }).code;
  const text = typeof code === 'string' ? code : error.message;
  return text.replace(CREDENTIALS_IN_URL, '//***@').slice(0, 200);
}
