import { WechatSandbox, type SandboxPaymentInput } from '@app/wechat-sandbox';
import { readFileSync } from 'node:fs';
import { SANDBOX_APP } from '../../apps/payment-notify/src/testing';
import { failToParent } from './child-process.util';
import type { SandboxProcessOptions } from './sandbox.launcher';

/** Child entry: a WeChat sandbox in its own process, so its CPU is never the measured one's. */
async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as SandboxProcessOptions;
  const sandbox = await WechatSandbox.start({ apps: [SANDBOX_APP], seed: options.seed });
  if (options.faults) sandbox.setFaults(options.faults);
  let registered = 0;
  if (options.paymentsFile) {
    for (const line of readFileSync(options.paymentsFile, 'utf8').split('\n')) {
      if (line === '') continue;
      sandbox.registerPayment(JSON.parse(line) as SandboxPaymentInput);
      registered += 1;
    }
  }
  // The sandbox clock only moves when told: follow real time so the 5-minute window is real.
  const ticker = options.realTimeClock
    ? setInterval(() => sandbox.clock.set(Date.now()), 50)
    : undefined;
  const stop = () => {
    clearInterval(ticker);
    void sandbox.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  process.send?.({ type: 'ready', url: sandbox.url, registered });
}

main().catch(failToParent);
