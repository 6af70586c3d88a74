/**
 * `@wxpay-unionid/nestjs-wechat-auth/testing`: the contract suites of the library's extension
 * points, for Jest (they use its globals `describe`/`it`/`expect`).
 */
export * from './component/store/testing';
