export * from './is-database-url.validator';
export * from './is-pem-file.validator';
export * from './is-url-with-scheme.validator';
export * from './is-secure-api-base-url.validator';
