import type { TurnContext } from 'botbuilder-core';
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import type { InboundChannelData } from '../bot/activity-mapping';
import { mayHaveUnclosedThread } from '../bot/turn-facts';
import { turnPerson } from '../bot/turn-person';
import { turnDb } from '../bot/turn-scope';
import type { HandoverAttachment } from '../db/types';
import { closeThreadBy, findUnclosedThread, isLive, noteWaitingNoticeSent, openThread, recordMemberMessage } from '../domain/handover/handover.service';
import { matchKey } from '../domain/shared/text';
import { currentMember } from './current-member';
import type { DialogDeps } from './dialog-deps';
import { DIALOG } from './dialog-ids';
import { HANDOVER } from './messages.vi';

/** "Gặp cán bộ": opens a thread staff answer; the bot stays quiet for this member meanwhile (see handoverInterceptor). */
export class HandoverDialog extends Dialog {
  constructor(private readonly deps: DialogDeps) {
    super(DIALOG.handover);
  }

  override async beginDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const { identityId } = turnPerson(dc.context);
    const member = await currentMember(dc.context, this.deps.db);
    const memberId = member && member.status !== 'erased' ? member.id : null;
    const { created } = await openThread(turnDb(this.deps.db), { identityId, memberId, branchId: member?.branchId ?? null }, this.deps.now());
    await dc.context.sendActivity(created ? HANDOVER.opened : HANDOVER.alreadyOpen);
    return dc.endDialog();
  }
}

function attachmentsOf(context: TurnContext): HandoverAttachment[] {
  const event = (context.activity.channelData as InboundChannelData | undefined)?.event;
  if (!event || event.kind !== 'message') return [];
  return event.attachments.map((a) => (a.url ? { type: a.type, url: a.url } : { type: a.type }));
}

/**
 * While a member is handed over, every message goes into the thread and the bot answers nothing,
 * except: once, that a cadre will answer soon; "kết thúc" (or "hủy", "menu") ends the handover;
 * and after 24 hours the thread closes by itself, the member is told once, and the bot answers again.
 */
export function handoverInterceptor(deps: DialogDeps): (context: TurnContext) => Promise<boolean> {
  return async (context) => {
    if (!mayHaveUnclosedThread(context)) return false;
    const db = turnDb(deps.db);
    const { identityId } = turnPerson(context);
    const thread = await findUnclosedThread(db, identityId);
    if (!thread) return false;
    const now = deps.now();
    if (!isLive(thread, now)) {
      await closeThreadBy(db, thread, 'expiry', now);
      await context.sendActivity(HANDOVER.expired);
      return false;
    }
    const said = matchKey(String(context.activity.value ?? context.activity.text ?? ''));
    if ((HANDOVER.endWords as readonly string[]).includes(said)) {
      await closeThreadBy(db, thread, 'member', now);
      await context.sendActivity(HANDOVER.closedByMember);
      // "menu" and "hủy" go on to bring the menu back; "kết thúc" has been answered.
      return !['menu', 'huy'].includes(said);
    }
    await recordMemberMessage(db, thread.id, String(context.activity.text ?? context.activity.value ?? ''), attachmentsOf(context), now);
    if (thread.waitingNoticeAt === null) {
      await noteWaitingNoticeSent(db, thread.id, now);
      await context.sendActivity(HANDOVER.waiting);
    }
    return true;
  };
}
