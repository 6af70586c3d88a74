import { InMemoryAccessTokenStore } from './in-memory-access-token.store';

describe('InMemoryAccessTokenStore', () => {
  const token = (accessToken: string) => ({ accessToken, expiresAt: Date.now() + 60_000 });

  it('returns what was set until the TTL passes', async () => {
    const store = new InMemoryAccessTokenStore();
    await store.set('stable:wx1', token('t1'), 60_000);
    await expect(store.get('stable:wx1')).resolves.toMatchObject({ accessToken: 't1' });
    await store.set('stable:wx2', token('t2'), 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await expect(store.get('stable:wx2')).resolves.toBeUndefined();
  });

  it('deleteIfMatches deletes only the token it was given', async () => {
    const store = new InMemoryAccessTokenStore();
    await store.set('k', token('new'), 60_000);
    await expect(store.deleteIfMatches('k', 'old')).resolves.toBe(false);
    await expect(store.get('k')).resolves.toMatchObject({ accessToken: 'new' });
    await expect(store.deleteIfMatches('k', 'new')).resolves.toBe(true);
    await expect(store.get('k')).resolves.toBeUndefined();
  });
});
