import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiExcludeController, type OpenAPIObject } from '@nestjs/swagger';
import { ReadApiTokenGuard } from '../read/read-api-token.guard';
import { OpenApiDocumentSource } from './openapi-document.source';

/**
 * The OpenAPI document as JSON at `GET /docs` and `GET /docs-json`. No Swagger UI: its assets
 * would need `@fastify/static`; paste the JSON into any OpenAPI viewer instead.
 */
@ApiExcludeController()
@UseGuards(ReadApiTokenGuard)
@Controller()
export class DocsController {
  constructor(private readonly source: OpenApiDocumentSource) {}

  @Get(['docs', 'docs-json'])
  @Header('Cache-Control', 'no-store')
  document(): OpenAPIObject {
    return this.source.document();
  }
}
