import type { Db, Tx } from '../../db/database';
import { extractLinks } from '../proofs/proof-link';
import { webLinkOf } from '../proofs/web-link';
import { countTasksToDo, insertTaskCompletion, isTaskOpenFor } from './tasks.repository';

export type { OpenTask } from './tasks.repository';
export { countTasksToDo, listTasksToDo } from './tasks.repository';

/**
 * Collaborators' tasks (like, share or comment a post of an official page): the open ones a
 * collaborator may do, and marking one done, once, with an optional link to what they posted.
 */

export type TaskLinkCheck = { readonly ok: true; readonly link: string } | { readonly ok: false; readonly problem: 'noLink' | 'notHttp' };

/** The link a collaborator gives as evidence: the first link in what they typed (see webLinkOf). */
export function checkTaskLink(text: string): TaskLinkCheck {
  const found = extractLinks(text)[0];
  if (found === undefined) return { ok: false, problem: 'noLink' };
  const link = webLinkOf(found);
  return link ? { ok: true, link } : { ok: false, problem: 'notHttp' };
}

export type CompletionOutcome =
  | { readonly kind: 'recorded'; readonly remaining: number }
  | { readonly kind: 'alreadyDone'; readonly remaining: number }
  /** Closed, past its deadline, or not meant for this member. */
  | { readonly kind: 'closed'; readonly remaining: number };

export interface Collaborator {
  readonly memberId: string;
  readonly branchId: string | null;
}

/** Marks a task done for a collaborator; idempotent (a second time changes nothing and says so). */
export async function completeTask(db: Db | Tx, who: Collaborator, taskId: string, link: string | null, now: Date): Promise<CompletionOutcome> {
  const open = await isTaskOpenFor(db, taskId, who.branchId, now);
  const recorded = open ? await insertTaskCompletion(db, taskId, who.memberId, link, now) : false;
  const remaining = await countTasksToDo(db, who.memberId, who.branchId, now);
  if (recorded) return { kind: 'recorded', remaining };
  return open ? { kind: 'alreadyDone', remaining } : { kind: 'closed', remaining };
}
