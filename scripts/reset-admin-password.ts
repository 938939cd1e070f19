import { resetStaffPassword } from '../src/domain/staff/staff-account-upkeep.service';
import { runScript } from '../src/main/cli';
import { commandUsageError, parseCommandOptions } from '../src/main/cli-args';
import { askNewPassword } from '../src/main/ask-new-password';

const USAGE = 'npm run admin:password -- --user TÊN   (mật khẩu được hỏi trong terminal, hoặc lấy từ ADMIN_PASSWORD)';

runScript('reset-admin-password', async ({ db, config, args }) => {
  const values = parseCommandOptions(args, { user: { type: 'string' } }, USAGE);
  if (!values.user) throw commandUsageError('Thiếu --user.', USAGE);
  const { staff, sessionsEnded } = await resetStaffPassword(db, {
    username: values.user,
    password: config.adminPassword ?? (() => askNewPassword('Mật khẩu chưa đổi.')),
  });
  process.stdout.write(`Đã đặt mật khẩu mới cho tài khoản ${staff.username}; khoá đăng nhập (nếu có) đã được gỡ.\n`);
  if (sessionsEnded > 0) process.stdout.write(`Đã đăng xuất ${sessionsEnded} phiên đang mở của tài khoản này.\n`);
});
