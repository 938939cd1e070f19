import type { Db } from '../db/database';
import type { BroadcastsPort } from '../domain/broadcasts/broadcast.types';
import type { Outbox } from '../domain/deliveries/outbox';
import type { Logger } from '../logging/logger';
import type { AdminPage } from './admin-page';
import { auditPage } from './pages/audit.page';
import { broadcastsPage } from './pages/broadcasts.page';
import { contentPage } from './pages/content.page';
import { dashboardPage } from './pages/dashboard.page';
import { exportsPage } from './pages/exports.page';
import { proofsPage } from './pages/proofs.page';
import { wavesPage } from './pages/waves.page';
import { inboxPage } from './pages/inbox.page';
import { membersPage } from './pages/members.page';
import { tasksPage } from './pages/tasks.page';

/** What the pages need from the composition root. */
export interface AdminPagesDeps {
  readonly db: Db;
  readonly timeZone: string;
  readonly now: () => Date;
  /** Where the admin web is mounted (/admin), for links. */
  readonly basePath: string;
  /** Undefined where sending is not wired: the Gửi tin page then says so (503). */
  readonly broadcasts: BroadcastsPort | undefined;
  /** Signed URLs of stored proof images (Đợt, Minh chứng); absent: images are listed without a link. */
  readonly mediaUrl?: (sha256: string) => string;
  /** Hands members' notices (a proof reviewed, a registration decided) and Hộp thư's staff replies to the outbound workers; absent, the outbox relay sends them a little later. */
  readonly outbox?: Outbox;
  readonly logger?: Logger;
}

/**
 * Every page of the admin web. To add one: write `pages/<name>.page.ts` returning an AdminPage
 * (path, title, roles, nav entry, routes) and list it here; the menu, the sign-in and role checks
 * and the CSRF check follow from that.
 */
export function adminPages(deps: AdminPagesDeps): AdminPage[] {
  return [dashboardPage(deps), wavesPage(deps), proofsPage(deps), membersPage(deps), contentPage(deps), tasksPage(deps), inboxPage(deps), broadcastsPage(deps), exportsPage(deps), auditPage(deps)];
}
