import type { IncomingMessage } from 'node:http';
import { requestIdOf } from './request-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const request = (headers: Record<string, string | string[]>) =>
  ({ headers }) as unknown as IncomingMessage;

describe('requestIdOf', () => {
  it("keeps the caller's X-Request-Id when it looks like an id", () => {
    expect(requestIdOf(request({ 'x-request-id': 'lb-7f3a:42.1_x' }))).toBe('lb-7f3a:42.1_x');
  });

  it.each([
    ['missing', {}],
    ['empty', { 'x-request-id': '' }],
    ['too long', { 'x-request-id': 'a'.repeat(129) }],
    ['with a newline', { 'x-request-id': 'id\n{"level":60}' }],
    ['with spaces', { 'x-request-id': 'a b' }],
    ['repeated', { 'x-request-id': ['a', 'b'] }],
  ])('makes up a random UUID when it is %s', (_label, headers) => {
    expect(requestIdOf(request(headers))).toMatch(UUID);
  });

  it('makes up a different id for each request', () => {
    expect(requestIdOf(request({}))).not.toBe(requestIdOf(request({})));
  });
});
