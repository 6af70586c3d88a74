import type { SandboxAppConfig } from './interfaces';

/** Outcome of checking an appid/secret pair on a token endpoint. */
export type AppCredentialCheck = { ok: true } | { ok: false; errcode: 40013 | 40125 };

/** The mini programs the sandbox knows, plus the optional Cloud Hosting app. */
export class AppRegistry {
  private readonly apps = new Map<string, Required<SandboxAppConfig>>();

  constructor(
    apps: readonly SandboxAppConfig[],
    /** App a token-less getpaidunionid call is attributed to (Cloud Hosting mode). */
    readonly cloudAppId: string | undefined,
  ) {
    for (const app of apps) this.add(app);
  }

  /** Adds an app, or replaces the config of an app with the same appId. */
  add(app: SandboxAppConfig): void {
    this.apps.set(app.appId, {
      appId: app.appId,
      secret: app.secret,
      openPlatformBound: app.openPlatformBound ?? true,
    });
  }

  /** Whether `appId` is a configured mini program. */
  has(appId: string): boolean {
    return this.apps.has(appId);
  }

  checkCredentials(appId: string, secret: string): AppCredentialCheck {
    const app = this.apps.get(appId);
    if (!app) return { ok: false, errcode: 40013 };
    return app.secret === secret ? { ok: true } : { ok: false, errcode: 40125 };
  }

  /** Apps not configured (e.g. a cloud-only app) count as bound. */
  isOpenPlatformBound(appId: string): boolean {
    return this.apps.get(appId)?.openPlatformBound ?? true;
  }

  /** The app a payment defaults to: the first configured app, else the cloud app. */
  defaultAppId(): string | undefined {
    const first = this.apps.keys().next();
    return first.done ? this.cloudAppId : first.value;
  }
}
