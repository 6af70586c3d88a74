export * from './store/testing';
/** Options that open a database with this module's entities and migrations, for the suite's targets. */
export { createTypeOrmOptions as captureDataSourceOptions } from './store/typeorm-options.factory';
export { parseDatabaseUrl } from './store/database-url.parser';
