import { sendJson, sendRaw } from './http-io.util';
import type { SandboxFaultKind } from './interfaces';
import type { SandboxExchange } from './sandbox.context';
import { wechatError } from './wechat-error.util';

/** What WeChat's front proxies send on a 502. */
const BAD_GATEWAY_HTML =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n';

/** Answers (or deliberately does not answer) a request with an injected fault. */
export function answerWithFault(
  kind: SandboxFaultKind,
  exchange: SandboxExchange,
  nowMs: number,
): void {
  switch (kind) {
    case 'busy':
      sendJson(exchange.res, 200, wechatError(-1, nowMs));
      return;
    case 'http5xx':
      sendRaw(exchange.res, 502, 'text/html', BAD_GATEWAY_HTML);
      return;
    case 'reset':
      exchange.req.socket.destroy();
      return;
    case 'hang':
      // Never answered; stop() destroys the socket.
      return;
    default:
      sendJson(exchange.res, 200, wechatError(kind.errcode, nowMs, kind.errmsg));
  }
}
