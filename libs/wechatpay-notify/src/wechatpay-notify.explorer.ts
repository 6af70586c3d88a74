import { Injectable, Logger } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { WechatPayNotification } from './interfaces';
import {
  WECHATPAY_NOTIFY_ANY_EVENT,
  WECHATPAY_NOTIFY_HANDLER_METADATA,
} from './wechatpay-notify.constants';
import { WECHATPAY_NOTIFY_MESSAGES } from './wechatpay-notify.messages';

type InstanceWrapper = ReturnType<DiscoveryService['getProviders']>[number];

/** One `@OnWechatPayNotification()` method, bound to its provider instance. */
export interface DiscoveredWechatPayHandler {
  /** `Class.method`, for logs. */
  readonly name: string;
  readonly eventTypes: ReadonlySet<string>;
  readonly invoke: (notification: WechatPayNotification) => unknown;
}

/**
 * Finds every `@OnWechatPayNotification()` method of the application's singleton providers and
 * controllers, once, at bootstrap. Internal to the library.
 */
@Injectable()
export class WechatPayNotifyExplorer implements OnModuleInit {
  private readonly logger = new Logger('WechatPayNotifyModule');
  private handlers: readonly DiscoveredWechatPayHandler[] | undefined;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  /** Explores at bootstrap, so that a misplaced handler stops start-up rather than a request. */
  onModuleInit(): void {
    this.all();
  }

  /** Handlers for `eventType` and for `'*'`, in discovery order. */
  handlersFor(eventType: string): DiscoveredWechatPayHandler[] {
    return this.all().filter(
      (handler) =>
        handler.eventTypes.has(eventType) || handler.eventTypes.has(WECHATPAY_NOTIFY_ANY_EVENT),
    );
  }

  private all(): readonly DiscoveredWechatPayHandler[] {
    // All instances exist before the first onModuleInit, so exploring lazily is always complete.
    this.handlers ??= this.explore();
    return this.handlers;
  }

  private explore(): DiscoveredWechatPayHandler[] {
    const handlers: DiscoveredWechatPayHandler[] = [];
    // An instance is reachable through several wrappers (useExisting, useValue): bind it once.
    const seen = new Set<object>();
    const wrappers = [...this.discovery.getProviders(), ...this.discovery.getControllers()];
    for (const wrapper of wrappers) {
      if (!isSingleton(wrapper)) {
        this.rejectScoped(wrapper);
        continue;
      }
      const instance: unknown = wrapper.instance;
      if (typeof instance !== 'object' || instance === null || seen.has(instance)) continue;
      seen.add(instance);
      handlers.push(...this.handlersOf(instance));
    }
    for (const handler of handlers) {
      this.logger.log(
        `Mapped ${handler.name} to WeChat Pay notifications ${[...handler.eventTypes].join(', ')}`,
      );
    }
    return handlers;
  }

  private handlersOf(instance: object): DiscoveredWechatPayHandler[] {
    const prototype: unknown = Object.getPrototypeOf(instance);
    if (typeof prototype !== 'object' || prototype === null) return [];
    const handlers: DiscoveredWechatPayHandler[] = [];
    for (const methodName of this.scanner.getAllMethodNames(prototype)) {
      const method: unknown = (prototype as Record<string, unknown>)[methodName];
      const eventTypes = this.eventTypesOf(method);
      if (eventTypes === undefined || typeof method !== 'function') continue;
      handlers.push({
        name: `${instance.constructor.name}.${methodName}`,
        eventTypes: new Set(eventTypes),
        invoke: (notification) => method.call(instance, notification) as unknown,
      });
    }
    return handlers;
  }

  /** A handler on a request-scoped or transient provider has no one instance to call. */
  private rejectScoped(wrapper: InstanceWrapper): void {
    const prototype: unknown = wrapper.inject ? undefined : wrapper.metatype?.prototype;
    if (typeof prototype !== 'object' || prototype === null) return;
    const scoped = this.scanner
      .getAllMethodNames(prototype)
      .find(
        (name) => this.eventTypesOf((prototype as Record<string, unknown>)[name]) !== undefined,
      );
    if (scoped !== undefined) {
      throw new TypeError(
        WECHATPAY_NOTIFY_MESSAGES.scopedHandler(`${String(wrapper.metatype?.name)}.${scoped}`),
      );
    }
  }

  private eventTypesOf(method: unknown): readonly string[] | undefined {
    if (typeof method !== 'function') return undefined;
    return this.reflector.get<readonly string[] | undefined>(
      WECHATPAY_NOTIFY_HANDLER_METADATA,
      method,
    );
  }
}

function isSingleton(wrapper: InstanceWrapper): boolean {
  return !wrapper.isTransient && wrapper.isDependencyTreeStatic();
}
