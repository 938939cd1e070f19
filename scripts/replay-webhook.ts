import { listDeadEvents, reviveDeadEvents } from '../src/bot/inbound-events.repository';
import { AppError } from '../src/errors/app-error';
import { createQueues, triggerTurns } from '../src/jobs/queues';
import { runScript } from '../src/main/cli';
import { closeRedis, createRedis } from '../src/main/redis';

const USAGE = [
  'Cách dùng / usage:',
  '  npm run replay:webhook -- --list           các sự kiện hỏng (dead-lettered) / list dead-lettered events',
  '  npm run replay:webhook -- --id 42 --id 43  xử lý lại các sự kiện này / replay these events',
  '  npm run replay:webhook -- --all            xử lý lại mọi sự kiện hỏng / replay every dead event',
].join('\n');

function parseArgs(args: readonly string[]): { list: true } | { ids: number[] | 'all' } {
  if (args.length === 1 && args[0] === '--list') return { list: true };
  if (args.length === 1 && args[0] === '--all') return { ids: 'all' };
  const ids: number[] = [];
  for (let i = 0; i < args.length; i += 2) {
    const value = Number(args[i + 1]);
    if (args[i] !== '--id' || !Number.isSafeInteger(value) || value <= 0) throw new AppError('VALIDATION_FAILED', USAGE);
    ids.push(value);
  }
  if (ids.length === 0) throw new AppError('VALIDATION_FAILED', USAGE);
  return { ids };
}

/**
 * Staff's way to see and replay inbound events that failed every attempt (dead-lettered): a
 * replayed event goes back in line for its conversation, with its attempts reset.
 */
runScript('replay-webhook', async ({ config, db, logger, args }) => {
  const request = parseArgs(args);
  if ('list' in request) {
    const dead = await listDeadEvents(db, 500);
    if (dead.length === 0) console.log('Không có sự kiện nào bị hỏng. / No dead-lettered events.');
    for (const e of dead) {
      console.log(`#${e.id}  ${e.channel}  ${e.kind}  ${e.conversationKey}  ${e.attempts} lần thử  ${e.deadAt?.toISOString() ?? ''}  ${e.lastError ?? ''}`);
    }
    return 0;
  }
  const redis = createRedis(config.redisUrl, 'producer', logger);
  const queues = createQueues(redis, config.queuePrefix, logger);
  try {
    const conversations = await reviveDeadEvents(db, request.ids);
    await triggerTurns(queues, conversations);
    console.log(`Đã đưa lại ${conversations.length} cuộc trò chuyện vào hàng đợi. / Queued ${conversations.length} conversation(s) again.`);
    return 0;
  } finally {
    await Promise.all(Object.values(queues).map((q) => q.close()));
    await closeRedis(redis);
  }
});
