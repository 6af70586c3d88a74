import { randomBytes } from 'node:crypto';
import type {
  StoredAuthorizer,
  StoredComponentTicket,
  WechatComponentStore,
} from '../wechat-component.store';

/** What {@link describeWechatComponentStore} runs against. */
export interface WechatComponentStoreSuiteTarget {
  /** The store under test. */
  store: WechatComponentStore;
  /**
   * A second store on the same storage (another instance or process), for a shared store: the
   * suite then checks that each sees the other's writes and that newest-wins holds across both.
   */
  peer?: WechatComponentStore;
  /** Called once after the suite (close connections, drop the test data). */
  cleanup?(): Promise<void>;
}

/** Far above 2^32, so that a timestamp stored in 32 bits or returned as a string would show. */
const T0 = 1_795_785_381_833;

/**
 * The contract of a `WechatComponentStore`: newest-wins writes (an older write returns `false`
 * and changes nothing; equal timestamps: the new record wins), isolation per platform and per
 * authoriser, revoked records, concurrent writes, records copied in and out. Uses Jest globals
 * (`describe`/`it`/`expect`); run it against your own store too.
 *
 * `createTarget` runs once, before the suite; every test uses app ids of its own, so the storage
 * need not be emptied between tests.
 *
 * @publicApi
 */
export function describeWechatComponentStore(
  name: string,
  createTarget: () => WechatComponentStoreSuiteTarget | Promise<WechatComponentStoreSuiteTarget>,
): void {
  describe(`WechatComponentStore: ${name}`, () => {
    let target: WechatComponentStoreSuiteTarget;
    let store: WechatComponentStore;
    let component: string;

    beforeAll(async () => {
      target = await createTarget();
      store = target.store;
    });

    afterAll(async () => {
      await target?.cleanup?.();
    });

    beforeEach(() => {
      component = appId();
    });

    const ticket = (n: number, createdAt = T0 + n): StoredComponentTicket => ({
      ticket: `ticket@@${n}-${randomBytes(8).toString('hex')}`,
      createdAt,
    });
    const authorizer = (
      authorizerAppId: string,
      updatedAt: number,
      extra: Partial<StoredAuthorizer> = {},
    ): StoredAuthorizer => ({
      authorizerAppId,
      refreshToken: `refreshtoken@@${updatedAt}-${randomBytes(8).toString('hex')}`,
      funcIds: [18, 1],
      updatedAt,
      ...extra,
    });

    describe('unknown records', () => {
      it('getTicket and getAuthorizer answer undefined', async () => {
        await expect(store.getTicket(component)).resolves.toBeUndefined();
        await expect(store.getAuthorizer(component, appId())).resolves.toBeUndefined();
      });
    });

    describe('ticket', () => {
      it('round-trips, with a timestamp above 2^32 read back as a number', async () => {
        const first = ticket(1);
        await expect(store.saveTicket(component, first)).resolves.toBe(true);
        const stored = await store.getTicket(component);
        expect(stored).toEqual(first);
        expect(typeof stored?.createdAt).toBe('number');
      });

      it('a newer ticket replaces the stored one', async () => {
        await store.saveTicket(component, ticket(1));
        const newer = ticket(2);
        await expect(store.saveTicket(component, newer)).resolves.toBe(true);
        await expect(store.getTicket(component)).resolves.toEqual(newer);
      });

      it('an older ticket returns false and leaves the stored one', async () => {
        const newer = ticket(10);
        await store.saveTicket(component, newer);
        await expect(store.saveTicket(component, ticket(9))).resolves.toBe(false);
        await expect(store.getTicket(component)).resolves.toEqual(newer);
      });

      it('equal createdAt: the new ticket wins', async () => {
        await store.saveTicket(component, ticket(1, T0));
        const same = ticket(2, T0);
        await expect(store.saveTicket(component, same)).resolves.toBe(true);
        await expect(store.getTicket(component)).resolves.toEqual(same);
      });

      it('is kept per componentAppId', async () => {
        const other = appId();
        const mine = ticket(1, T0 + 100);
        const theirs = ticket(2, T0);
        await store.saveTicket(component, mine);
        // Older than `mine`, but for another platform: stored.
        await expect(store.saveTicket(other, theirs)).resolves.toBe(true);
        await expect(store.getTicket(component)).resolves.toEqual(mine);
        await expect(store.getTicket(other)).resolves.toEqual(theirs);
      });

      it('keeps the newest of 50 concurrent saves in shuffled order', async () => {
        const tickets = shuffled(50).map((n) => ticket(n));
        const results = await Promise.all(
          tickets.map((t, i) => storeFor(i).saveTicket(component, t)),
        );
        expect(results.some(Boolean)).toBe(true);
        await expect(store.getTicket(component)).resolves.toEqual(
          tickets.find((t) => t.createdAt === T0 + 49),
        );
      });
    });

    describe('authorizer', () => {
      it('round-trips every field, funcIds in order, timestamps as numbers', async () => {
        const record = authorizer(appId(), T0, { funcIds: [18, 3, 1, 7] });
        await expect(store.saveAuthorizer(component, record)).resolves.toBe(true);
        const stored = await store.getAuthorizer(component, record.authorizerAppId);
        expect(stored).toEqual(record);
        expect(typeof stored?.updatedAt).toBe('number');
      });

      it('round-trips an empty funcIds and a record without funcIds', async () => {
        const empty = authorizer(appId(), T0, { funcIds: [] });
        const none = authorizer(appId(), T0);
        delete none.funcIds;
        await store.saveAuthorizer(component, empty);
        await store.saveAuthorizer(component, none);
        await expect(store.getAuthorizer(component, empty.authorizerAppId)).resolves.toEqual(empty);
        const stored = await store.getAuthorizer(component, none.authorizerAppId);
        expect(stored).toEqual(none);
        expect(stored).not.toHaveProperty('funcIds');
      });

      it('a newer record replaces the whole stored record', async () => {
        const app = appId();
        await store.saveAuthorizer(component, authorizer(app, T0, { funcIds: [18] }));
        const newer: StoredAuthorizer = {
          authorizerAppId: app,
          refreshToken: 'r@@2',
          updatedAt: T0 + 1,
        };
        await expect(store.saveAuthorizer(component, newer)).resolves.toBe(true);
        const stored = await store.getAuthorizer(component, app);
        expect(stored).toEqual(newer);
        expect(stored).not.toHaveProperty('funcIds');
      });

      it('an older record returns false and leaves the stored one', async () => {
        const app = appId();
        const newer = authorizer(app, T0 + 10);
        await store.saveAuthorizer(component, newer);
        await expect(store.saveAuthorizer(component, authorizer(app, T0 + 9))).resolves.toBe(false);
        await expect(store.getAuthorizer(component, app)).resolves.toEqual(newer);
      });

      it('equal updatedAt: the new record wins', async () => {
        const app = appId();
        await store.saveAuthorizer(component, authorizer(app, T0));
        const same = authorizer(app, T0, { funcIds: [18, 2] });
        await expect(store.saveAuthorizer(component, same)).resolves.toBe(true);
        await expect(store.getAuthorizer(component, app)).resolves.toEqual(same);
      });

      it('a revoked record (no refresh token, revokedAt) replaces the token and reads back as such', async () => {
        const app = appId();
        await store.saveAuthorizer(component, authorizer(app, T0));
        const revoked: StoredAuthorizer = {
          authorizerAppId: app,
          revokedAt: T0 + 5,
          updatedAt: T0 + 5,
        };
        await expect(store.saveAuthorizer(component, revoked)).resolves.toBe(true);
        const stored = await store.getAuthorizer(component, app);
        expect(stored).toEqual(revoked);
        expect(stored).not.toHaveProperty('refreshToken');
        expect(typeof stored?.revokedAt).toBe('number');
        // An authorisation older than the revocation does not bring the token back.
        await expect(store.saveAuthorizer(component, authorizer(app, T0 + 4))).resolves.toBe(false);
        await expect(store.getAuthorizer(component, app)).resolves.toEqual(revoked);
        // A later authorisation does.
        const again = authorizer(app, T0 + 6);
        await expect(store.saveAuthorizer(component, again)).resolves.toBe(true);
        await expect(store.getAuthorizer(component, app)).resolves.toEqual(again);
      });

      it('is kept per authoriser and per componentAppId', async () => {
        const [app, otherApp, otherComponent] = [appId(), appId(), appId()];
        const mine = authorizer(app, T0 + 100);
        await store.saveAuthorizer(component, mine);
        const sibling = authorizer(otherApp, T0);
        const elsewhere = authorizer(app, T0);
        await expect(store.saveAuthorizer(component, sibling)).resolves.toBe(true);
        await expect(store.saveAuthorizer(otherComponent, elsewhere)).resolves.toBe(true);
        await expect(store.getAuthorizer(component, app)).resolves.toEqual(mine);
        await expect(store.getAuthorizer(component, otherApp)).resolves.toEqual(sibling);
        await expect(store.getAuthorizer(otherComponent, app)).resolves.toEqual(elsewhere);
        await expect(store.getAuthorizer(otherComponent, otherApp)).resolves.toBeUndefined();
        // The ticket and the authorisers do not share keys.
        await expect(store.getTicket(component)).resolves.toBeUndefined();
      });

      it('keeps the newest of 50 concurrent saves in shuffled order', async () => {
        const app = appId();
        const records = shuffled(50).map((n) =>
          authorizer(
            app,
            T0 + n,
            n % 3 === 0 ? { refreshToken: undefined, revokedAt: T0 + n } : {},
          ),
        );
        const results = await Promise.all(
          records.map((record, i) => storeFor(i).saveAuthorizer(component, record)),
        );
        expect(results.some(Boolean)).toBe(true);
        const newest = records.find((record) => record.updatedAt === T0 + 49)!;
        await expect(store.getAuthorizer(component, app)).resolves.toEqual(
          JSON.parse(JSON.stringify(newest)),
        );
      });
    });

    describe('copies', () => {
      it('mutating a saved or a read record does not change what is stored', async () => {
        const app = appId();
        const record = authorizer(app, T0, { funcIds: [18] });
        const saved = structuredClone(record);
        await store.saveAuthorizer(component, record);
        record.funcIds!.push(99);
        record.refreshToken = 'changed';
        const read = await store.getAuthorizer(component, app);
        expect(read).toEqual(saved);
        read!.funcIds!.push(42);
        read!.updatedAt = 0;
        await expect(store.getAuthorizer(component, app)).resolves.toEqual(saved);

        const t = ticket(1);
        const savedTicket = { ...t };
        await store.saveTicket(component, t);
        t.ticket = 'changed';
        const readTicket = await store.getTicket(component);
        readTicket!.createdAt = 0;
        await expect(store.getTicket(component)).resolves.toEqual(savedTicket);
      });
    });

    describe('two instances on one storage (when the target gives a peer)', () => {
      const withPeer = (test: (peer: WechatComponentStore) => Promise<void>) => async () => {
        if (target.peer) await test(target.peer);
      };

      it(
        'each sees the writes of the other, and an older write from either side is refused',
        withPeer(async (peer) => {
          const app = appId();
          const newer = ticket(2);
          await store.saveTicket(component, newer);
          await expect(peer.getTicket(component)).resolves.toEqual(newer);
          await expect(peer.saveTicket(component, ticket(1))).resolves.toBe(false);
          const record = authorizer(app, T0 + 2);
          await peer.saveAuthorizer(component, record);
          await expect(store.getAuthorizer(component, app)).resolves.toEqual(record);
          await expect(store.saveAuthorizer(component, authorizer(app, T0 + 1))).resolves.toBe(
            false,
          );
        }),
      );
    });

    /** Alternates between the store and its peer (when there is one). */
    function storeFor(i: number): WechatComponentStore {
      return target.peer && i % 2 === 1 ? target.peer : store;
    }
  });
}

let apps = 0;
/** A fresh app id, unique in this run and across runs sharing the storage. */
function appId(): string {
  apps += 1;
  return `wx${randomBytes(5).toString('hex')}${String(apps).padStart(6, '0')}`;
}

/** 0..n-1 in an order that is neither ascending nor descending (a fixed permutation). */
function shuffled(n: number): number[] {
  // With n coprime to 7 (50 is), i -> 7i + 3 mod n visits every number once.
  if (n % 7 === 0) throw new Error('shuffled(n) needs n coprime to 7');
  return Array.from({ length: n }, (_, i) => (7 * i + 3) % n);
}
