/**
 * Where {@link runSandboxCli} writes and which signals it listens to. Defaults: `process.stdout`
 * and `process`.
 *
 * @publicApi
 */
export interface SandboxCliIo {
  /** Receives each output line, without the trailing newline. */
  write?: (line: string) => void;
  /** Emitter of `SIGINT` / `SIGTERM`. */
  signals?: SandboxSignalSource;
}

/**
 * The part of `process` the CLI uses to listen for signals.
 *
 * @publicApi
 */
export interface SandboxSignalSource {
  once(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  removeListener(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}
