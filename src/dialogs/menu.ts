import type { MemberRecord } from '../domain/members/members.repository';
import { MENU, type MenuEntryKey } from './catalog/menu.vi';
import { DIALOG, type DialogId } from './dialog-ids';

/** Who sees an entry: everyone, or only verified collaborators / cadres. */
export type MenuAudience = 'everyone' | 'collaborators' | 'cadres';

export interface MenuEntry {
  readonly key: MenuEntryKey;
  readonly dialogId: DialogId;
  readonly audience: MenuAudience;
}

/** The menu in the order members see it (numbered on Zalo, quick replies and persistent menu on Messenger). */
export const MENU_ENTRIES: readonly MenuEntry[] = [
  { key: 'currentWaves', dialogId: DIALOG.currentWaves, audience: 'everyone' },
  { key: 'joinWave', dialogId: DIALOG.joinWave, audience: 'everyone' },
  { key: 'submitProof', dialogId: DIALOG.submitProof, audience: 'everyone' },
  { key: 'myResults', dialogId: DIALOG.myResults, audience: 'everyone' },
  { key: 'goodNews', dialogId: DIALOG.goodNews, audience: 'everyone' },
  { key: 'collaboratorTasks', dialogId: DIALOG.collaboratorTasks, audience: 'collaborators' },
  { key: 'cadreDesk', dialogId: DIALOG.cadreDesk, audience: 'cadres' },
  { key: 'subscriptions', dialogId: DIALOG.subscriptions, audience: 'everyone' },
  { key: 'officialPages', dialogId: DIALOG.officialPages, audience: 'everyone' },
  { key: 'help', dialogId: DIALOG.help, audience: 'everyone' },
  { key: 'talkToCadre', dialogId: DIALOG.handover, audience: 'everyone' },
];

/** The entries this member may see (a stranger or pending member sees the everyone entries). */
export function menuEntriesFor(member: Pick<MemberRecord, 'status' | 'role' | 'isCollaborator'> | null): MenuEntry[] {
  const verified = member?.status === 'verified';
  return MENU_ENTRIES.filter(
    (e) => e.audience === 'everyone' || (verified && e.audience === 'collaborators' && member.isCollaborator) || (verified && e.audience === 'cadres' && member.role === 'cadre'),
  );
}

export function menuEntryTitle(entry: MenuEntry): string {
  return MENU[entry.key].title;
}
