import { MENU } from './catalog/menu.vi';
import { DIALOG, type DialogId } from './dialog-ids';
import { MENU_ENTRIES } from './menu';

/**
 * Words that start a dialog from anywhere, whatever dialog is running (the running one is
 * cancelled): each menu entry's Zalo #keyword and value, and the commands members type
 * ("dừng nhận tin", "gặp cán bộ", "xóa dữ liệu của tôi"…). `words` are compared after
 * matchKey (domain/shared/text.ts): no diacritics, lower case, single spaces.
 */
export interface GlobalCommand {
  readonly words: readonly string[];
  readonly dialogId: DialogId;
  /** Passed to the dialog's beginDialog. */
  readonly options?: Readonly<Record<string, unknown>>;
}

const MENU_COMMANDS: GlobalCommand[] = MENU_ENTRIES.map((entry) => ({
  words: [MENU[entry.key].keyword, MENU[entry.key].value],
  dialogId: entry.dialogId,
  ...(entry.options ? { options: entry.options } : {}),
}));

export const GLOBAL_COMMANDS: readonly GlobalCommand[] = [
  ...MENU_COMMANDS,
  // Feature commands go here, e.g. { words: ['dung nhan tin'], dialogId: DIALOG.subscriptions, options: { stopAll: true } }.
  { words: ['dung nhan tin', 'huy nhan tin', 'stop'], dialogId: DIALOG.subscriptions, options: { stopAll: true } },
  { words: ['xoa du lieu cua toi', 'xoa du lieu', 'xoa thong tin cua toi'], dialogId: DIALOG.dataRights, options: { mode: 'erase' } },
  { words: ['du lieu cua toi', 'thong tin cua toi'], dialogId: DIALOG.dataRights, options: { mode: 'show' } },
  { words: ['gap can bo'], dialogId: DIALOG.handover },
  { words: ['lien ket', 'ma lien ket', 'lien ket tai khoan'], dialogId: DIALOG.linkChannel },
  { words: ['tro giup', 'help', 'huong dan'], dialogId: DIALOG.help },
  { words: ['dang ky', 'dang ky thanh vien', 'dang ky doan vien'], dialogId: DIALOG.onboarding, options: { from: 'menu' } },
];
