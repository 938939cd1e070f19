import { persistentMenuProblem } from '../../../src/channels/simulator/simulator.platform-graph';
import { GLOBAL_COMMANDS } from '../../../src/dialogs/global-commands';
import { MENU } from '../../../src/dialogs/messages.vi';
import { MENU_ENTRIES, menuEntriesFor, persistentMenuItems } from '../../../src/dialogs/menu';

describe('the menu as data', () => {
  test('Messenger shows every entry anyone can see as one quick reply (at most 13, titles of at most 20 characters)', () => {
    const widest = [menuEntriesFor(null), menuEntriesFor({ status: 'verified', role: 'cadre', isCollaborator: true })];
    for (const entries of widest) expect(entries.length).toBeLessThanOrEqual(13);
    for (const entry of MENU_ENTRIES) expect(MENU[entry.key].title.length).toBeLessThanOrEqual(20);
  });

  test('"Đăng ký" is for people not registered only; cadre and collaborator entries for verified members only', () => {
    const keys = (member: Parameters<typeof menuEntriesFor>[0]) => menuEntriesFor(member).map((e) => e.key);
    expect(keys(null)[0]).toBe('register');
    expect(keys({ status: 'pending', role: 'cadre', isCollaborator: true })).not.toEqual(expect.arrayContaining(['register']));
    expect(keys({ status: 'pending', role: 'cadre', isCollaborator: true })).not.toContain('cadreDesk');
    expect(keys({ status: 'verified', role: 'cadre', isCollaborator: false })).toContain('cadreDesk');
    expect(keys({ status: 'verified', role: 'member', isCollaborator: true })).toContain('collaboratorTasks');
  });

  test('values and #keywords are unique, so a payload or a keyword opens one entry', () => {
    const values = MENU_ENTRIES.map((e) => MENU[e.key].value);
    const keywords = MENU_ENTRIES.map((e) => MENU[e.key].keyword);
    expect(new Set(values).size).toBe(values.length);
    expect(new Set(keywords).size).toBe(keywords.length);
  });

  test('the persistent menu is what Graph accepts, and each of its payloads is a command that works from anywhere', () => {
    const items = persistentMenuItems();
    const menu = [{ locale: 'default', composer_input_disabled: false, call_to_actions: items.map((i) => ({ type: 'postback', ...i })) }];
    expect(persistentMenuProblem(menu)).toBeUndefined();
    expect(items.map((i) => i.title)).toContain(MENU.help.title);
    for (const item of items) expect(GLOBAL_COMMANDS.some((c) => c.words.includes(item.payload))).toBe(true);
  });
});
