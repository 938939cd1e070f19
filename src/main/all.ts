import { launch } from './launch';

/**
 * `npm start`: ROLE decides what this process runs: `all` (the default: HTTP and workers in one
 * process), `api` (HTTP only) or `worker` (queues and schedules only).
 */
launch();
