import { SandboxInputError } from './errors';
import type {
  SandboxAppConfig,
  SandboxCliIo,
  SandboxComponentConfig,
  WechatSandboxOptions,
} from './interfaces';
import { WechatSandbox, onSandboxStopped } from './wechat-sandbox.server';

const USAGE =
  'usage: wechat-sandbox [--port N] [--app APPID:SECRET]... [--component APPID:SECRET:TOKEN:AESKEY]... [--cloud APPID] [--seed N]';

/**
 * Starts a sandbox from command-line arguments (`process.argv.slice(2)`):
 * `--port N`, `--app APPID:SECRET` (repeatable), `--component APPID:SECRET:TOKEN:AESKEY`
 * (repeatable), `--cloud APPID`, `--seed N`.
 * Prints `WeChat sandbox listening on http://127.0.0.1:PORT` and stops on SIGINT / SIGTERM.
 *
 * @publicApi
 */
export async function runSandboxCli(argv: string[], io: SandboxCliIo = {}): Promise<WechatSandbox> {
  const options = parseSandboxCliArgs(argv);
  const write = io.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const signals = io.signals ?? process;
  const sandbox = await WechatSandbox.start(options);

  const onSignal = (): void => {
    void sandbox.stop();
  };
  signals.once('SIGINT', onSignal);
  signals.once('SIGTERM', onSignal);
  // Whoever stops the sandbox, the handlers go, so Ctrl-C works normally again.
  onSandboxStopped(sandbox, () => {
    signals.removeListener('SIGINT', onSignal);
    signals.removeListener('SIGTERM', onSignal);
  });

  write(`WeChat sandbox listening on ${sandbox.url}`);
  return sandbox;
}

/** Parses the CLI arguments into sandbox options; accepts `--flag value` and `--flag=value`. */
export function parseSandboxCliArgs(argv: readonly string[]): WechatSandboxOptions {
  const apps: SandboxAppConfig[] = [];
  const components: SandboxComponentConfig[] = [];
  const options: WechatSandboxOptions = { apps };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      const inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
      const next = inline ?? argv[++i];
      if (next === undefined || next === '') {
        throw new SandboxInputError(`${flag} needs a value; ${USAGE}`);
      }
      return next;
    };
    switch (flag) {
      case '--port':
        options.port = integer(value(), '--port');
        break;
      case '--app':
        apps.push(appArg(value()));
        break;
      case '--component':
        components.push(componentArg(value()));
        options.components = components;
        break;
      case '--cloud':
        options.cloud = { appId: value() };
        break;
      case '--seed':
        options.seed = integer(value(), '--seed');
        break;
      default:
        throw new SandboxInputError(`unknown argument ${flag}; ${USAGE}`);
    }
  }
  return options;
}

function integer(text: string, flag: string): number {
  if (!/^\d+$/.test(text)) throw new SandboxInputError(`${flag} needs a whole number; ${USAGE}`);
  return Number(text);
}

function appArg(text: string): SandboxAppConfig {
  const colon = text.indexOf(':');
  // The message must not echo the argument: it may hold a secret.
  if (colon <= 0 || colon === text.length - 1) {
    throw new SandboxInputError(`--app needs APPID:SECRET; ${USAGE}`);
  }
  return { appId: text.slice(0, colon), secret: text.slice(colon + 1) };
}

/** `APPID:SECRET:TOKEN:AESKEY`; the secret may contain colons, the token and the key cannot. */
function componentArg(text: string): SandboxComponentConfig {
  const first = text.indexOf(':');
  const last = text.lastIndexOf(':');
  const beforeLast = last > 0 ? text.lastIndexOf(':', last - 1) : -1;
  // The message must not echo the argument: it holds a secret and keys.
  if (first <= 0 || beforeLast <= first + 1 || last <= beforeLast + 1 || last === text.length - 1) {
    throw new SandboxInputError(`--component needs APPID:SECRET:TOKEN:AESKEY; ${USAGE}`);
  }
  return {
    componentAppId: text.slice(0, first),
    componentSecret: text.slice(first + 1, beforeLast),
    token: text.slice(beforeLast + 1, last),
    encodingAesKey: text.slice(last + 1),
  };
}
