import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';

/** A message sent over a benchmark child's IPC channel: always an object with a `type`. */
export interface IpcMessage {
  type: string;
}

/** Forks a compiled benchmark entry with an IPC channel; its stdout/stderr go to ours. */
export function forkEntry(
  entry: string,
  args: string[] = [],
  options: ForkOptions = {},
): ChildProcess {
  return fork(entry, args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [],
    ...options,
  });
}

/** Resolves with the child's next message of `type`; rejects if it exits first or on timeout. */
export function nextMessage<T extends IpcMessage>(
  child: ChildProcess,
  type: T['type'],
  timeoutMs = 60_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown) => {
      if (isIpcMessage(message) && message.type === 'error') {
        cleanup();
        reject(
          new Error(
            `child ${child.pid}: ${(message as IpcMessage & { message?: string }).message}`,
          ),
        );
      } else if (isIpcMessage(message) && message.type === type) {
        cleanup();
        resolve(message as T);
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      cleanup();
      reject(new Error(`child ${child.pid} exited (${signal ?? code}) before sending ${type}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`child ${child.pid} sent no ${type} within ${timeoutMs} ms`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Sends `message` and waits for the answer of type `replyType`. */
export function request<T extends IpcMessage>(
  child: ChildProcess,
  message: IpcMessage & Record<string, unknown>,
  replyType: T['type'],
  timeoutMs?: number,
): Promise<T> {
  const reply = nextMessage<T>(child, replyType, timeoutMs);
  child.send(message);
  return reply;
}

/** Signals the child and waits for it to exit; SIGKILL after `graceMs`. */
export async function stopChild(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 15_000,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

function isIpcMessage(message: unknown): message is IpcMessage {
  return typeof message === 'object' && message !== null && 'type' in message;
}

/**
 * For child entries: reports an uncaught failure to the parent as `{ type: 'error' }` and exits.
 */
export function failToParent(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${message}\n`);
  if (process.send) {
    process.send({ type: 'error', message }, () => process.exit(1));
  } else {
    process.exit(1);
  }
}
