export * from './dto';
export * from './openapi-document.factory';
export * from './serve-openapi-document';
