export * from './token-economy.bench';
