import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Row types of every table: the only place that knows the schema's shape (see migrations/). */

import type { Timestamp, CreatedAt, UpdatedAt, DateOnly, Json, Uuid } from './column-types';
import type { HandoverMessagesTable, HandoverThreadsTable, LinkAttemptsTable, LinkCodesTable, OfficialPagesTable } from './types-member-services';
export * from './types-member-services';
import type { CadreNudgesTable, ScheduleRunsTable } from './types-schedules';
export * from './types-schedules';
import type { BranchMemberTalliesTable, ProofTalliesTable, WaveBranchParticipantsTable, WaveBranchTalliesTable } from './types-tallies';
export * from './types-tallies';

export type UnitLevel = 'district' | 'cluster' | 'branch';
export type BranchKind = 'ward' | 'school' | 'enterprise' | 'agency' | 'other';
export type MemberRole = 'cadre' | 'member' | 'youth';
export type MemberStatus = 'pending' | 'verified' | 'left' | 'erased';
export type MemberSource = 'roster' | 'chat' | 'admin';
export type ChannelId = 'zalo' | 'messenger' | 'simulator';
/** The channels members write on (the simulator stands in for one of them). */
export type PlatformChannelId = Exclude<ChannelId, 'simulator'>;
export type FollowState = 'following' | 'unfollowed' | 'unknown';
export type ConsentPurpose = 'registration' | 'proofImages' | 'subscriptions';
export type StaffRole = 'districtAdmin' | 'districtStaff' | 'branchCadre';
export type WaveAction = 'avatarFrame' | 'publicPost' | 'candle' | 'shareOfficialPost' | 'other';
export type WaveStatus = 'draft' | 'open' | 'closed' | 'cancelled';
export type ParticipationState = 'joined' | 'proofSubmitted' | 'approved' | 'rejected';
export type ProofPlatform = 'facebook' | 'tiktok' | 'youtube' | 'instagram' | 'threads' | 'zalo' | 'other';
export type ProofImageState = 'awaiting' | 'stored';
export type ReviewState = 'pending' | 'approved' | 'rejected';
export type ContentKind = 'uncleHoTeaching' | 'goodNews' | 'story' | 'legalInfo' | 'greenLiving';
export type SubscriptionTopic = 'uncleHoTeaching' | 'goodNews' | 'legalInfo';
export type DeliveryPurpose = 'reply' | 'waveReminder' | 'reviewResult' | 'waveLaunch' | 'recurringContent' | 'cadreNudge' | 'staffReply';
export type BroadcastStatus = 'draft' | 'scheduled' | 'fanningOut' | 'sending' | 'completed' | 'cancelled' | 'failed';
export type DeliveryStatus = 'queued' | 'deferred' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed' | 'skipped' | 'expired' | 'cancelled';
export type InboundStatus = 'received' | 'processing' | 'processed' | 'ignored' | 'failed' | 'dead';
export type TaskAction = 'like' | 'share' | 'comment';

export interface UnitsTable {
  id: Uuid;
  parent_id: string | null;
  level: UnitLevel;
  kind: BranchKind | null;
  code: string;
  name: string;
  is_example: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface MembersTable {
  id: Uuid;
  full_name: string | null;
  /** +84 followed by nine digits. */
  phone: string | null;
  role: MemberRole;
  branch_id: string | null;
  is_collaborator: Generated<boolean>;
  is_theory_club: Generated<boolean>;
  status: Generated<MemberStatus>;
  source: MemberSource;
  verified_by: 'roster' | 'cadre' | 'staff' | null;
  verified_at: Timestamp | null;
  unmatched_branch_note: string | null;
  /** Why a chat registration needs a person's look (a phone already another member's), for staff. */
  registration_note: string | null;
  erased_at: Timestamp | null;
  /** A cadre declined this registration: it leaves the branch's queue but stays pending for staff. */
  registration_declined_at: Timestamp | null;
  registration_declined_by_member_id: string | null;
  /** The branch secretary (bí thư): told the names of cadres nudged twice in vain. */
  is_branch_secretary: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ChannelIdentitiesTable {
  id: Uuid;
  channel: ChannelId;
  platform_user_id: string;
  member_id: string | null;
  display_name: string | null;
  profile_fetched_at: Timestamp | null;
  last_inbound_at: Timestamp | null;
  window_closed_at: Timestamp | null;
  follow_state: Generated<FollowState>;
  reachability: Generated<'reachable' | 'unreachable'>;
  unreachable_reason: string | null;
  unreachable_at: Timestamp | null;
  /** The Page or OA the member writes to. */
  account_id: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ChannelTokensTable {
  channel: 'zalo' | 'messenger';
  access_token_enc: string;
  refresh_token_enc: string | null;
  access_expires_at: Timestamp | null;
  version: Generated<number>;
  refreshed_at: Timestamp | null;
  updated_at: UpdatedAt;
}

export interface ConsentsTable {
  id: Uuid;
  identity_id: string | null;
  member_id: string | null;
  purpose: ConsentPurpose;
  granted: boolean;
  notice_version: string;
  recorded_at: CreatedAt;
}

export interface StaffUsersTable {
  id: Uuid;
  username: string;
  display_name: string | null;
  role: StaffRole;
  branch_id: string | null;
  password_hash: string;
  disabled: Generated<boolean>;
  failed_logins: Generated<number>;
  locked_until: Timestamp | null;
  last_login_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface StaffUserClustersTable {
  staff_user_id: string;
  cluster_id: string;
}

export interface ApiTokensTable {
  id: Uuid;
  staff_user_id: string;
  token_hash: string;
  label: string | null;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface PlansTable {
  id: Uuid;
  owner_unit_id: string;
  year: number;
  title: string;
  reference: string | null;
  cadre_target_pct: Generated<number>;
  member_target_pct: Generated<number>;
  trends_per_branch_per_year: Generated<number>;
  good_news_per_day: Generated<number>;
  legal_info_per_day: Generated<number>;
  teachings_per_week: Generated<number>;
  is_example: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface WavesTable {
  id: Uuid;
  plan_id: string | null;
  owner_unit_id: string;
  title: string;
  description: Generated<string>;
  action_kind: WaveAction;
  hashtags: ColumnType<string[], string[] | undefined, string[]>;
  required_hashtag: string | null;
  accepted_platforms: ColumnType<ProofPlatform[], ProofPlatform[] | undefined, ProofPlatform[]>;
  asset_url: string | null;
  starts_at: Timestamp;
  /** Exclusive end. */
  ends_at: Timestamp;
  status: Generated<WaveStatus>;
  template_key: string | null;
  created_by_staff_id: string | null;
  created_by_member_id: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ParticipationsTable {
  id: Uuid;
  wave_id: string;
  member_id: string;
  state: Generated<ParticipationState>;
  joined_at: ColumnType<Date, Date | string | undefined, Date | string>;
  proof_submitted_at: Timestamp | null;
  approved_at: Timestamp | null;
  rejected_at: Timestamp | null;
  updated_at: UpdatedAt;
  /** The member's branch, copied and kept by triggers (migrations/20261129_0630_report_scope.ts): never written here. */
  branch_id: ColumnType<string | null, never, never>;
}

export interface ProofsTable {
  id: Uuid;
  participation_id: string;
  wave_id: string;
  kind: 'link' | 'image';
  original_url: string | null;
  canonical_url: string | null;
  platform: ProofPlatform | null;
  image_sha256: string | null;
  image_mime: string | null;
  image_bytes: number | null;
  caption: string | null;
  review_state: Generated<ReviewState>;
  reviewed_by_staff_id: string | null;
  reviewed_by_member_id: string | null;
  reject_reason: string | null;
  submitted_at: ColumnType<Date, Date | string | undefined, Date | string>;
  reviewed_at: Timestamp | null;
  /** Set when the member's data was erased: the proof still counts, with nothing personal left. */
  erased_at: Timestamp | null;
  /** Image proofs: 'awaiting' until the download job stores the bytes; null for links. */
  image_state: ProofImageState | null;
  /** The platform's (expiring) URL of the image while it awaits download. */
  image_source_url: string | null;
  submitted_via_identity_id: string | null;
  /** The same image submitted earlier by another member. */
  duplicate_of_proof_id: string | null;
  /** The member confirmed the post carries the wave's required hashtag. */
  hashtag_confirmed: boolean | null;
  /** The member's branch, copied and kept by triggers (migrations/20261129_0630_report_scope.ts): never written here. */
  branch_id: ColumnType<string | null, never, never>;
}

/** Proof images, once per content hash (migrations/20261129_0201_proofs.ts says why in the database). */
export interface MediaImagesTable {
  sha256: string;
  mime: string;
  bytes: number;
  data: Buffer;
  created_at: CreatedAt;
}

export interface ContentItemsTable {
  id: Uuid;
  kind: ContentKind;
  title: string | null;
  body: string;
  link_url: string | null;
  source: string | null;
  scheduled_on: DateOnly | null;
  approval: Generated<ReviewState>;
  submitted_by_member_id: string | null;
  created_by_staff_id: string | null;
  approved_by_staff_id: string | null;
  approved_at: Timestamp | null;
  times_sent: Generated<number>;
  last_sent_at: Timestamp | null;
  seed_key: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface SubscriptionsTable {
  identity_id: string;
  topic: SubscriptionTopic;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface BroadcastButton {
  title: string;
  url: string;
}

export interface BroadcastsTable {
  id: Uuid;
  purpose: DeliveryPurpose;
  title: string | null;
  text: string;
  image_url: string | null;
  buttons: ColumnType<BroadcastButton[], string | undefined, string>;
  audience: Json<Record<string, unknown>>;
  wave_id: string | null;
  content_item_id: string | null;
  status: Generated<BroadcastStatus>;
  send_at: Timestamp | null;
  schedule_key: string | null;
  recipients_count: number | null;
  created_by_staff_id: string | null;
  created_at: CreatedAt;
  started_at: Timestamp | null;
  completed_at: Timestamp | null;
  cancelled_at: Timestamp | null;
  /** The last recipient key whose deliveries are recorded and enqueued (a fan-out resumes after it). */
  fanout_cursor: ColumnType<string | null, string | null | undefined, string | null>;
  /** The creator's branches (null: the whole district); the fan-out stays inside them. */
  scope_branch_ids: ColumnType<string[] | null, string | null | undefined, string | null>;
  expires_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** The last of its deliveries whose send job is enqueued (jobs are fed a few thousand ahead of the send rate). */
  fed_through_id: ColumnType<string | null, number | null | undefined, number | null>;
}

export interface DeliveriesTable {
  id: Generated<number>;
  broadcast_id: string | null;
  identity_id: string;
  purpose: DeliveryPurpose;
  topic: string | null;
  idempotency_key: string;
  payload: Json<Record<string, unknown>>;
  status: Generated<DeliveryStatus>;
  attempts: Generated<number>;
  not_before: Timestamp | null;
  expires_at: Timestamp | null;
  send_mode: string | null;
  platform_message_id: string | null;
  error_code: string | null;
  error_message: string | null;
  /** The token of the claim call that last moved the row to 'sending' (a retry of that call takes it back); null before any. */
  claim_token: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  sent_at: Timestamp | null;
  delivered_at: Timestamp | null;
  read_at: Timestamp | null;
}

export interface TasksTable {
  id: Uuid;
  title: string;
  description: Generated<string>;
  post_url: string;
  actions: ColumnType<TaskAction[], TaskAction[], TaskAction[]>;
  unit_id: string | null;
  deadline: Timestamp;
  status: Generated<'open' | 'closed'>;
  created_by_staff_id: string | null;
  created_at: CreatedAt;
}

export interface TaskCompletionsTable {
  task_id: string;
  member_id: string;
  link_url: string | null;
  completed_at: CreatedAt;
}

export interface BranchReportsTable {
  id: Uuid;
  branch_id: string;
  report_date: DateOnly;
  post_url: string;
  reported_by_member_id: string | null;
  reported_by_staff_id: string | null;
  created_at: CreatedAt;
  /** When the link last changed (a second report the same day replaces it; migration 0505). */
  updated_at: UpdatedAt;
}

export interface InboundEventsTable {
  id: Generated<number>;
  channel: ChannelId;
  event_key: string;
  conversation_key: string;
  kind: string;
  /** Epoch milliseconds as the platform stamped the event. */
  platform_ts: number;
  payload: Json<Record<string, unknown>>;
  status: Generated<InboundStatus>;
  attempts: Generated<number>;
  last_error: string | null;
  received_at: CreatedAt;
  processed_at: Timestamp | null;
  dead_at: Timestamp | null;
  replayed_at: Timestamp | null;
  /** A failed event is not tried again before this (backoff); its conversation waits. */
  next_attempt_at: Timestamp | null;
}

export interface BotStateTable {
  key: string;
  data: Json<Record<string, unknown>>;
  etag: string;
  updated_at: UpdatedAt;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: CreatedAt;
  actor_kind: 'staff' | 'member' | 'system';
  actor_id: string | null;
  action: string;
  subject_kind: string | null;
  subject_id: string | null;
  unit_id: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, string>;
  ip: string | null;
}

/** A signed-in admin web session; only the SHA-256 of its id is kept. */
export interface AdminSessionsTable {
  id_hash: string;
  staff_user_id: string;
  /** The synchroniser token every form and htmx request of this session sends back. */
  csrf_token: string;
  created_at: Date;
  last_seen_at: Date;
  /** Absolute end, however active the session is. */
  expires_at: Date;
  ip: string | null;
}

export interface Database {
  units: UnitsTable;
  members: MembersTable;
  channel_identities: ChannelIdentitiesTable;
  channel_tokens: ChannelTokensTable;
  consents: ConsentsTable;
  staff_users: StaffUsersTable;
  staff_user_clusters: StaffUserClustersTable;
  api_tokens: ApiTokensTable;
  plans: PlansTable;
  waves: WavesTable;
  participations: ParticipationsTable;
  proofs: ProofsTable;
  media_images: MediaImagesTable;
  content_items: ContentItemsTable;
  subscriptions: SubscriptionsTable;
  broadcasts: BroadcastsTable;
  deliveries: DeliveriesTable;
  tasks: TasksTable;
  task_completions: TaskCompletionsTable;
  branch_reports: BranchReportsTable;
  inbound_events: InboundEventsTable;
  bot_state: BotStateTable;
  audit_log: AuditLogTable;
  admin_sessions: AdminSessionsTable;
  official_pages: OfficialPagesTable;
  handover_threads: HandoverThreadsTable;
  handover_messages: HandoverMessagesTable;
  link_codes: LinkCodesTable;
  link_attempts: LinkAttemptsTable;
  cadre_nudges: CadreNudgesTable;
  schedule_runs: ScheduleRunsTable;
  proof_tallies: ProofTalliesTable;
  wave_branch_participants: WaveBranchParticipantsTable;
  wave_branch_tallies: WaveBranchTalliesTable;
  branch_member_tallies: BranchMemberTalliesTable;
}

export type UnitRow = Selectable<UnitsTable>;
export type NewUnit = Insertable<UnitsTable>;
export type MemberRow = Selectable<MembersTable>;
export type NewMember = Insertable<MembersTable>;
export type MemberUpdate = Updateable<MembersTable>;
export type PlanRow = Selectable<PlansTable>;
export type WaveRow = Selectable<WavesTable>;
export type NewWave = Insertable<WavesTable>;
