import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ANY_COMPONENT_EVENT, WECHAT_COMPONENT_EVENT_METADATA } from './component-events.constants';

type InstanceWrapper = ReturnType<DiscoveryService['getProviders']>[number];

/** One `@OnWechatComponentEvent()` method, bound to its provider instance. */
export interface DiscoveredComponentEventHandler {
  /** `Class.method`, for logs. */
  readonly name: string;
  readonly infoTypes: ReadonlySet<string>;
  readonly invoke: (event: unknown) => unknown;
}

/**
 * Finds every `@OnWechatComponentEvent()` method of the application's singleton providers and
 * controllers, once, at bootstrap. Internal to the library.
 */
@Injectable()
export class ComponentEventsExplorer implements OnModuleInit {
  private readonly logger = new Logger('WechatAuthModule');
  private handlers: readonly DiscoveredComponentEventHandler[] | undefined;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  /** Explores at bootstrap, so that a misplaced handler stops start-up rather than a push. */
  onModuleInit(): void {
    this.all();
  }

  /** Handlers for `infoType` and for `'*'`, in discovery order. */
  handlersFor(infoType: string): DiscoveredComponentEventHandler[] {
    return this.all().filter(
      (handler) => handler.infoTypes.has(infoType) || handler.infoTypes.has(ANY_COMPONENT_EVENT),
    );
  }

  private all(): readonly DiscoveredComponentEventHandler[] {
    this.handlers ??= this.explore();
    return this.handlers;
  }

  private explore(): DiscoveredComponentEventHandler[] {
    const handlers: DiscoveredComponentEventHandler[] = [];
    const seen = new Set<object>();
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      if (wrapper.isTransient || !wrapper.isDependencyTreeStatic()) {
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
        `Mapped ${handler.name} to component events ${[...handler.infoTypes].join(', ')}`,
      );
    }
    return handlers;
  }

  private handlersOf(instance: object): DiscoveredComponentEventHandler[] {
    const prototype: unknown = Object.getPrototypeOf(instance);
    if (typeof prototype !== 'object' || prototype === null) return [];
    const handlers: DiscoveredComponentEventHandler[] = [];
    for (const methodName of this.scanner.getAllMethodNames(prototype)) {
      const method: unknown = (prototype as Record<string, unknown>)[methodName];
      const infoTypes = this.infoTypesOf(method);
      if (infoTypes === undefined || typeof method !== 'function') continue;
      handlers.push({
        name: `${instance.constructor.name}.${methodName}`,
        infoTypes: new Set(infoTypes),
        invoke: (event) => method.call(instance, event) as unknown,
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
      .find((name) => this.infoTypesOf((prototype as Record<string, unknown>)[name]) !== undefined);
    if (scoped !== undefined) {
      throw new TypeError(
        `${String(wrapper.metatype?.name)}.${scoped}: @OnWechatComponentEvent() handlers must be on singleton providers`,
      );
    }
  }

  private infoTypesOf(method: unknown): readonly string[] | undefined {
    if (typeof method !== 'function') return undefined;
    return this.reflector.get<readonly string[] | undefined>(
      WECHAT_COMPONENT_EVENT_METADATA,
      method,
    );
  }
}
