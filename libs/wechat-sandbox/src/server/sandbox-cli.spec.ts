import { EventEmitter } from 'node:events';
import { SandboxInputError } from './errors';
import { parseSandboxCliArgs, runSandboxCli } from './sandbox.cli';
import type { WechatSandbox } from './wechat-sandbox.server';

describe('runSandboxCli', () => {
  let sandbox: WechatSandbox | undefined;

  afterEach(async () => {
    await sandbox?.stop();
    sandbox = undefined;
  });

  it('parses --port, repeatable --app, --cloud and --seed', () => {
    expect(
      parseSandboxCliArgs([
        '--port',
        '0',
        '--app',
        'wx1:secret:with:colons',
        '--app=wx2:s2',
        '--cloud',
        'wxcloud',
        '--seed=9',
      ]),
    ).toEqual({
      port: 0,
      apps: [
        { appId: 'wx1', secret: 'secret:with:colons' },
        { appId: 'wx2', secret: 's2' },
      ],
      cloud: { appId: 'wxcloud' },
      seed: 9,
    });
  });

  it.each([
    [['--port', 'abc']],
    [['--port']],
    [['--app', 'no-colon-secret-value']],
    [['--app', ':only-secret-value']],
    [['--verbose']],
  ])('rejects %j without echoing a secret', (argv) => {
    let thrown: unknown;
    try {
      parseSandboxCliArgs(argv);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SandboxInputError);
    expect((thrown as Error).message).toMatch(/usage: /);
    expect((thrown as Error).message).not.toContain('secret-value');
  });

  it('starts a sandbox, prints where it listens, and stops on SIGTERM', async () => {
    const lines: string[] = [];
    const signals = new EventEmitter();
    sandbox = await runSandboxCli(['--app', 'wxcli0000000001:cli-secret', '--seed', '3'], {
      write: (line) => lines.push(line),
      signals,
    });
    expect(lines).toEqual([`WeChat sandbox listening on ${sandbox.url}`]);
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const res = await fetch(
      `${sandbox.url}/cgi-bin/token?grant_type=client_credential&appid=wxcli0000000001&secret=cli-secret`,
    );
    expect(await res.json()).toEqual({ access_token: expect.any(String), expires_in: 7200 });

    signals.emit('SIGTERM');
    // The handlers are removed only once the sandbox has stopped.
    for (let i = 0; i < 1000 && signals.listenerCount('SIGINT') > 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(signals.listenerCount('SIGINT')).toBe(0);
    expect(signals.listenerCount('SIGTERM')).toBe(0);
    await expect(fetch(`${sandbox.url}/__sandbox/counters`)).rejects.toThrow();
  });

  it('drops its signal handlers when the sandbox is stopped from code', async () => {
    const signals = new EventEmitter();
    sandbox = await runSandboxCli(['--cloud', 'wxcloud'], { write: () => undefined, signals });
    expect(signals.listenerCount('SIGINT')).toBe(1);
    await sandbox.stop();
    expect(signals.listenerCount('SIGINT')).toBe(0);
    expect(signals.listenerCount('SIGTERM')).toBe(0);
  });
});
