import type { Db, Tx } from '../../db/database';
import { extractLinks } from '../proofs/proof-link';
import { webLinkOf } from '../proofs/web-link';
import { insertGoodNews } from './good-news.repository';

/**
 * Good news a member sends (tin tốt, câu chuyện đẹp): a link or a short story, with one line saying
 * what it is. It waits for staff review before anything is published; nothing here sends it on.
 */

export const STORY_MIN = 20;
export const STORY_MAX = 1500;
export const DESCRIPTION_MIN = 5;
export const DESCRIPTION_MAX = 200;

export type GoodNewsPiece =
  | { readonly ok: true; readonly kind: 'link'; readonly link: string }
  | { readonly ok: true; readonly kind: 'story'; readonly story: string }
  | { readonly ok: false; readonly problem: 'empty' | 'tooShort' | 'tooLong' | 'badLink' };

function tidy(text: string): string {
  return text.normalize('NFC').replace(/[ \t]+/g, ' ').replace(/\n{3,}/g, '\n\n').trim();
}

/**
 * What the member sent: a message that is a link (alone, or with a few words around it, or a
 * shared link attachment) is a link; anything else is a story, within STORY_MIN–STORY_MAX characters.
 * A post link on a platform we know is stored without its tracking parameters.
 */
export function readGoodNews(text: string, attachedLinks: readonly string[] = []): GoodNewsPiece {
  const message = tidy(text);
  const links = [...attachedLinks, ...extractLinks(message)];
  const first = links[0];
  const rest = first === undefined ? message : message.replace(first, '').trim();
  if (first !== undefined && rest.length < STORY_MIN) {
    const link = webLinkOf(first);
    return link ? { ok: true, kind: 'link', link } : { ok: false, problem: 'badLink' };
  }
  if (message === '') return { ok: false, problem: 'empty' };
  if (message.length < STORY_MIN) return { ok: false, problem: 'tooShort' };
  if (message.length > STORY_MAX) return { ok: false, problem: 'tooLong' };
  return { ok: true, kind: 'story', story: message };
}

export type DescriptionCheck = { readonly ok: true; readonly description: string } | { readonly ok: false; readonly problem: 'tooShort' | 'tooLong' };

/** The one line that says what the good news is about. */
export function checkDescription(text: string): DescriptionCheck {
  const description = text.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (description.length < DESCRIPTION_MIN) return { ok: false, problem: 'tooShort' };
  if (description.length > DESCRIPTION_MAX) return { ok: false, problem: 'tooLong' };
  return { ok: true, description };
}

export type GoodNewsSubmission = { readonly kind: 'link'; readonly link: string; readonly description: string } | { readonly kind: 'story'; readonly story: string; readonly description: string };

/** Stores it for staff review: the description is the title; a story is the body, a link's body is its description. */
export async function submitGoodNews(db: Db | Tx, memberId: string, submission: GoodNewsSubmission): Promise<string> {
  return insertGoodNews(db, {
    memberId,
    title: submission.description,
    body: submission.kind === 'story' ? submission.story : submission.description,
    linkUrl: submission.kind === 'link' ? submission.link : null,
  });
}
