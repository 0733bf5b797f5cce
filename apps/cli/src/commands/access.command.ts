import { Command } from 'commander';
import { CliError, HubClient, normalizeHubUrl, printJsonOrTable, storeCredentials, withHubOption } from '../hub-client';
import { passwordFrom } from '../prompt';

type HubOptions = { hub?: string; json?: boolean };

export function registerAccessCommands(program: Command): void {
  withHubOption(program.command('login'))
    .description('sign in to a hub and keep the token in your config dir (mode 0600)')
    .requiredOption('--user <name>', 'username')
    .option('--password-stdin', 'read the password from the first line of standard input')
    .action(async (options: HubOptions & { user: string; passwordStdin?: boolean }) => {
      const hubUrl = options.hub ?? process.env.IMAGORA_HUB;
      if (!hubUrl) throw new CliError('pass --hub URL (or set IMAGORA_HUB)');
      const hub = normalizeHubUrl(hubUrl);
      const password = await passwordFrom(options);
      const token = await new HubClient(hub, undefined).call<{ accessToken: string; expiresIn: number }>(
        'POST',
        '/api/v1/auth/login',
        { username: options.user, password },
        { anonymous: true },
      );
      const file = storeCredentials(hub, { token: token.accessToken, username: options.user, expiresAt: new Date(Date.now() + token.expiresIn * 1000).toISOString() });
      console.log(`signed in to ${hub} as ${options.user}; token stored in ${file}`);
    });

  withHubOption(program.command('whoami'))
    .description('show who you are signed in as, and your roles')
    .option('--json', 'print JSON')
    .action(async (options: HubOptions) => {
      const me = await HubClient.fromOptions(options).call('GET', '/api/v1/auth/me');
      if (options.json) return console.log(JSON.stringify(me, null, 2));
      console.log(`${me.username}${me.isHubAdmin ? ' (hub admin)' : ''} via ${me.authenticatedBy}`);
      printJsonOrTable(me.memberships, ['organization', 'role'], false);
    });

  const org = program.command('org').description('organizations');
  withHubOption(org.command('create <slug>'))
    .description('create an organization (hub admins)')
    .option('--name <name>', 'display name (default: the slug)')
    .action(async (slug: string, options: HubOptions & { name?: string }) => {
      const created = await HubClient.fromOptions(options).call('POST', '/api/v1/organizations', { slug, name: options.name ?? slug });
      console.log(`created organization ${created.slug} (${created.id})`);
    });
  withHubOption(org.command('list'))
    .description('list organizations')
    .option('--json', 'print JSON')
    .action(async (options: HubOptions) => {
      printJsonOrTable(await HubClient.fromOptions(options).call('GET', '/api/v1/organizations'), ['slug', 'name', 'isRoot', 'createdAt'], Boolean(options.json));
    });
  withHubOption(org.command('members <slug>'))
    .description('list the members of an organization and their roles')
    .option('--json', 'print JSON')
    .action(async (slug: string, options: HubOptions) => {
      printJsonOrTable(await HubClient.fromOptions(options).call('GET', `/api/v1/organizations/${encodeURIComponent(slug)}/members`), ['username', 'displayName', 'role'], Boolean(options.json));
    });

  const user = program.command('user').description('users');
  withHubOption(user.command('create <username>'))
    .description('create a user (hub admins); asks for the password, or reads it with --password-stdin')
    .option('--display-name <name>', 'full name')
    .option('--password-stdin', 'read the new user’s password from the first line of standard input')
    .action(async (username: string, options: HubOptions & { displayName?: string; passwordStdin?: boolean }) => {
      const client = HubClient.fromOptions(options);
      const password = await passwordFrom(options, `Password for ${username}: `);
      const created = await client.call('POST', '/api/v1/users', { username, password, displayName: options.displayName });
      console.log(`created user ${created.username} (${created.id})`);
    });
  withHubOption(user.command('list'))
    .description('list users (hub admins)')
    .option('--json', 'print JSON')
    .action(async (options: HubOptions) => {
      printJsonOrTable(await HubClient.fromOptions(options).call('GET', '/api/v1/users'), ['username', 'displayName', 'disabled', 'createdAt'], Boolean(options.json));
    });

  const member = program.command('member').description('roles of users in organizations');
  withHubOption(member.command('add <org> <username> <role>'))
    .description('give a user a role (admin, committee, contributor, steward, researcher) in an organization')
    .action(async (orgSlug: string, username: string, role: string, options: HubOptions) => {
      await HubClient.fromOptions(options).call('PUT', `/api/v1/organizations/${encodeURIComponent(orgSlug)}/members`, { username, role });
      console.log(`${username} is now ${role} in ${orgSlug}`);
    });
  withHubOption(member.command('remove <org> <username> <role>'))
    .description('take a role away from a user in an organization')
    .action(async (orgSlug: string, username: string, role: string, options: HubOptions) => {
      await HubClient.fromOptions(options).call(
        'DELETE',
        `/api/v1/organizations/${encodeURIComponent(orgSlug)}/members/${encodeURIComponent(username)}/roles/${encodeURIComponent(role)}`,
      );
      console.log(`${username} is no longer ${role} in ${orgSlug}`);
    });

  const apiKey = program.command('api-key').description('your API keys, for automation');
  withHubOption(apiKey.command('create <name>'))
    .description('create an API key; it is printed once (use it as IMAGORA_TOKEN)')
    .option('--expires-in-days <days>', 'lifetime in days', (value) => Number(value))
    .option('--json', 'print JSON')
    .action(async (name: string, options: HubOptions & { expiresInDays?: number }) => {
      const created = await HubClient.fromOptions(options).call('POST', '/api/v1/api-keys', { name, expiresInDays: options.expiresInDays });
      if (options.json) return console.log(JSON.stringify(created, null, 2));
      console.log(`created API key ${created.id} (${created.name}); it is shown only now:\n${created.key}`);
    });
  withHubOption(apiKey.command('list'))
    .description('list your API keys')
    .option('--json', 'print JSON')
    .action(async (options: HubOptions) => {
      printJsonOrTable(await HubClient.fromOptions(options).call('GET', '/api/v1/api-keys'), ['id', 'name', 'createdAt', 'expiresAt', 'lastUsedAt', 'revokedAt'], Boolean(options.json));
    });
  withHubOption(apiKey.command('revoke <id>'))
    .description('revoke one of your API keys')
    .action(async (id: string, options: HubOptions) => {
      await HubClient.fromOptions(options).call('DELETE', `/api/v1/api-keys/${encodeURIComponent(id)}`);
      console.log(`revoked API key ${id}`);
    });
}
