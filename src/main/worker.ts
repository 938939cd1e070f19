import { launch } from './launch';

/** The worker role only (queues and schedules), whatever ROLE says: `node dist/src/main/worker.js`. */
launch('worker');
