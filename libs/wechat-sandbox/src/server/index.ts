export { SandboxInputError } from './errors';
export type {
  SandboxAppConfig,
  SandboxCliIo,
  SandboxClock,
  SandboxCounters,
  SandboxErrorFault,
  SandboxFaultKind,
  SandboxFaults,
  SandboxPayment,
  SandboxPaymentInput,
  SandboxRequestRecord,
  SandboxSignalSource,
  WechatSandboxOptions,
} from './interfaces';
export { parseSandboxCliArgs, runSandboxCli } from './sandbox.cli';
export { WechatSandbox } from './wechat-sandbox.server';
