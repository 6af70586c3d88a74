import { Injectable } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * Holds the app's OpenAPI document for `GET /docs`. The document describes the whole
 * application, which only exists once it is created: `configureHttp` attaches the builder, and
 * the document is built on the first request.
 */
@Injectable()
export class OpenApiDocumentSource {
  private build?: () => OpenAPIObject;
  private built?: OpenAPIObject;

  attach(build: () => OpenAPIObject): void {
    this.build = build;
  }

  document(): OpenAPIObject {
    if (!this.build) throw new Error('the OpenAPI document builder is not attached');
    return (this.built ??= this.build());
  }
}
