import { canonicalizeProofLink, platformOf } from './proof-link';

export const MAX_WEB_LINK_LENGTH = 2000;

/**
 * Any web link a member gives outside a wave (a collaborator's share, a piece of good news): the
 * canonical form (tracking removed) when it is a post on a platform we know, otherwise the link
 * itself, read as https when written bare. Undefined when it is not an http(s) link.
 */
export function webLinkOf(found: string): string | undefined {
  const text = found.trim();
  if (text === '' || text.length > MAX_WEB_LINK_LENGTH) return undefined;
  const canonical = canonicalizeProofLink(text);
  if (canonical.ok) return canonical.canonical;
  const bare = !/^[a-z][a-z0-9+.-]*:/i.test(text);
  const withScheme = bare && (platformOf(`https://${text}`) !== 'other' || /^www\./i.test(text)) ? `https://${text}` : text;
  try {
    const url = new URL(withScheme);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    return url.href.length <= MAX_WEB_LINK_LENGTH ? url.href : undefined;
  } catch {
    return undefined;
  }
}
