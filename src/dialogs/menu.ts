import type { MemberRecord } from '../domain/members/members.repository';
import { MENU, type MenuEntryKey } from './catalog/menu.vi';
import { DIALOG, type DialogId } from './dialog-ids';

/** Who sees an entry: everyone, people not registered yet, or only verified collaborators / cadres. */
export type MenuAudience = 'everyone' | 'unregistered' | 'collaborators' | 'cadres';

export interface MenuEntry {
  readonly key: MenuEntryKey;
  readonly dialogId: DialogId;
  readonly audience: MenuAudience;
  /** Passed to the dialog's beginDialog when the entry is picked. */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** The menu in the order members see it (numbered on Zalo, quick replies and persistent menu on Messenger). */
export const MENU_ENTRIES: readonly MenuEntry[] = [
  { key: 'register', dialogId: DIALOG.onboarding, audience: 'unregistered', options: { from: 'menu' } },
  { key: 'currentWaves', dialogId: DIALOG.currentWaves, audience: 'everyone' },
  { key: 'joinWave', dialogId: DIALOG.joinWave, audience: 'everyone' },
  { key: 'submitProof', dialogId: DIALOG.submitProof, audience: 'everyone' },
  { key: 'myResults', dialogId: DIALOG.myResults, audience: 'everyone' },
  { key: 'goodNews', dialogId: DIALOG.goodNews, audience: 'everyone' },
  { key: 'collaboratorTasks', dialogId: DIALOG.collaboratorTasks, audience: 'collaborators' },
  { key: 'cadreDesk', dialogId: DIALOG.cadreDesk, audience: 'cadres' },
  { key: 'branchReport', dialogId: DIALOG.branchReport, audience: 'cadres' },
  { key: 'subscriptions', dialogId: DIALOG.subscriptions, audience: 'everyone' },
  { key: 'officialPages', dialogId: DIALOG.officialPages, audience: 'everyone' },
  { key: 'help', dialogId: DIALOG.help, audience: 'everyone' },
  { key: 'talkToCadre', dialogId: DIALOG.handover, audience: 'everyone' },
];

/** The entries this member may see (a stranger also sees "Đăng ký"; a pending member sees the everyone entries). */
export function menuEntriesFor(member: Pick<MemberRecord, 'status' | 'role' | 'isCollaborator'> | null): MenuEntry[] {
  const verified = member?.status === 'verified';
  return MENU_ENTRIES.filter(
    (e) =>
      e.audience === 'everyone' ||
      (member === null && e.audience === 'unregistered') ||
      (verified && e.audience === 'collaborators' && member.isCollaborator) ||
      (verified && e.audience === 'cadres' && member.role === 'cadre'),
  );
}

export function menuEntryTitle(entry: MenuEntry): string {
  return MENU[entry.key].title;
}

/** The Zalo #keywords of these entries, in menu order. */
export function menuKeywords(entries: readonly MenuEntry[]): string[] {
  return entries.map((e) => MENU[e.key].keyword);
}

/** Messenger's persistent menu holds at most 20 flat buttons (messenger.md §5, nested menus were removed in v8.0). */
export const PERSISTENT_MENU_MAX_ITEMS = 20;
/** Meta cuts persistent menu titles at 30 characters. */
export const PERSISTENT_MENU_TITLE_MAX = 30;

/**
 * The persistent menu Messenger shows everyone beside the composer: the entries everyone may use
 * (one menu for the whole Page; collaborators' and cadres' entries come with their quick replies).
 * A tap sends the entry's value as a postback, which opens the entry from anywhere.
 */
export function persistentMenuItems(): { readonly title: string; readonly payload: string }[] {
  return MENU_ENTRIES.filter((e) => e.audience === 'everyone')
    .slice(0, PERSISTENT_MENU_MAX_ITEMS)
    .map((e) => ({ title: MENU[e.key].title.slice(0, PERSISTENT_MENU_TITLE_MAX), payload: MENU[e.key].value }));
}
