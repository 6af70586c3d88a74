import { InMemoryWechatComponentStore } from './in-memory-wechat-component.store';
import { describeWechatComponentStore } from './testing';

describeWechatComponentStore('InMemoryWechatComponentStore', () => ({
  store: new InMemoryWechatComponentStore(),
}));

describe('InMemoryWechatComponentStore', () => {
  it('keeps nothing in common between two instances', async () => {
    const [a, b] = [new InMemoryWechatComponentStore(), new InMemoryWechatComponentStore()];
    await a.saveTicket('wx-platform', { ticket: 't', createdAt: 1 });
    await expect(b.getTicket('wx-platform')).resolves.toBeUndefined();
  });
});
