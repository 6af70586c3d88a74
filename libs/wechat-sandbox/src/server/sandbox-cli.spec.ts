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

  it('parses repeatable --component APPID:SECRET:TOKEN:AESKEY (the secret may hold colons)', () => {
    const key = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
    expect(
      parseSandboxCliArgs([
        '--component',
        `wxc1:sec:ret:tok1:${key}`,
        `--component=wxc2:s2:tok2:${key}`,
      ]),
    ).toEqual({
      apps: [],
      components: [
        { componentAppId: 'wxc1', componentSecret: 'sec:ret', token: 'tok1', encodingAesKey: key },
        { componentAppId: 'wxc2', componentSecret: 's2', token: 'tok2', encodingAesKey: key },
      ],
    });
  });

  it('starts a sandbox with a --component whose api_component_token works', async () => {
    const key = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
    sandbox = await runSandboxCli(['--component', `wxclicomponent01:cli-secret:tok:${key}`], {
      write: () => undefined,
      signals: new EventEmitter(),
    });
    const ticket = sandbox.issueComponentTicket('wxclicomponent01');
    const res = await fetch(`${sandbox.url}/cgi-bin/component/api_component_token`, {
      method: 'POST',
      body: JSON.stringify({
        component_appid: 'wxclicomponent01',
        component_appsecret: 'cli-secret',
        component_verify_ticket: ticket,
      }),
    });
    expect(await res.json()).toEqual({
      component_access_token: expect.any(String),
      expires_in: 7200,
    });
  });

  it('refuses a --component with a bad key at start, without echoing it', async () => {
    const started = runSandboxCli(['--component', 'wxc:s:t:secret-value-key'], {
      write: () => undefined,
      signals: new EventEmitter(),
    });
    await expect(started).rejects.toThrow(/encodingAesKey/);
    await expect(started).rejects.not.toThrow(/secret-value/);
  });

  it.each([
    [['--component', 'wxc:secret-value:tok']],
    [['--component', 'wxc::tok:key']],
    [['--component', 'wxc:secret-value::key']],
    [['--component', 'wxc:secret-value:tok:']],
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
