import type { INestApplication } from '@nestjs/common';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { createOpenApiDocument } from './openapi-document.factory';

/** Where the OpenAPI JSON is served (both paths answer the same document). */
export const DOCS_PATHS = ['/docs', '/docs-json'] as const;

/**
 * Serves the OpenAPI document as JSON at `GET /docs` and `GET /docs-json`, built on the first
 * request. No Swagger UI: its assets would need `@fastify/static`; paste the JSON into any
 * OpenAPI viewer instead.
 */
export function serveOpenApiDocument(app: INestApplication): void {
  let document: OpenAPIObject | undefined;
  const build = (): OpenAPIObject => (document ??= createOpenApiDocument(app));
  for (const path of DOCS_PATHS) {
    SwaggerModule.setup(path, app, build, { ui: false, raw: ['json'], jsonDocumentUrl: path });
  }
}
