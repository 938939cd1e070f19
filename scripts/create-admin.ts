import type { StaffRole } from '../src/db/types';
import { createStaffAccount, STAFF_ROLE_NAMES, STAFF_ROLES } from '../src/domain/staff/staff-account.service';
import { runScript } from '../src/main/cli';
import { commandUsageError, parseCommandOptions } from '../src/main/cli-args';
import { askNewPassword } from '../src/main/ask-new-password';

const USAGE = 'npm run admin:create -- --user TÊN --role districtAdmin|districtStaff|branchCadre [--branch MÃ | --clusters MÃ1,MÃ2] [--name "Họ tên"]';

function parse(args: readonly string[]) {
  const values = parseCommandOptions(
    args,
    { user: { type: 'string' }, role: { type: 'string' }, branch: { type: 'string' }, clusters: { type: 'string' }, name: { type: 'string' } },
    USAGE,
  );
  if (!values.user) throw commandUsageError('Thiếu --user.', USAGE);
  if (!values.role) throw commandUsageError('Thiếu --role.', USAGE);
  if (!STAFF_ROLES.includes(values.role as StaffRole)) throw commandUsageError(`Vai trò "${values.role}" không có; chọn một trong: ${STAFF_ROLES.join(', ')}.`, USAGE);
  const clusters = values.clusters?.split(',').map((c) => c.trim()).filter((c) => c !== '');
  return { user: values.user, role: values.role as StaffRole, branch: values.branch, clusters, name: values.name };
}

runScript('create-admin', async ({ db, config, args }) => {
  const input = parse(args);
  const account = await createStaffAccount(db, {
    username: input.user,
    role: input.role,
    ...(input.branch === undefined ? {} : { branch: input.branch }),
    ...(input.clusters === undefined ? {} : { clusters: input.clusters }),
    ...(input.name === undefined ? {} : { displayName: input.name }),
    // ADMIN_PASSWORD when set (scripts, containers); otherwise asked on the terminal.
    password: config.adminPassword ?? (() => askNewPassword('Chưa tạo tài khoản.')),
  });
  const where = account.branch
    ? `, phụ trách ${account.branch.name} (${account.branch.code})`
    : account.clusters.length > 0
      ? `, phụ trách ${account.clusters.map((c) => `${c.name} (${c.code})`).join(', ')}`
      : '';
  process.stdout.write(`Đã tạo tài khoản ${account.username}: ${STAFF_ROLE_NAMES[account.role]}${where}.\n`);
  process.stdout.write(`Tạo mã truy cập API cho tài khoản này: npm run admin:token -- --user ${account.username}\n`);
});
