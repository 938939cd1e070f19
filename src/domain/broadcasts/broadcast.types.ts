/**
 * What staff tools, the admin web and the schedules ask of broadcasts (issue 5 §4). The service in
 * broadcasts.service.ts implements `BroadcastsPort`; callers depend on this file only.
 */
import type { BroadcastButton, BroadcastStatus, DeliveryPurpose, MemberRole, ParticipationState, PlatformChannelId, SubscriptionTopic } from '../../db/types';

/** Who gets it. `everyone` alone, or any mix of the others (all given filters must hold). */
export type BroadcastAudience =
  | { readonly everyone: true }
  | {
    readonly branches?: readonly string[];
    readonly clusters?: readonly string[];
    readonly roles?: readonly MemberRole[];
    readonly channel?: PlatformChannelId;
    readonly wave?: { readonly id: string; readonly state: 'joined' | 'notJoined' | 'withoutProof' | ParticipationState };
    readonly topic?: SubscriptionTopic;
  };

export interface NewBroadcast {
  readonly purpose: DeliveryPurpose;
  readonly text: string;
  readonly title?: string;
  readonly imageUrl?: string;
  readonly buttons?: readonly BroadcastButton[];
  readonly audience: BroadcastAudience;
  /** Absent: now. */
  readonly sendAt?: Date;
  /** Makes creation idempotent for schedules (e.g. "uncleHo:2026-W48"): a second create returns the first. */
  readonly scheduleKey?: string;
  readonly waveId?: string;
  readonly contentItemId?: string;
  /** Null for the system (schedules). */
  readonly createdByStaffId: string | null;
  /** Content past this is not sent any more (deferred copies expire). */
  readonly expiresAt?: Date;
}

/** Per channel: how many would get it now, later (deferred), at a cost (paid), or not at all. */
export interface ReachForecast {
  readonly total: number;
  readonly byChannel: Readonly<Record<PlatformChannelId, { readonly now: number; readonly later: number; readonly paid: number; readonly never: number }>>;
}

export interface BroadcastFigures {
  readonly id: string;
  readonly status: BroadcastStatus;
  readonly recipients: number | null;
  readonly queued: number;
  readonly sent: number;
  readonly deferred: number;
  readonly delivered: number;
  readonly read: number;
  readonly failed: Readonly<Record<string, number>>;
  readonly skipped: Readonly<Record<string, number>>;
  readonly expired: number;
  readonly cancelled: number;
  readonly sendAt: Date | null;
  readonly startedAt: Date | null;
  readonly completedAt: Date | null;
}

/** Branch scope of the staff member asking (null: the whole district). */
export type StaffScope = { readonly branchIds: readonly string[] } | null;

export interface BroadcastsPort {
  forecast(audience: BroadcastAudience, purpose: DeliveryPurpose, scope: StaffScope): Promise<ReachForecast>;
  /** Records it and schedules the fan-out (now or at sendAt). */
  create(input: NewBroadcast, scope: StaffScope): Promise<{ readonly id: string; readonly status: BroadcastStatus; readonly created: boolean }>;
  figures(id: string, scope: StaffScope): Promise<BroadcastFigures | undefined>;
  /** Stops what is not sent yet; true when it was still running or scheduled. */
  cancel(id: string, scope: StaffScope): Promise<boolean>;
}
