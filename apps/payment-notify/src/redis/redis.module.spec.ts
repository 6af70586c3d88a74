import { isUnprotectedRedisUrl } from './redis.module';

describe('isUnprotectedRedisUrl', () => {
  it.each(['redis://127.0.0.1:6379', 'redis://cache:6379/2', 'redis://user@cache:6379'])(
    'flags %s (no password, no TLS)',
    (url) => expect(isUnprotectedRedisUrl(url)).toBe(true),
  );
  it.each(['redis://:pw@cache:6379', 'redis://user:pw@cache:6379', 'rediss://cache:6380'])(
    'accepts %s',
    (url) => expect(isUnprotectedRedisUrl(url)).toBe(false),
  );
});
