/** Layer rules from DESIGN.md and STYLE.md: dependencies point inward, and no import cycles. */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make start-up order and testing fragile.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-knows-no-channel-or-transport',
      severity: 'error',
      comment: 'The domain knows no channel, no HTTP, no queue and no bot framework.',
      from: { path: '^src/domain/' },
      to: {
        path: ['^src/(channels|dialogs|jobs|http|admin|bot|main)/', 'node_modules/(express|bullmq|ioredis|botbuilder[^/]*|undici|pino-http)/'],
      },
    },
    {
      name: 'channels-know-no-domain-rules',
      severity: 'error',
      comment: 'Channels render and send; they do not decide (DESIGN.md).',
      from: { path: '^src/channels/' },
      to: { path: '^src/(domain/(?!shared/)|dialogs|admin)' },
    },
    {
      name: 'only-main-wires',
      severity: 'error',
      comment: 'main is the composition root; nothing imports it but scripts.',
      from: { path: '^src/(?!main/)' },
      to: { path: '^src/main/' },
    },
    {
      name: 'migrations-are-standalone',
      severity: 'error',
      comment: "Migrations are typed on Kysely<any> and never depend on today's code.",
      from: { path: '^migrations/' },
      to: { path: '^src/' },
    },
    {
      name: 'config-reads-nothing-of-ours',
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: '^src/(?!config/)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
