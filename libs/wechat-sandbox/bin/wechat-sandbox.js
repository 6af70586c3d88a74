#!/usr/bin/env node
'use strict';
// The `wechat-sandbox` command: a WeChat sandbox on 127.0.0.1 until SIGINT / SIGTERM.
// Arguments and behaviour are those of runSandboxCli (README: "The wechat-sandbox command").
const { runSandboxCli } = require('../dist/server/sandbox.cli.js');

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  process.stdout.write(
    [
      'usage: wechat-sandbox [--port N] [--app APPID:SECRET]...',
      '                      [--component APPID:SECRET:TOKEN:AESKEY]... [--cloud APPID] [--seed N]',
      '',
      'Serves GET /cgi-bin/token, POST /cgi-bin/stable_token, GET /wxa/getpaidunionid and the',
      'third-party platform endpoints POST /cgi-bin/component/* on 127.0.0.1, and the control API',
      'under /__sandbox (payments, apps, components, tickets, authorisations, faults, fail-next,',
      'clock, counters). Prints "WeChat sandbox listening on http://127.0.0.1:PORT" when ready.',
      '',
    ].join('\n'),
  );
} else {
  runSandboxCli(argv).catch((error) => {
    process.stderr.write(`wechat-sandbox: ${error instanceof Error ? error.message : error}\n`);
    process.exitCode = 2;
  });
}
