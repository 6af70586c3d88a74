import type {
  AccessTokenStore,
  StoredAccessToken,
} from '../interfaces/access-token-store.interface';

/** The default store: a Map in this process. @publicApi */
export class InMemoryAccessTokenStore implements AccessTokenStore {
  private readonly entries = new Map<string, { token: StoredAccessToken; until: number }>();

  async get(key: string): Promise<StoredAccessToken | undefined> {
    const entry = this.entries.get(key);
    if (entry && entry.until <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry?.token;
  }

  async set(key: string, token: StoredAccessToken, ttlMs: number): Promise<void> {
    this.entries.set(key, { token, until: Date.now() + ttlMs });
  }

  async deleteIfMatches(key: string, accessToken: string): Promise<boolean> {
    if (this.entries.get(key)?.token.accessToken !== accessToken) {
      return false;
    }
    return this.entries.delete(key);
  }
}
