export * from './access-token.provider';
export * from './default-access-token.provider';
export * from './in-memory-access-token.store';
export * from './redis';
// Types only: Nest builds the fetcher; its type appears in DefaultAccessTokenProvider's constructor.
export type {
  AccessTokenFetcher,
  AccessTokenFetchOptions,
  FetchedAccessToken,
} from './access-token-fetcher';
