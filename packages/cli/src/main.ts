import { parseArgs } from 'node:util';
import { CliError } from './http.ts';
import { detectLang, texts } from './i18n.ts';
import { adminInviteCommand, createOrganisationCommand, listOrganisationsCommand } from './operator.ts';

/** `pnpm spreekuur …`: the command line of Spreekuur (operator tasks now, chat with the SDK). */
export async function runCli(
  argv: string[],
  print: (line: string) => void = (line) => console.log(line),
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      server: { type: 'string' },
      lang: { type: 'string' },
      token: { type: 'string' },
      'data-dir': { type: 'string' },
      name: { type: 'string' },
      slug: { type: 'string' },
      org: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const lang = detectLang(values.lang);
  const t = texts[lang];
  const [group, command] = positionals;
  if (values.help || !group) {
    print(t.usage);
    return values.help ? 0 : 64;
  }
  const required = (option: 'name' | 'slug' | 'org') => {
    const value = values[option];
    if (!value) throw new CliError(t.missingOption(option));
    return value;
  };
  const operator = {
    server: (values.server ?? process.env.SPREEKUUR_URL ?? 'http://localhost:8080').replace(/\/+$/, ''),
    lang,
    token: values.token,
    dataDir: values['data-dir'] ?? process.env.DATA_DIR ?? '.data',
    texts: t,
    print,
  };
  try {
    switch (`${group} ${command ?? ''}`.trim()) {
      case 'operator create-org':
        await createOrganisationCommand(operator, required('name'), required('slug'));
        return 0;
      case 'operator list-orgs':
        await listOrganisationsCommand(operator);
        return 0;
      case 'operator admin-invite':
        await adminInviteCommand(operator, required('org'));
        return 0;
      default:
        print(`${t.unknownCommand(positionals.join(' '))}\n\n${t.usage}`);
        return 64;
    }
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
