import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as chat from './chat.ts';
import { CliError } from './http.ts';
import { detectLang, texts } from './i18n.ts';
import { adminInviteCommand, createOrganisationCommand, listOrganisationsCommand } from './operator.ts';

/** `pnpm spreekuur …`: chat from the command line, and the operator's tasks. */
export async function runCli(
  argv: string[],
  print: (line: string) => void = (line) => console.log(line),
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        server: { type: 'string' },
        lang: { type: 'string' },
        token: { type: 'string' },
        'data-dir': { type: 'string' },
        profile: { type: 'string' },
        name: { type: 'string' },
        slug: { type: 'string' },
        org: { type: 'string' },
        invite: { type: 'string' },
        device: { type: 'string' },
        channel: { type: 'string' },
        person: { type: 'string' },
        member: { type: 'string', multiple: true },
        seq: { type: 'string' },
        count: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    console.error((error as Error).message);
    return 64;
  }
  const { values, positionals } = parsed;
  const lang = detectLang(values.lang);
  const t = texts[lang];
  const [group, command, ...rest] = positionals;
  if (values.help || !group) {
    print(t.usage);
    return values.help ? 0 : 64;
  }
  const required = <K extends 'name' | 'slug' | 'org' | 'invite' | 'channel' | 'person' | 'device' | 'seq'>(
    option: K,
  ): string => {
    const value = values[option];
    if (!value) throw new CliError(t.missingOption(option));
    return value;
  };
  const server = (values.server ?? process.env.SPREEKUUR_URL ?? 'http://localhost:8080').replace(/\/+$/, '');
  const operator = {
    server,
    lang,
    token: values.token,
    dataDir: values['data-dir'] ?? process.env.DATA_DIR ?? '.data',
    texts: t,
    print,
  };
  const chatOptions = {
    profile: values.profile ?? process.env.SPREEKUUR_PROFILE ?? join('.spreekuur', 'profile.json'),
    server: values.server ?? process.env.SPREEKUUR_URL,
    lang,
    texts: t,
    print,
  };
  const target = { channel: values.channel, person: values.person };
  const text = [command, ...rest].filter((part) => part !== undefined).join(' ');
  try {
    switch (group === 'operator' || group === 'group' ? `${group} ${command ?? ''}` : group) {
      case 'operator create-org':
        await createOrganisationCommand(operator, required('name'), required('slug'));
        break;
      case 'operator list-orgs':
        await listOrganisationsCommand(operator);
        break;
      case 'operator admin-invite':
        await adminInviteCommand(operator, required('org'));
        break;
      case 'register':
        await chat.registerCommand(
          { ...chatOptions, server },
          required('invite'),
          required('name'),
          values.device ?? 'CLI',
        );
        break;
      case 'whoami':
        await chat.whoamiCommand(chatOptions);
        break;
      case 'people':
        await chat.peopleCommand(chatOptions);
        break;
      case 'channels':
        await chat.channelsCommand(chatOptions);
        break;
      case 'open':
        await chat.openDirectCommand(chatOptions, required('person'));
        break;
      case 'send':
        if (!text) throw new CliError(t.missingOption('text'));
        await chat.sendCommand(chatOptions, target, text);
        break;
      case 'send-file':
        if (!command) throw new CliError(t.missingOption('file'));
        await chat.sendFileCommand(chatOptions, target, command);
        break;
      case 'history':
        await chat.historyCommand(chatOptions, required('channel'));
        break;
      case 'follow':
        await chat.followCommand(
          chatOptions,
          values.channel,
          values.count ? Number(values.count) : undefined,
        );
        break;
      case 'download':
        await chat.downloadCommand(chatOptions, required('channel'), Number(required('seq')), values.out);
        break;
      case 'group create':
        await chat.createGroupCommand(chatOptions, required('name'), values.member ?? []);
        break;
      case 'group add':
        await chat.addMemberCommand(chatOptions, required('channel'), required('person'));
        break;
      case 'group remove':
        await chat.removeMemberCommand(chatOptions, required('channel'), required('person'));
        break;
      case 'devices':
        await chat.devicesCommand(chatOptions);
        break;
      case 'revoke':
        await chat.revokeCommand(chatOptions, required('device'));
        break;
      case 'link-device':
        await chat.linkDeviceCommand(chatOptions);
        break;
      case 'safety-number':
        await chat.safetyNumberCommand(chatOptions, required('channel'), required('person'));
        break;
      default:
        print(`${t.unknownCommand(positionals.join(' '))}\n\n${t.usage}`);
        return 64;
    }
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runCli(process.argv.slice(2));
}
