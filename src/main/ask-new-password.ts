import { AppError } from '../errors/app-error';
import { passwordProblem } from '../domain/staff/password';
import { PromptCancelled, promptSecret } from './secret-prompt';

/**
 * A new password for an admin command, asked twice on the terminal and never echoed; `notDone`
 * says what did not happen when the person gives up ("Chưa tạo tài khoản.").
 */
const PASSWORD_ATTEMPTS = 3;

export async function askNewPassword(notDone: string): Promise<string> {
  if (!process.stdin.isTTY) throw new AppError('VALIDATION_FAILED', 'Không có mật khẩu: chạy lệnh trong terminal để nhập, hoặc đặt biến môi trường ADMIN_PASSWORD.');
  try {
    // A password too short is asked again (a few times), as people expect at a terminal prompt.
    for (let attempt = 1; ; attempt += 1) {
      const first = await promptSecret('Mật khẩu: ');
      const problem = passwordProblem(first);
      if (problem && attempt < PASSWORD_ATTEMPTS) {
        process.stderr.write(`${problem} Vui lòng nhập lại.\n`);
        continue;
      }
      if (problem) throw new AppError('VALIDATION_FAILED', `${problem} ${notDone}`);
      if ((await promptSecret('Nhập lại mật khẩu: ')) !== first) throw new AppError('VALIDATION_FAILED', `Hai lần nhập mật khẩu không khớp. ${notDone}`);
      return first;
    }
  } catch (error) {
    if (error instanceof PromptCancelled) throw new AppError('VALIDATION_FAILED', `Đã huỷ. ${notDone}`);
    throw error;
  }
}
