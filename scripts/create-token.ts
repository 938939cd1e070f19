import { issueApiToken, revokeApiTokens } from '../src/domain/staff/api-tokens.service';
import { STAFF_ROLE_NAMES } from '../src/domain/staff/staff-account.service';
import { runScript } from '../src/main/cli';
import { commandUsageError, parseCommandOptions } from '../src/main/cli-args';

const USAGE = 'npm run admin:token -- --user TÊN [--label "ghi chú"] | --user TÊN --revoke';

function parse(args: readonly string[]) {
  const values = parseCommandOptions(args, { user: { type: 'string' }, label: { type: 'string' }, revoke: { type: 'boolean' } }, USAGE);
  if (!values.user) throw commandUsageError('Thiếu --user.', USAGE);
  return { user: values.user, label: values.label, revoke: values.revoke === true };
}

runScript('create-token', async ({ db, args }) => {
  const input = parse(args);
  if (input.revoke) {
    const { staff, revoked } = await revokeApiTokens(db, input.user, new Date());
    process.stdout.write(`Đã thu hồi ${revoked} mã truy cập của tài khoản ${staff.username}.\n`);
    return;
  }
  const { token, staff } = await issueApiToken(db, { username: input.user, ...(input.label === undefined ? {} : { label: input.label }) });
  process.stdout.write(`Mã truy cập API mới của tài khoản ${staff.username} (${STAFF_ROLE_NAMES[staff.role]}).\n`);
  process.stdout.write('Mã chỉ hiện một lần, hãy lưu ngay; gửi kèm mỗi yêu cầu: Authorization: Bearer <mã>\n');
  // The last line, alone: scripts read it with `tail -n 1`.
  process.stdout.write(`${token}\n`);
});
