import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { FailBodyDto, NotificationEnvelopeDto } from './dto';

const FAIL_BODY = { $ref: '#/components/schemas/FailBody' };
const fail = (description: string) => ({
  description,
  content: { 'application/json': { schema: FAIL_BODY } },
});
const header = (name: string, description?: string) => ({
  name,
  in: 'header',
  required: true,
  schema: { type: 'string' },
  ...(description && { description }),
});

/**
 * `POST /wechatpay/notify` is served by `WechatPayNotifyModule`, which knows nothing of
 * OpenAPI: its description is written here.
 */
const NOTIFY_OPERATION = {
  tags: ['wechatpay'],
  summary: 'WeChat Pay API v3 notification',
  description:
    'Verified over the exact bytes received, decrypted and stored before the answer; never waits ' +
    'on WeChat. A repeat of a stored payment, another event type or a trade state other than ' +
    'SUCCESS is acknowledged too (204) and changes nothing.',
  parameters: [
    header(
      'Wechatpay-Timestamp',
      'Unix seconds; rejected when more than 5 minutes from the server clock',
    ),
    header('Wechatpay-Nonce'),
    header(
      'Wechatpay-Signature',
      'Base64 SHA256-RSA over timestamp, nonce and the body, each followed by a newline',
    ),
    header(
      'Wechatpay-Serial',
      'WeChat Pay public key id (PUB_KEY_ID_...) or platform certificate serial',
    ),
  ],
  requestBody: {
    required: true,
    content: {
      'application/json': { schema: { $ref: '#/components/schemas/NotificationEnvelope' } },
    },
  },
  responses: {
    '204': { description: 'Accepted (stored, or already stored, or not a payment)' },
    '400': fail('Missing header, malformed body, decryption failed, wrong mchid'),
    '401': fail('Bad signature, unknown serial, timestamp outside 5 minutes'),
    '413': fail('Body over 64 KiB'),
    '500': fail('Could not be stored; WeChat delivers it again'),
  },
};

/** The OpenAPI 3 description of the app's routes, built from the controllers' decorators. */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('payment-notify')
    .setDescription(
      'Turns every WeChat Pay "transaction success" notification into a stored unionid. ' +
        'WeChat Pay calls POST /wechatpay/notify; the read routes report what became of a payment.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'READ_API_TOKEN' })
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [FailBodyDto, NotificationEnvelopeDto],
  });
  document.paths['/wechatpay/notify'] = {
    post: NOTIFY_OPERATION,
  } as OpenAPIObject['paths'][string];
  return document;
}
