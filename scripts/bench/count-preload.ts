/**
 * Loaded with `node -r` into the app by `scripts/bench/cost.ts` (never in production): counts the
 * SQL statements (and transactions) the app sends through node-postgres and the commands it sends
 * to Redis through ioredis, and writes the counts to COST_OUT every 500 ms.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const out = process.env.COST_OUT;
const req = createRequire(`${process.cwd()}/package.json`);
const counts = { statements: 0, begins: 0, commits: 0, rollbacks: 0, savepoints: 0, redisCommands: 0, redis: {} as Record<string, number>, sql: {} as Record<string, number> };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const pg = req('pg') as any;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function counted(this: unknown, config: unknown, ...rest: unknown[]) {
  const text = typeof config === 'string' ? config : ((config as { text?: string } | undefined)?.text ?? '');
  const head = text.trimStart().slice(0, 12).toLowerCase();
  counts.statements += 1;
  const shape = text.replace(/\s+/g, ' ').slice(0, 90);
  counts.sql[shape] = (counts.sql[shape] ?? 0) + 1;
  if (head.startsWith('begin') || head.startsWith('start')) counts.begins += 1;
  else if (head.startsWith('commit')) counts.commits += 1;
  else if (head.startsWith('rollback')) counts.rollbacks += 1;
  if (head.startsWith('savepoint') || head.startsWith('release')) counts.savepoints += 1;
  return query.call(this, config, ...rest);
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const ioredis = req('ioredis') as any;
const Redis = ioredis.Redis ?? ioredis.default ?? ioredis;
const send = Redis.prototype.sendCommand;
Redis.prototype.sendCommand = function counted(this: unknown, command: { name: string }, ...rest: unknown[]) {
  counts.redisCommands += 1;
  counts.redis[command.name] = (counts.redis[command.name] ?? 0) + 1;
  return send.call(this, command, ...rest);
};

if (out) {
  const flush = () => writeFileSync(out, JSON.stringify(counts));
  setInterval(flush, 500).unref();
  process.on('exit', flush);
}
