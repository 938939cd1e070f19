import type { TurnContext } from 'botbuilder-core';
import { sql } from 'kysely';
import type { Db, Tx } from '../db/database';
import { latestConsentOfIdentity, type ConsentAnswer } from '../domain/consents/consents.repository';

/**
 * What almost every turn asks about its person before any dialog runs — is a cadre holding the
 * conversation, what did they answer to the registration notice — read for the whole batch of
 * turns in one statement instead of two or three statements per turn. (Every statement is a
 * socket write and a wake-up of a PostgreSQL backend: on this machine that was a third of a
 * turn's CPU.) A turn that changes one of them updates it here too.
 */
export interface TurnFacts {
  unclosedThread: boolean;
  registrationConsent: ConsentAnswer | undefined;
}

const FACTS_KEY = Symbol('vx.turnFacts');

export async function prefetchTurnFacts(db: Db | Tx, identityIds: readonly string[]): Promise<Map<string, TurnFacts>> {
  const facts = new Map<string, TurnFacts>();
  if (identityIds.length === 0) return facts;
  const { rows } = await sql<{ id: string; unclosed_thread: boolean; granted: boolean | null; notice_version: string | null; recorded_at: Date | null }>`
    select i.id,
           exists(select 1 from handover_threads h where h.identity_id = i.id and h.closed_at is null) as unclosed_thread,
           c.granted, c.notice_version, c.recorded_at
    from unnest(${[...identityIds]}::uuid[]) as i(id)
    left join lateral (
      select granted, notice_version, recorded_at from consents
      where identity_id = i.id and purpose = 'registration'
      order by recorded_at desc, id desc limit 1
    ) c on true`.execute(db);
  for (const r of rows) {
    const consent = r.granted === null || r.notice_version === null || r.recorded_at === null ? undefined : { granted: r.granted, noticeVersion: r.notice_version, recordedAt: r.recorded_at };
    facts.set(r.id, { unclosedThread: r.unclosed_thread, registrationConsent: consent });
  }
  return facts;
}

export function setTurnFacts(context: TurnContext, facts: TurnFacts): void {
  context.turnState.set(FACTS_KEY, facts);
}

function factsOf(context: TurnContext): TurnFacts | undefined {
  return context.turnState.get(FACTS_KEY) as TurnFacts | undefined;
}

/** False only when the batch read that this identity has no thread a cadre holds (a turn not run by the pipeline: true, ask the database). */
export function mayHaveUnclosedThread(context: TurnContext): boolean {
  return factsOf(context)?.unclosedThread ?? true;
}

/** The identity's latest answer to the registration notice, as of this turn. */
export async function registrationConsentOf(context: TurnContext, db: Db | Tx, identityId: string): Promise<ConsentAnswer | undefined> {
  const facts = factsOf(context);
  if (facts) return facts.registrationConsent;
  return latestConsentOfIdentity(db, identityId, 'registration');
}

/** After recording an answer in this turn, so that the rest of the turn sees it. */
export function noteRegistrationConsent(context: TurnContext, answer: ConsentAnswer): void {
  const facts = factsOf(context);
  if (facts) facts.registrationConsent = answer;
}
