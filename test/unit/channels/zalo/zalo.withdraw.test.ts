import { activityFromEvent, ERASURE_REQUEST_EVENT } from '../../../../src/bot/activity-mapping';
import { parseZaloWebhook } from '../../../../src/channels/zalo/zalo.event';
import { ZALO_FIXTURE as F } from '../../../fixtures/zalo/zalo-fixtures';

/** zalo.md lists user_withdraw without its shape: these are the shapes the parser accepts (UNCERTAIN). */
function body(fields: Record<string, unknown>): Buffer {
  return Buffer.from(JSON.stringify({ app_id: F.appId, event_name: 'user_withdraw', timestamp: F.timestamp, ...fields }));
}

const expected = { channel: 'zalo', kind: 'erasureRequest', eventKey: `withdraw:${F.userId}:${F.timestamp}`, userId: F.userId, accountId: F.oaId, platformTs: Number(F.timestamp) };

describe('Zalo user_withdraw (a data-deletion request)', () => {
  it.each([
    ['oa_id and user_id', { oa_id: F.oaId, user_id: F.userId }],
    ['sender and recipient, like the message events', { sender: { id: F.userId }, recipient: { id: F.oaId } }],
    ['follower and oa_id, like follow', { follower: { id: F.userId }, oa_id: F.oaId }],
  ])('When it carries %s, then it is an erasure request of that user', (_shape, fields) => {
    expect(parseZaloWebhook(body(fields))).toEqual({ ok: true, events: [expected], ignored: [] });
  });

  it('When the user is missing, then the body is refused with a reason, not guessed', () => {
    const parsed = parseZaloWebhook(body({ oa_id: F.oaId }));
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toContain('user_id is missing');
  });

  it('When the bot gets it, then it is an event activity no dialog mistakes for a message', () => {
    expect(activityFromEvent(expected as never)).toMatchObject({ type: 'event', name: ERASURE_REQUEST_EVENT, from: { id: F.userId } });
  });
});
