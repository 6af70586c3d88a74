export * from './docs.controller';
export * from './dto';
export * from './openapi-document.factory';
export * from './openapi-document.source';
