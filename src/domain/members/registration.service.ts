/**
 * Registering in chat: the rules that turn what a person typed (name, branch, role, phone) into a
 * member linked to the channel identity they wrote from.
 *
 * - The phone is on the imported roster of the branch they chose, and nobody has claimed that
 *   roster row yet: the identity is linked to it and the member is verified by the roster.
 * - Nobody has the phone: a pending member (source 'chat') for a cadre of the branch to verify;
 *   with no branch ("không thấy đơn vị") it waits for staff, who read unmatched_branch_note.
 * - Someone else has it (another branch, not on the roster, or already claimed): nothing is
 *   merged. A pending member is created without the phone, and registration_note tells staff
 *   which phone was given and whose it is; the person is told that staff will look.
 * The consent answers given through the identity before the member existed become the member's.
 */
import type { Db, Tx } from '../../db/database';
import type { MemberRole } from '../../db/types';
import { attachConsentsToMember } from '../consents/consents.repository';
import { formatVietnamMobile } from './phone';
import {
  branchName,
  findPhoneHolder,
  insertChatMember,
  linkIdentityToMember,
  memberOfIdentity,
  verifyByRoster,
  type PhoneHolder,
} from './registration.repository';

export const FULL_NAME_MIN_CHARS = 2;
export const FULL_NAME_MAX_CHARS = 80;
/** members.unmatched_branch_note holds at most this much. */
export const UNMATCHED_NOTE_MAX_CHARS = 500;

export type NameProblem = 'tooShort' | 'tooLong' | 'notLetters';
export type NameResult = { readonly ok: true; readonly fullName: string } | { readonly ok: false; readonly problem: NameProblem };

const LETTERS_AND_SPACES = /^[\p{L}\p{M} ]+$/u;

/**
 * A full name as typed: letters (any script, with their accents) and spaces, 2–80 characters.
 * Spaces are collapsed and the text composed (NFC); the capitalisation is the person's own.
 */
export function normalizeFullName(input: string): NameResult {
  const name = input.normalize('NFC').replace(/\s+/g, ' ').trim();
  const length = [...name].length;
  if (length > FULL_NAME_MAX_CHARS) return { ok: false, problem: 'tooLong' };
  if (name !== '' && !LETTERS_AND_SPACES.test(name)) return { ok: false, problem: 'notLetters' };
  if (length < FULL_NAME_MIN_CHARS) return { ok: false, problem: 'tooShort' };
  return { ok: true, fullName: name };
}

/** What the person typed for "không thấy đơn vị", kept for staff as plain text within the column's limit. */
export function unmatchedBranchNote(input: string): string {
  return [...input.normalize('NFC').replace(/\s+/g, ' ').trim()].slice(0, UNMATCHED_NOTE_MAX_CHARS).join('');
}

export type RegistrationBranch = { readonly kind: 'branch'; readonly branchId: string } | { readonly kind: 'unmatched'; readonly note: string };

export interface ChatRegistration {
  readonly identityId: string;
  /** Already normalised (normalizeFullName). */
  readonly fullName: string;
  readonly role: MemberRole;
  /** E.164, from normalizeVietnamMobile. */
  readonly phone: string;
  readonly branch: RegistrationBranch;
}

export type RegistrationOutcome =
  | {
      readonly kind: 'verifiedByRoster';
      readonly memberId: string;
      readonly branchName: string | null;
      /** The roster's role when it is not the one the person picked: the roster wins, and the person is told. */
      readonly rosterRole: MemberRole | null;
    }
  | { readonly kind: 'pending'; readonly memberId: string; readonly branchName: string | null }
  | { readonly kind: 'phoneTaken'; readonly memberId: string; readonly branchName: string | null }
  /** The phone's member already chats on another channel: most likely the same person, who links with a code instead. Nothing is stored. */
  | { readonly kind: 'registeredElsewhere' }
  | { readonly kind: 'alreadyRegistered'; readonly memberId: string };

/** Whether the person may take over the roster row holding their phone. */
function claimable(holder: PhoneHolder, branchId: string | null): boolean {
  return holder.source === 'roster' && branchId !== null && holder.branchId === branchId && (holder.status === 'verified' || holder.status === 'pending') && holder.linkedIdentities === 0;
}

/** For staff: which phone was given and why it could not be taken. */
export function phoneTakenNote(phone: string, holder: PhoneHolder | undefined, chosenBranchId: string | null): string {
  const where = holder?.branchName ? (holder.branchId === chosenBranchId ? ` cùng đơn vị (${holder.branchName})` : ` của đơn vị ${holder.branchName}`) : '';
  const claimed = holder && holder.linkedIdentities > 0 ? ', đã có người đăng ký qua chat' : '';
  return `Số điện thoại ${formatVietnamMobile(phone)} người này khai đã thuộc một thành viên khác${where}${claimed}. Cần kiểm tra trước khi xác minh.`.slice(0, 500);
}

/** Runs inside the caller's transaction (a turn's); every write commits or rolls back with it. */
export async function registerFromChat(db: Db | Tx, input: ChatRegistration): Promise<RegistrationOutcome> {
  const linked = await memberOfIdentity(db, input.identityId);
  if (linked) return { kind: 'alreadyRegistered', memberId: linked };

  const branchId = input.branch.kind === 'branch' ? input.branch.branchId : null;
  const name = branchId ? ((await branchName(db, branchId)) ?? null) : null;
  if (branchId && name === null) throw new Error(`registerFromChat: ${branchId} is not a branch`);
  const unmatchedNote = input.branch.kind === 'unmatched' ? unmatchedBranchNote(input.branch.note) : null;
  const link = async (memberId: string) => {
    await linkIdentityToMember(db, input.identityId, memberId);
    await attachConsentsToMember(db, input.identityId, memberId);
  };

  let holder = await findPhoneHolder(db, input.phone);
  if (holder && claimable(holder, branchId)) {
    await verifyByRoster(db, holder.id);
    await link(holder.id);
    return { kind: 'verifiedByRoster', memberId: holder.id, branchName: name, rosterRole: holder.role === input.role ? null : holder.role };
  }
  // Registering again on a second channel would count one person twice: the person links the channels instead (linking/).
  if (holder && holder.linkedIdentities > 0 && holder.status !== 'erased') return { kind: 'registeredElsewhere' };
  const fields = { fullName: input.fullName, role: input.role, branchId, unmatchedBranchNote: unmatchedNote };
  if (!holder) {
    const memberId = await insertChatMember(db, { ...fields, phone: input.phone, registrationNote: null });
    if (memberId) {
      await link(memberId);
      return { kind: 'pending', memberId, branchName: name };
    }
    // Registered by someone else between the look and the insert.
    holder = await findPhoneHolder(db, input.phone);
  }
  const memberId = await insertChatMember(db, { ...fields, phone: null, registrationNote: phoneTakenNote(input.phone, holder, branchId) });
  if (!memberId) throw new Error('registerFromChat: a member without a phone was not inserted');
  await link(memberId);
  return { kind: 'phoneTaken', memberId, branchName: name };
}
