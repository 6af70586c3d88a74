import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

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
  return SwaggerModule.createDocument(app, config);
}
