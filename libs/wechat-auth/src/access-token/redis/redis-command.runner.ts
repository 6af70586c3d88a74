import type { Logger } from '@nestjs/common';

/** ioredis states in which a command could only wait in the offline queue or fail. */
const DISCONNECTED = new Set(['reconnecting', 'close', 'end']);
const CREDENTIALS_IN_URL = /\/\/[^/\s@]*@/g;
const MAX_DETAIL_LENGTH = 200;

/** What the runner tells of an outage, in the words of the store that uses it. */
export interface RedisOutageMessages {
  unavailable(reason: string): string;
  available: string;
}

/**
 * Runs the Redis commands of a store: a command that fails or outlasts the timeout throws
 * {@link RedisCommandFailure} (its text safe to show), or answers a fallback with `runOr`. The
 * first failure of an outage logs one warning, the first success after it one line. During an
 * outage commands are sent only once the client reports `ready` again, so callers do not each
 * wait for the timeout.
 */
export class RedisCommandRunner {
  private unavailable = false;

  constructor(
    private readonly client: { readonly status: string },
    private readonly timeoutMs: number,
    private readonly logger: Logger,
    private readonly messages: RedisOutageMessages,
  ) {}

  /**
   * @param secrets values masked in the failure's text, should Redis ever echo them
   * @throws RedisCommandFailure
   */
  async run<T>(command: () => Promise<T>, secrets: readonly string[] = []): Promise<T> {
    const status = this.client.status;
    if (this.unavailable ? status !== 'ready' : DISCONNECTED.has(status)) {
      throw this.failure(`connection ${status}`);
    }
    let result: T;
    try {
      result = await withTimeout(command(), this.timeoutMs);
    } catch (error) {
      throw this.failure(describe(error, secrets));
    }
    if (this.unavailable) {
      this.unavailable = false;
      this.logger.log(this.messages.available);
    }
    return result;
  }

  /** As `run`, but a failure answers `fallback`. */
  runOr<T>(command: () => Promise<T>, fallback: T): Promise<T> {
    return this.run(command).catch((error: unknown) => {
      if (error instanceof RedisCommandFailure) return fallback;
      throw error;
    });
  }

  private failure(reason: string): RedisCommandFailure {
    if (!this.unavailable) {
      this.unavailable = true;
      this.logger.warn(this.messages.unavailable(reason));
    }
    return new RedisCommandFailure(reason);
  }
}

/** A Redis command failed; `message` holds no secret and no credential. */
export class RedisCommandFailure extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The error's code or message, without credentials or the given secrets, and short. */
function describe(error: unknown, secrets: readonly string[]): string {
  if (!(error instanceof Error)) return 'command failed';
  const code = (error as { code?: unknown }).code;
  let text = (typeof code === 'string' ? code : error.message).replace(
    CREDENTIALS_IN_URL,
    '//***@',
  );
  // Raw, and as it appears inside a JSON value sent to Redis.
  for (const secret of secrets.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)])) {
    if (secret.length > 0) text = text.split(secret).join('***');
  }
  return text.length > MAX_DETAIL_LENGTH ? `${text.slice(0, MAX_DETAIL_LENGTH)}...` : text;
}
