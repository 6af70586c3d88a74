import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AccessTokenProvider } from '../access-token/access-token.provider';
import { DefaultAccessTokenProvider } from '../access-token/default-access-token.provider';
import { WechatApiError } from '../errors/wechat-api.error';
import type {
  ResolvedWechatAuthOptions,
  ResolvedWechatComponent,
} from '../interfaces/resolved-options.interface';
import { WECHAT_AUTH_RESOLVED_OPTIONS } from '../wechat-auth.internal-constants';
import { isKnownWechatComponentEvent, type WechatComponentEvent } from './crypto';
import { WechatComponentHandlerError } from './events/wechat-component-handler.error';
import { ComponentEventsExplorer } from './events/component-events.explorer';
import type { StoredAuthorizer } from './store/wechat-component.store';
import { WechatComponentClient } from './wechat-component.client';

/** What the module did with an event before the handlers ran. @publicApi */
export type WechatComponentEventOutcome =
  | 'ticket-stored'
  | 'ticket-outdated'
  | 'authorizer-stored'
  | 'authorizer-outdated'
  | 'code-rejected'
  | 'authorizer-revoked'
  | 'ignored';

/**
 * The third-party platform ("component") side of `WechatAuthModule`: acts on the pushes of the
 * authorisation-event URL and tells what is known of an authoriser. The module's own route
 * (`componentEventsPath`) uses it; a controller of your own can too, after
 * `WechatComponentMessageCrypto.verifyAndDecrypt`.
 *
 * @publicApi
 */
@Injectable()
export class WechatComponentService implements OnApplicationBootstrap {
  private readonly logger = new Logger('WechatComponent');

  constructor(
    private readonly client: WechatComponentClient,
    private readonly tokens: AccessTokenProvider,
    private readonly explorer: ComponentEventsExplorer,
    @Inject(WECHAT_AUTH_RESOLVED_OPTIONS) private readonly options: ResolvedWechatAuthOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.component?.storeIsDefault) {
      this.logger.warn(
        'component.store is the in-process default: the ticket and the refresh tokens are lost at ' +
          'restart and not shared between instances (use RedisWechatComponentStore or the capture database store)',
      );
    }
  }

  /**
   * Acts on a verified event, then awaits the `@OnWechatComponentEvent()` handlers:
   * - `component_verify_ticket`: stored (an older one never replaces a newer one);
   * - `authorized` / `updateauthorized`: the authorisation code is exchanged (api_query_auth), the
   *   refresh token and granted permission sets stored, the authoriser's cached token dropped;
   *   a code WeChat refuses (used, expired: a late redelivery) is logged and acknowledged;
   * - `unauthorized`: the authoriser is recorded as revoked (its refresh token forgotten) and its
   *   cached token dropped: calls for it then reject with `WechatAuthorizerRevokedError`.
   *
   * @throws what the store or a transient WeChat failure throws (answer `5xx`, WeChat pushes
   *   again), or `WechatComponentHandlerError` when a handler fails
   */
  async handle(event: WechatComponentEvent): Promise<WechatComponentEventOutcome> {
    const outcome = await this.act(event);
    this.logger.log(
      `Component event ${event.infoType}${'authorizerAppId' in event ? ` of ${String(event.authorizerAppId)}` : ''}: ${outcome}`,
    );
    for (const handler of this.explorer.handlersFor(event.infoType)) {
      try {
        await handler.invoke(event);
      } catch (error) {
        throw new WechatComponentHandlerError(handler.name, event.infoType, error);
      }
    }
    return outcome;
  }

  /** What is stored of `authorizerAppId` (without its refresh token), or `undefined`. */
  async getAuthorizer(
    authorizerAppId: string,
  ): Promise<Omit<StoredAuthorizer, 'refreshToken'> | undefined> {
    const { store, componentAppId } = this.component;
    const stored = await store.getAuthorizer(componentAppId, authorizerAppId);
    if (!stored) return undefined;
    const { refreshToken: _secret, ...rest } = stored;
    return rest;
  }

  /**
   * Reads api_get_authorizer_list and stores every refresh token that differs from the stored
   * one: the recovery after a lost store (the module also does it by itself when a refresh token
   * is missing or rejected).
   * @returns the appids of the current authorisers
   */
  async syncAuthorizers(): Promise<string[]> {
    return [...(await this.client.readAuthorizerList()).keys()];
  }

  private get component(): ResolvedWechatComponent {
    return this.client.component;
  }

  private async act(event: WechatComponentEvent): Promise<WechatComponentEventOutcome> {
    if (!isKnownWechatComponentEvent(event)) return 'ignored';
    const { store, componentAppId } = this.component;
    switch (event.infoType) {
      case 'component_verify_ticket': {
        const stored = await store.saveTicket(componentAppId, {
          ticket: event.ticket,
          createdAt: event.createTime * 1000,
        });
        return stored ? 'ticket-stored' : 'ticket-outdated';
      }
      case 'authorized':
      case 'updateauthorized':
        return this.authorize(event.authorizerAppId, event.authorizationCode, event.createTime);
      case 'unauthorized': {
        const revoked = await this.client.saveRevoked(
          event.authorizerAppId,
          event.createTime * 1000,
        );
        if (revoked) await this.forgetToken(event.authorizerAppId);
        return revoked ? 'authorizer-revoked' : 'authorizer-outdated';
      }
    }
  }

  private async authorize(
    pushedAppId: string,
    code: string,
    createTime: number,
  ): Promise<WechatComponentEventOutcome> {
    let exchanged;
    try {
      exchanged = await this.client.exchangeAuthorizationCode(code);
    } catch (error) {
      // A code WeChat refuses will be refused again: a redelivery cannot help.
      if (error instanceof WechatApiError && !error.retryable) {
        this.logger.warn(
          `The authorisation code of ${pushedAppId} was refused (errcode ${error.errcode}); acknowledged`,
        );
        return 'code-rejected';
      }
      throw error;
    }
    const appId = exchanged.authorizerAppId;
    if (appId !== pushedAppId) {
      this.logger.warn(`The authorisation code pushed for ${pushedAppId} belongs to ${appId}`);
    }
    const { store, componentAppId } = this.component;
    const stored = await store.getAuthorizer(componentAppId, appId);
    // The exchange is the newest knowledge of this authoriser: it replaces what is stored.
    const refreshToken = exchanged.refreshToken ?? stored?.refreshToken;
    const saved = await store.saveAuthorizer(componentAppId, {
      authorizerAppId: appId,
      ...(refreshToken && { refreshToken }),
      funcIds: exchanged.funcIds,
      updatedAt: Math.max(createTime * 1000, (stored?.updatedAt ?? 0) + 1),
    });
    await this.forgetToken(appId);
    if (!exchanged.funcIds.includes(GETPAIDUNIONID_PERMISSION_SET)) {
      this.logger.warn(
        `${appId} did not grant permission set 18: getpaidunionid will answer 61007 for it`,
      );
    }
    return saved ? 'authorizer-stored' : 'authorizer-outdated';
  }

  private async forgetToken(appId: string): Promise<void> {
    // A provider of the user's own keeps its tokens its own way.
    if (this.tokens instanceof DefaultAccessTokenProvider) {
      await this.tokens.forget(appId);
    }
  }
}

/** Permission set "小程序开发与数据分析", which getpaidunionid needs. */
const GETPAIDUNIONID_PERMISSION_SET = 18;
