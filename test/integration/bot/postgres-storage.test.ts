import { ConversationState, TestAdapter, TurnContext } from 'botbuilder-core';
import { OccConversationState } from '../../../src/bot/occ-state';
import { PostgresStorage, StateConflictError } from '../../../src/bot/postgres-storage';
import { runInTurnTransaction } from '../../../src/bot/turn-scope';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database';

function contextFor(adapter: TestAdapter, conversation: string): TurnContext {
  return new TurnContext(adapter, {
    type: 'message',
    channelId: 'zalo',
    conversation: { id: conversation, isGroup: false, conversationType: 'personal', name: '' },
    from: { id: 'u1', name: '' },
    recipient: { id: 'oa', name: '' },
    text: 'xin chào',
  });
}

describe('PostgresStorage (botbuilder Storage on bot_state)', () => {
  let t: TestDatabase;
  let storage: PostgresStorage;
  beforeAll(async () => {
    t = await createTestDatabase();
    storage = new PostgresStorage(t.db);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('When an item is written and read back, then it carries a fresh etag and missing keys are omitted', async () => {
    const changes = { 'zalo/conversations/a/': { count: 1, eTag: '*' } };
    await storage.write(changes);
    const read = await storage.read(['zalo/conversations/a/', 'zalo/conversations/missing/']);
    expect(Object.keys(read)).toEqual(['zalo/conversations/a/']);
    expect(read['zalo/conversations/a/']).toMatchObject({ count: 1, eTag: changes['zalo/conversations/a/'].eTag });
  });

  it('When a write names a stale etag, then it is refused with a conflict and nothing changes', async () => {
    const [first] = Object.values(await storage.read(['zalo/conversations/a/']));
    await storage.write({ 'zalo/conversations/a/': { ...first, count: 2 } });
    await expect(storage.write({ 'zalo/conversations/a/': { ...first, count: 99 } })).rejects.toBeInstanceOf(StateConflictError);
    expect((await storage.read(['zalo/conversations/a/']))['zalo/conversations/a/']).toMatchObject({ count: 2 });
  });

  it('When two writers create the same absent item, then the second is refused', async () => {
    await storage.write({ 'zalo/conversations/new/': { v: 1 } });
    await expect(storage.write({ 'zalo/conversations/new/': { v: 2 } })).rejects.toBeInstanceOf(StateConflictError);
  });

  it('When two turns of one conversation overlap, then the stock ConversationState loses an update but ours refuses it', async () => {
    const adapter = new TestAdapter();
    const overlap = async (state: ConversationState) => {
      const prop = state.createProperty<{ n: number }>('counter');
      const a = contextFor(adapter, `conv-${state.constructor.name}`);
      const b = contextFor(adapter, `conv-${state.constructor.name}`);
      await prop.get(a, { n: 0 });
      await prop.get(b, { n: 0 });
      (await prop.get(a, { n: 0 })).n += 1;
      await state.saveChanges(a);
      (await prop.get(b, { n: 0 })).n += 1;
      return state.saveChanges(b);
    };
    await expect(overlap(new ConversationState(storage))).resolves.toBeUndefined();
    await expect(overlap(new OccConversationState(storage))).rejects.toBeInstanceOf(StateConflictError);
  });

  it('When a write happens inside a turn transaction that rolls back, then it leaves nothing', async () => {
    await expect(
      t.db.transaction().execute((tx) =>
        runInTurnTransaction(tx, async () => {
          await storage.write({ 'zalo/conversations/rolled-back/': { v: 1, eTag: '*' } });
          throw new Error('the turn failed');
        }),
      ),
    ).rejects.toThrow('the turn failed');
    expect(await storage.read(['zalo/conversations/rolled-back/'])).toEqual({});
  });
});
