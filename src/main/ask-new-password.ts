import { AppError } from '../errors/app-error';
import { passwordProblem } from '../domain/staff/password';
import { PromptCancelled, promptSecret } from './secret-prompt';

/**
 * A new password for an admin command, asked twice on the terminal and never echoed; `notDone`
 * says what did not happen when the person gives up ("Chưa tạo tài khoản.").
 */
export async function askNewPassword(notDone: string): Promise<string> {
  if (!process.stdin.isTTY) throw new AppError('VALIDATION_FAILED', 'Không có mật khẩu: chạy lệnh trong terminal để nhập, hoặc đặt biến môi trường ADMIN_PASSWORD.');
  try {
    const first = await promptSecret('Mật khẩu: ');
    const problem = passwordProblem(first);
    if (problem) throw new AppError('VALIDATION_FAILED', problem);
    if ((await promptSecret('Nhập lại mật khẩu: ')) !== first) throw new AppError('VALIDATION_FAILED', `Hai lần nhập mật khẩu không khớp. ${notDone}`);
    return first;
  } catch (error) {
    if (error instanceof PromptCancelled) throw new AppError('VALIDATION_FAILED', `Đã huỷ. ${notDone}`);
    throw error;
  }
}
