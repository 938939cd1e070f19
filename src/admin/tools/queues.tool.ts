import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import { requireRole, sameOriginOnly } from '../admin-auth';
import type { AdminTool } from '../admin-router';

/**
 * Hàng đợi: bull-board over every BullMQ queue, for the district admin only, behind the same
 * session. Its page posts without our CSRF token (retry, clean…), so its state-changing requests
 * must come from this site (sameOriginOnly) on top of the sameSite=lax session cookie. Its own
 * stylesheet sets inline styles, so its CSP allows those (scripts stay 'self' only).
 */
export function queuesTool(queues: readonly Queue[], adminBasePath: string): AdminTool {
  const path = '/queues';
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(`${adminBasePath}${path}`);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter, options: { uiConfig: { boardTitle: 'Hàng đợi Vùng Xanh' } } });
  return {
    path,
    roles: ['districtAdmin'],
    nav: { label: 'Hàng đợi', order: 90 },
    handlers: [requireRole(['districtAdmin']), sameOriginOnly(), serverAdapter.getRouter()],
    contentSecurityPolicy: { styleSrc: ["'self'", "'unsafe-inline'"] },
  };
}
