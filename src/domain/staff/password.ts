import argon2 from 'argon2';
import { AppError } from '../../errors/app-error';

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): a login costs tens of milliseconds on
// this 2-core machine, not the 64 MiB × 3 default, which would let a burst of logins starve the bot.
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

/** The PHC string (`$argon2id$v=19$m=…`) kept in staff_users.password_hash; it carries its own salt and costs. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password.normalize('NFC'), ARGON2_OPTIONS);
}

/** False for a wrong password or a hash that is not argon2 at all. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password.normalize('NFC'));
  } catch {
    return false;
  }
}

/** Why the password cannot be used, in the words the command prints; undefined when it can. */
export function passwordProblem(password: string): string | undefined {
  const length = [...password.normalize('NFC')].length;
  if (length < PASSWORD_MIN_LENGTH) return `Mật khẩu cần ít nhất ${PASSWORD_MIN_LENGTH} ký tự.`;
  if (length > PASSWORD_MAX_LENGTH) return `Mật khẩu dài quá ${PASSWORD_MAX_LENGTH} ký tự.`;
  if (password.trim() !== password) return 'Mật khẩu không được bắt đầu hay kết thúc bằng dấu cách.';
  return undefined;
}

/**
 * The argon2id hash of a new password, given or asked for (`password` a function: the terminal
 * prompt), after checking it; an unfit password is a VALIDATION_FAILED error saying why.
 */
export async function newPasswordHash(password: string | (() => Promise<string>)): Promise<string> {
  const given = typeof password === 'string' ? password : await password();
  const problem = passwordProblem(given);
  if (problem) throw new AppError('VALIDATION_FAILED', problem);
  return hashPassword(given);
}
