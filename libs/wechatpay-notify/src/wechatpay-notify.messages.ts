function describeCause(cause: unknown): string {
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}

/**
 * Every message the library puts into an error or a log line. Messages are short, name headers or
 * fields only, and never contain a key, the APIv3 key, a header value or the request body
 * (`handlerFailed` quotes the application handler's own error, for the log only).
 */
export const WECHATPAY_NOTIFY_MESSAGES = {
  missingHeader: (header: string) => `${header} header is missing`,
  repeatedHeader: (header: string) => `${header} header is repeated`,
  malformedTimestamp: 'Wechatpay-Timestamp header is not a unix timestamp',
  staleTimestamp: 'Wechatpay-Timestamp is outside the allowed clock skew',
  unsupportedSignatureType: 'Wechatpay-Signature-Type is not supported',
  unknownSerial: 'Wechatpay-Serial matches no configured WeChat Pay key',
  badSignature: 'Wechatpay-Signature does not match the request',
  signatureProbe: 'Wechatpay-Signature is a WeChat Pay verification probe (WECHATPAY/SIGNTEST/)',
  bodyTooLarge: (maxBodyBytes: number) => `Request body is larger than ${maxBodyBytes} bytes`,
  missingBody: 'Raw request body is unavailable (enable rawBody in the Nest application)',
  noRawBody: 'Request body is missing or its content type is not application/json',
  rawBodyDisabled:
    'req.rawBody is missing: create the application with NestFactory.create(AppModule, { rawBody: true }) ' +
    'so that the WeChat Pay notify route can verify the exact bytes received; every notification is rejected until then',
  internalError: 'internal error, please retry',
  handlerFailed: (handler: string, eventType: string, notificationId: string, cause: unknown) =>
    `${handler} failed on ${eventType} notification ${notificationId}: ${describeCause(cause)}`,
  noEventType:
    "@OnWechatPayNotification() needs at least one non-empty event type (e.g. 'TRANSACTION.SUCCESS' or '*')",
  staticHandler: (name: string) =>
    `@OnWechatPayNotification() on static method ${name}: handlers must be instance methods of a provider`,
  scopedHandler: (name: string) =>
    `@OnWechatPayNotification() handlers must be on singleton providers; ${name} is request-scoped or transient`,
  invalidPath: 'path: must be a non-empty route path, e.g. wechatpay/notify',
  bodyNotJson: 'Request body is not valid JSON',
  malformedEnvelope: (fields: readonly string[]) =>
    `Notification envelope is malformed: ${fields.join(', ')}`,
  unsupportedResourceAlgorithm: 'resource.algorithm is not supported',
  decryptFailed: 'resource could not be decrypted (wrong APIv3 key or altered ciphertext)',
  resourceNotJsonObject: 'Decrypted resource is not a JSON object',
  invalidPayload: (fields: readonly string[]) =>
    `Decrypted resource is invalid: ${fields.join(', ')}`,
  mchIdMismatch: 'Notification belongs to another merchant',
  invalidOptions: (problems: readonly string[]) =>
    `Invalid WechatPayNotifyModule options: ${problems.join('; ')}`,
} as const;
