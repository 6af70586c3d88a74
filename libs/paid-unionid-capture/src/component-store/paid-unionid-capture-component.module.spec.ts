import { WechatAuthModule, WechatComponentStore } from '@app/wechat-auth';
import { Test, type TestingModule } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PaidUnionIdCaptureModule } from '../paid-unionid-capture.module';
import { PaidUnionIdCaptureComponentStore } from './paid-unionid-capture-component.store';

const APP = { appId: 'wx0123456789abcdef', secret: 'component-spec-secret-0123456789' };
const PLATFORM = 'wxcomponent00000001';

describe('PaidUnionIdCaptureModule provides PaidUnionIdCaptureComponentStore', () => {
  let dir: string;
  let moduleRef: TestingModule | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'capture-component-module-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
  });

  /**
   * The wiring of the README: the capture module global, `WechatAuthModule.forRootAsync`
   * injecting its store. Returns the store `WechatAuthModule`'s factory received.
   */
  async function start(database: string) {
    let injected: WechatComponentStore | undefined;
    moduleRef = await Test.createTestingModule({
      imports: [
        PaidUnionIdCaptureModule.forRoot({ database, isGlobal: true }),
        WechatAuthModule.forRootAsync({
          isGlobal: true,
          inject: [PaidUnionIdCaptureComponentStore],
          useFactory: (store: PaidUnionIdCaptureComponentStore) => {
            injected = store;
            return { ...APP, apiBaseUrl: 'http://127.0.0.1:9' };
          },
        }),
      ],
    }).compile();
    await moduleRef.init();
    return { store: moduleRef.get(PaidUnionIdCaptureComponentStore), injected };
  }

  it('is a WechatComponentStore on the module database; a restart keeps the ticket', async () => {
    const database = `sqlite:${join(dir, 'restart', 'capture.sqlite')}`;
    const ticket = { ticket: 'ticket@@restart', createdAt: 1_795_785_381_833 };
    const authorizer = {
      authorizerAppId: APP.appId,
      refreshToken: 'refreshtoken@@restart',
      funcIds: [18],
      updatedAt: 1_795_785_381_833,
    };

    const first = await start(database);
    expect(first.store).toBeInstanceOf(WechatComponentStore);
    expect(first.injected).toBe(first.store);
    await expect(first.store.getTicket(PLATFORM)).resolves.toBeUndefined();
    await expect(first.store.saveTicket(PLATFORM, ticket)).resolves.toBe(true);
    await expect(first.store.saveAuthorizer(PLATFORM, authorizer)).resolves.toBe(true);
    await moduleRef!.close();

    const second = await start(database);
    expect(second.store).not.toBe(first.store);
    await expect(second.store.getTicket(PLATFORM)).resolves.toEqual(ticket);
    await expect(second.store.getAuthorizer(PLATFORM, APP.appId)).resolves.toEqual(authorizer);
    // Newest wins across the restart too.
    await expect(
      second.store.saveTicket(PLATFORM, { ...ticket, createdAt: ticket.createdAt - 1 }),
    ).resolves.toBe(false);
  });

  it('also works beside WechatAuthModule.forRoot, the capture module not global', async () => {
    const database = `sqlite:${join(dir, 'imported', 'capture.sqlite')}`;
    moduleRef = await Test.createTestingModule({
      imports: [
        WechatAuthModule.forRoot({ ...APP, apiBaseUrl: 'http://127.0.0.1:9', isGlobal: true }),
        PaidUnionIdCaptureModule.forRoot({ database }),
      ],
    }).compile();
    await moduleRef.init();
    const store = moduleRef.get(PaidUnionIdCaptureComponentStore, { strict: false });
    await expect(store.saveTicket(PLATFORM, { ticket: 't', createdAt: 1 })).resolves.toBe(true);
    await expect(store.getTicket(PLATFORM)).resolves.toEqual({ ticket: 't', createdAt: 1 });
  });
});
