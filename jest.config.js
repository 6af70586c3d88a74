const { existsSync } = require('node:fs');

/** @type {import('jest').Config} */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];

module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['apps', 'libs', 'test', 'bench']
    .filter((dir) => existsSync(`${__dirname}/${dir}`))
    .map((dir) => `<rootDir>/${dir}/`),
  testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@app/wechat-auth(|/.*)$': '<rootDir>/libs/wechat-auth/src$1',
    '^@app/wechat-sandbox(|/.*)$': '<rootDir>/libs/wechat-sandbox/src$1',
    '^@app/wechatpay-notify(|/.*)$': '<rootDir>/libs/wechatpay-notify/src$1',
    '^@app/paid-unionid-capture(|/.*)$': '<rootDir>/libs/paid-unionid-capture/src$1',
    // The package names, as the example apps in test/fixtures import them.
    '^@wxpay-unionid/nestjs-wechat-auth$': '<rootDir>/libs/wechat-auth/src',
    '^@wxpay-unionid/nestjs-wechatpay-notify$': '<rootDir>/libs/wechatpay-notify/src',
    '^@wxpay-unionid/nestjs-paid-unionid-capture$': '<rootDir>/libs/paid-unionid-capture/src',
    '^@wxpay-unionid/wechat-sandbox$': '<rootDir>/libs/wechat-sandbox/src',
  },
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/libs/.*/dist/'],
  globalSetup: '<rootDir>/test/infra/global-setup.ts',
  globalTeardown: '<rootDir>/test/infra/global-teardown.ts',
  maxWorkers: 2,
  testTimeout: 30000,
};
