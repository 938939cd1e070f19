import { setStaffAccountDisabled } from '../src/domain/staff/staff-account-upkeep.service';
import { runScript } from '../src/main/cli';
import { commandUsageError, parseCommandOptions } from '../src/main/cli-args';

const USAGE = 'npm run admin:disable -- --user TÊN [--enable]';

runScript('disable-admin', async ({ db, args }) => {
  const values = parseCommandOptions(args, { user: { type: 'string' }, enable: { type: 'boolean' } }, USAGE);
  if (!values.user) throw commandUsageError('Thiếu --user.', USAGE);
  const enable = values.enable === true;
  const result = await setStaffAccountDisabled(db, values.user, !enable, new Date());
  const name = result.staff.username;
  if (!result.changed) {
    process.stdout.write(enable ? `Tài khoản ${name} vẫn đang hoạt động; không có gì thay đổi.\n` : `Tài khoản ${name} đã bị vô hiệu hoá từ trước; không có gì thay đổi.\n`);
    return;
  }
  if (enable) {
    process.stdout.write(`Đã mở lại tài khoản ${name}: đăng nhập bằng mật khẩu cũ, hoặc đặt mật khẩu mới bằng npm run admin:password -- --user ${name}.\n`);
    return;
  }
  process.stdout.write(`Đã vô hiệu hoá tài khoản ${name}: đã đăng xuất ${result.sessionsEnded} phiên và thu hồi ${result.tokensRevoked} mã truy cập API.\n`);
});
