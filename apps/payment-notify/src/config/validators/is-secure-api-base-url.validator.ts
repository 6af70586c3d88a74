import { isRemotePlainHttpUrl } from '@app/wechat-auth';
import { ValidateBy, type ValidationArguments, type ValidationOptions } from 'class-validator';

/**
 * In `stable` and `classic` modes the AppSecret travels to `WECHAT_API_BASE_URL`, so it must be
 * `https:`; plain `http:` is allowed only for a loopback host (a local sandbox) and in `cloud`
 * mode, where Cloud Hosting's own network carries the call and no secret is sent. A URL that does
 * not parse is left to `IsUrlWithScheme`.
 */
export function IsSecureApiBaseUrl(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isSecureApiBaseUrl',
      validator: {
        validate: (value: unknown, args?: ValidationArguments) =>
          typeof value !== 'string' ||
          (args?.object as { WECHAT_TOKEN_MODE?: string }).WECHAT_TOKEN_MODE === 'cloud' ||
          !isRemotePlainHttpUrl(value),
        defaultMessage: () =>
          '$property must be https:// (plain http:// only for a loopback host or WECHAT_TOKEN_MODE=cloud): the AppSecret would travel in clear',
      },
    },
    options,
  );
}
