import { sql } from 'kysely';
import type { Db } from '../../db/database';

export interface AuditLogEntry {
  readonly id: number;
  readonly at: Date;
  readonly actorKind: 'staff' | 'member' | 'system';
  readonly actorName: string | null;
  readonly action: string;
  readonly subjectKind: string | null;
  readonly subjectId: string | null;
  readonly unitName: string | null;
  readonly details: Record<string, unknown>;
  readonly ip: string | null;
}

/** A page of the audit log, newest first, before `beforeId` (keyset: stable while new rows arrive). */
export async function listAuditLog(db: Db, options: { readonly beforeId?: number; readonly limit: number }): Promise<AuditLogEntry[]> {
  let query = db
    .selectFrom('audit_log as a')
    .leftJoin('staff_users as s', (j) => j.on('a.actor_kind', '=', 'staff').on(sql<boolean>`s.id::text = a.actor_id`))
    .leftJoin('units as u', 'u.id', 'a.unit_id')
    .select(['a.id', 'a.at', 'a.actor_kind', 's.username', 'a.action', 'a.subject_kind', 'a.subject_id', 'u.name as unit_name', 'a.details', 'a.ip'])
    .orderBy('a.id', 'desc')
    .limit(options.limit);
  if (options.beforeId !== undefined) query = query.where('a.id', '<', options.beforeId);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actorKind: r.actor_kind,
    actorName: r.username,
    action: r.action,
    subjectKind: r.subject_kind,
    subjectId: r.subject_id,
    unitName: r.unit_name,
    details: r.details,
    ip: r.ip,
  }));
}
