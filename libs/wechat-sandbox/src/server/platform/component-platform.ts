import { SandboxInputError } from '../errors';
import type {
  SandboxComponentAuthorizationInput,
  SandboxComponentAuthorizationResult,
  SandboxComponentConfig,
  SandboxComponentPushAnswer,
  SandboxComponentPushOutcome,
  SandboxComponentTicketPush,
  SandboxComponentUnauthorizationInput,
  SandboxComponentUnauthorizationResult,
} from '../interfaces';
import type { SandboxContext } from '../sandbox.context';
import type { IssuedAuthorizationCode } from './authorization.registry';
import type { CheckedAuthorizationInput } from './component-input.validator';
import { buildComponentEventXml, buildComponentPush } from './component-push.builder';
import { sendComponentPush } from './component-push.sender';
import { ComponentTicketScheduler } from './component-ticket.scheduler';

type AuthorizationEvent = 'authorized' | 'updateauthorized';

/**
 * The WeChat side of a third-party platform: issues tickets and authorisations and pushes them,
 * encrypted and signed, to the platform's authorisation-event URL. Inputs are already checked.
 */
export class ComponentPlatform {
  private readonly scheduler: ComponentTicketScheduler;

  constructor(
    private readonly ctx: SandboxContext,
    private readonly stopSignal: AbortSignal,
  ) {
    this.scheduler = new ComponentTicketScheduler(
      ctx.clock,
      (componentAppId) => this.issueTicket(componentAppId),
      (componentAppId, url, ticket) => this.sendTicket(this.config(componentAppId), url, ticket),
    );
  }

  add(config: SandboxComponentConfig): void {
    this.ctx.components.add(config);
  }

  issueTicket(componentAppId: string): string {
    this.config(componentAppId);
    return this.ctx.components.issueTicket(componentAppId);
  }

  async pushTicket(componentAppId: string, url?: string): Promise<SandboxComponentTicketPush> {
    const config = this.config(componentAppId);
    const target = url ?? this.scheduler.url(componentAppId);
    if (target === undefined) {
      throw new SandboxInputError(
        `pushComponentTicket needs a url: none given and no event URL set for ${componentAppId}`,
      );
    }
    const ticket = this.ctx.components.issueTicket(componentAppId);
    return { ticket, ...(await this.sendTicket(config, target, ticket)) };
  }

  setEventUrl(componentAppId: string, url: string | undefined): void {
    this.config(componentAppId);
    this.scheduler.set(componentAppId, url);
  }

  settlePushes(): Promise<SandboxComponentPushOutcome[]> {
    return this.scheduler.settle();
  }

  authorize(input: CheckedAuthorizationInput): Promise<SandboxComponentAuthorizationResult> {
    const { componentAppId, authorizerAppId } = input;
    this.config(componentAppId);
    if (this.ctx.authorizations.isActive(componentAppId, authorizerAppId)) {
      throw new SandboxInputError(
        `${authorizerAppId} has already authorised ${componentAppId}; use updateComponentAuthorization`,
      );
    }
    const preAuthCode = this.usePreAuthCode(componentAppId, input.preAuthCode);
    const code = this.ctx.authorizations.authorize(componentAppId, authorizerAppId, input.funcIds);
    return this.announce('authorized', input, code, preAuthCode);
  }

  updateAuthorization(
    input: CheckedAuthorizationInput,
  ): Promise<SandboxComponentAuthorizationResult> {
    const { componentAppId, authorizerAppId } = input;
    this.config(componentAppId);
    if (!this.ctx.authorizations.isActive(componentAppId, authorizerAppId)) {
      throw new SandboxInputError(`${authorizerAppId} has not authorised ${componentAppId}`);
    }
    const preAuthCode = this.usePreAuthCode(componentAppId, input.preAuthCode);
    const code = this.ctx.authorizations.update(componentAppId, authorizerAppId, input.funcIds);
    return this.announce('updateauthorized', input, code, preAuthCode);
  }

  async unauthorize(
    input: SandboxComponentUnauthorizationInput,
  ): Promise<SandboxComponentUnauthorizationResult> {
    const config = this.config(input.componentAppId);
    this.ctx.authorizations.revoke(input.componentAppId, input.authorizerAppId);
    const target = input.url ?? this.scheduler.url(input.componentAppId);
    if (target === undefined) return {};
    return this.push(config, target, {
      AppId: config.componentAppId,
      CreateTime: this.nowSeconds(),
      InfoType: 'unauthorized',
      AuthorizerAppid: input.authorizerAppId,
    });
  }

  rotateRefreshToken(componentAppId: string, authorizerAppId: string): void {
    this.config(componentAppId);
    this.ctx.authorizations.rotateRefreshToken(componentAppId, authorizerAppId);
  }

  private async announce(
    infoType: AuthorizationEvent,
    input: SandboxComponentAuthorizationInput,
    code: IssuedAuthorizationCode,
    preAuthCode: string,
  ): Promise<SandboxComponentAuthorizationResult> {
    const config = this.config(input.componentAppId);
    const result = { authorizationCode: code.code, expiresAt: code.expiresAt };
    const target = input.url ?? this.scheduler.url(input.componentAppId);
    if (target === undefined) return result;
    const answer = await this.push(config, target, {
      AppId: config.componentAppId,
      CreateTime: this.nowSeconds(),
      InfoType: infoType,
      AuthorizerAppid: input.authorizerAppId,
      AuthorizationCode: code.code,
      // Unix seconds of the expiry (WeChat's docs only say "单位秒").
      AuthorizationCodeExpiredTime: Math.floor(code.expiresAt / 1000),
      PreAuthCode: preAuthCode,
    });
    return { ...result, ...answer };
  }

  /** Uses up the given pre_auth_code, or makes one up (the merchant used some pre_auth_code). */
  private usePreAuthCode(componentAppId: string, given: string | undefined): string {
    const components = this.ctx.components;
    const code = given ?? components.issuePreAuthCode(componentAppId).pre_auth_code;
    if (!components.usePreAuthCode(componentAppId, code)) {
      throw new SandboxInputError(
        `preAuthCode is not a valid, unused pre_auth_code of ${componentAppId}`,
      );
    }
    return code;
  }

  private sendTicket(
    config: SandboxComponentConfig,
    url: string,
    ticket: string,
  ): Promise<SandboxComponentPushAnswer> {
    return this.push(config, url, {
      AppId: config.componentAppId,
      CreateTime: this.nowSeconds(),
      InfoType: 'component_verify_ticket',
      ComponentVerifyTicket: ticket,
    });
  }

  private push(
    config: SandboxComponentConfig,
    url: string,
    fields: Record<string, string | number>,
  ): Promise<SandboxComponentPushAnswer> {
    this.ctx.counters.component('componentPushes');
    const push = buildComponentPush({
      componentAppId: config.componentAppId,
      token: config.token,
      encodingAesKey: config.encodingAesKey,
      xml: buildComponentEventXml(fields),
      timestamp: this.nowSeconds(),
    });
    return sendComponentPush(url, push, this.stopSignal);
  }

  private config(componentAppId: string): SandboxComponentConfig {
    const config = this.ctx.components.get(componentAppId);
    if (!config) throw new SandboxInputError(`${componentAppId} is not a configured component`);
    return config;
  }

  private nowSeconds(): number {
    return Math.floor(this.ctx.clock.now() / 1000);
  }
}
