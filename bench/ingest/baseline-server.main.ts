import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { failToParent } from '../support/child-process.util';
import {
  BaselineNotifyHandler,
  NotifyRejection,
  type BaselineOptions,
} from './baseline-notify.handler';

const MAX_BODY_BYTES = 1024 * 1024;

function answer(res: ServerResponse, status: number, message?: string): void {
  if (message === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  const body = JSON.stringify({ code: 'FAIL', message });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Child entry: the baseline, a bare `node:http` server doing the app's notify work. */
function main(): void {
  const handler = new BaselineNotifyHandler(JSON.parse(process.argv[2]) as BaselineOptions);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || req.url !== '/wechatpay/notify') {
      answer(res, req.url === '/health' ? 200 : 404);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) {
        answer(res, 413, 'body too large');
        return;
      }
      try {
        handler.handle(
          req.headers,
          chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size),
          (error) => (error === undefined ? answer(res, 204) : answer(res, 500, 'not stored')),
        );
      } catch (error) {
        if (error instanceof NotifyRejection) answer(res, error.status, error.message);
        else answer(res, 500, 'not stored');
      }
    });
  });
  server.listen(0, '127.0.0.1', () => {
    process.send?.({ type: 'ready', port: (server.address() as { port: number }).port });
  });
  const stop = () =>
    server.close(() => {
      handler.close();
      process.exit(0);
    });
  process.once('SIGTERM', () => {
    stop();
    server.closeAllConnections();
  });
  process.once('disconnect', () => process.exit(0));
}

try {
  main();
} catch (error) {
  failToParent(error);
}
