// Loaded from .pack-check/: boots WechatAuthModule from the packed tarball, by package name.
require('reflect-metadata');
const { Test } = require('@nestjs/testing');
const name = process.argv[2];
const lib = require(name);
const entry = require.resolve(name);
if (!entry.includes('.pack-check/node_modules')) {
  throw new Error(`resolved ${entry}, not the packed copy`);
}
(async () => {
  const moduleRef = await Test.createTestingModule({
    imports: [
      lib.WechatAuthModule.forRoot({ appId: 'wx0123456789abcdef', secret: 'x'.repeat(32) }),
    ],
  }).compile();
  const service = moduleRef.get(lib.PaidUnionIdService);
  await service.getPaidUnionId({ openid: '', transactionId: '1' }).then(
    () => {
      throw new Error('validation did not reject');
    },
    (error) => {
      if (!(error instanceof lib.WechatValidationError)) throw error;
    },
  );
  await moduleRef.close();
  console.log(`pack check ok: ${name} loaded from ${entry}`);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
