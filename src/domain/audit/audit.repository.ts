import type { Db, Tx } from '../../db/database';

export interface StaffAuditEntry {
  /** Null when the command line did it (no staff account acts there). */
  readonly staffUserId: string | null;
  readonly action: string;
  readonly subjectKind: string;
  /** Null when there is none (a failed sign-in with an unknown username). */
  readonly subjectId: string | null;
  readonly unitId: string | null;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly ip?: string | null;
  /** Absent: the database's now(). Given where a rule counts entries against an injected clock (login limits). */
  readonly at?: Date;
}

/** Who did what, for the Nhật ký page: staff actions through the API and the admin commands. */
export async function recordStaffAction(db: Db | Tx, entry: StaffAuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor_kind: entry.staffUserId === null ? 'system' : 'staff',
      actor_id: entry.staffUserId,
      action: entry.action,
      subject_kind: entry.subjectKind,
      subject_id: entry.subjectId,
      unit_id: entry.unitId,
      details: JSON.stringify(entry.details ?? {}),
      ip: entry.ip ?? null,
      ...(entry.at ? { at: entry.at } : {}),
    })
    .execute();
}
