import { CardFactory, MessageFactory } from 'botbuilder-core';
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { turnDb } from '../bot/turn-scope';
import { listActiveOfficialPages } from '../domain/official-pages/official-pages.repository';
import type { DialogDeps } from './dialog-deps';
import { DIALOG } from './dialog-ids';
import { OFFICIAL_PAGES } from './messages.vi';

/**
 * "Trang chính thống": the official pages members are asked to follow, as link buttons (Messenger
 * button templates, three per message; on Zalo, lines with the address). Open to everyone.
 */
export class OfficialPagesDialog extends Dialog {
  constructor(private readonly deps: DialogDeps) {
    super(DIALOG.officialPages);
  }

  override async beginDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const pages = await listActiveOfficialPages(turnDb(this.deps.db));
    if (pages.length === 0) {
      await dc.context.sendActivity(OFFICIAL_PAGES.none);
      return dc.endDialog();
    }
    const buttons = pages.map((p) => ({ type: 'openUrl', title: p.title, value: p.url }));
    await dc.context.sendActivity(MessageFactory.attachment(CardFactory.heroCard('', undefined, buttons), OFFICIAL_PAGES.intro));
    return dc.endDialog();
  }
}
