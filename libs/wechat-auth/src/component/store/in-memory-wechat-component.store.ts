import { copyAuthorizer, copyTicket } from './component-records';
import {
  WechatComponentStore,
  type StoredAuthorizer,
  type StoredComponentTicket,
} from './wechat-component.store';

/**
 * A `WechatComponentStore` in this process's memory: the default for a single instance. Lost at
 * restart (the platform then waits up to 10 minutes for the next ticket and cannot refresh an
 * authoriser's token until it authorises again) and not shared between instances: use
 * `RedisWechatComponentStore` or the capture module's database store in production.
 *
 * Records are copied on the way in and out, so a caller cannot change stored state by mutating
 * what it saved or read.
 *
 * @publicApi
 */
export class InMemoryWechatComponentStore extends WechatComponentStore {
  private readonly tickets = new Map<string, StoredComponentTicket>();
  /** componentAppId -> authorizerAppId -> record. */
  private readonly authorizers = new Map<string, Map<string, StoredAuthorizer>>();

  async getTicket(componentAppId: string): Promise<StoredComponentTicket | undefined> {
    const stored = this.tickets.get(componentAppId);
    return stored && copyTicket(stored);
  }

  async saveTicket(componentAppId: string, ticket: StoredComponentTicket): Promise<boolean> {
    const stored = this.tickets.get(componentAppId);
    if (stored && stored.createdAt > ticket.createdAt) return false;
    this.tickets.set(componentAppId, copyTicket(ticket));
    return true;
  }

  async getAuthorizer(
    componentAppId: string,
    authorizerAppId: string,
  ): Promise<StoredAuthorizer | undefined> {
    const stored = this.authorizers.get(componentAppId)?.get(authorizerAppId);
    return stored && copyAuthorizer(stored);
  }

  async saveAuthorizer(componentAppId: string, record: StoredAuthorizer): Promise<boolean> {
    let ofComponent = this.authorizers.get(componentAppId);
    if (!ofComponent) {
      ofComponent = new Map();
      this.authorizers.set(componentAppId, ofComponent);
    }
    const stored = ofComponent.get(record.authorizerAppId);
    if (stored && stored.updatedAt > record.updatedAt) return false;
    ofComponent.set(record.authorizerAppId, copyAuthorizer(record));
    return true;
  }
}
