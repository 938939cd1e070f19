import type { ColumnType, Generated } from 'kysely';
import type { Timestamp, CreatedAt, UpdatedAt, Uuid } from './column-types';

/** Tables of the member services: official pages, handover threads, cross-channel link codes. */
export type OfficialPagePlatform = 'facebook' | 'tiktok' | 'youtube' | 'zalo' | 'website' | 'other';

export interface OfficialPagesTable {
  id: Uuid;
  title: string;
  url: string;
  platform: OfficialPagePlatform;
  description: Generated<string>;
  sort_order: Generated<number>;
  active: Generated<boolean>;
  is_example: Generated<boolean>;
  seed_key: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export type HandoverClosedBy = 'member' | 'staff' | 'expiry' | 'erasure';

export interface HandoverThreadsTable {
  id: Uuid;
  identity_id: string;
  member_id: string | null;
  branch_id: string | null;
  opened_at: Timestamp;
  expires_at: Timestamp;
  closed_at: Timestamp | null;
  closed_by: HandoverClosedBy | null;
  closed_by_staff_id: string | null;
  waiting_notice_at: Timestamp | null;
}

export interface HandoverAttachment {
  type: string;
  url?: string;
}

export interface HandoverMessagesTable {
  id: Generated<number>;
  thread_id: string;
  direction: 'member' | 'staff';
  text: string;
  attachments: ColumnType<HandoverAttachment[], string | undefined, string>;
  staff_user_id: string | null;
  from_platform_inbox: Generated<boolean>;
  at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface LinkCodesTable {
  id: Uuid;
  member_id: string;
  code_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  used_by_identity_id: string | null;
}

export interface LinkAttemptsTable {
  id: Generated<number>;
  identity_id: string;
  succeeded: boolean;
  at: Timestamp;
}
