import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SpreekuurError } from '@spreekuur/client';
import { FileLockedError } from '@spreekuur/client/json-file-store';
import { commands } from './commands/index.ts';
import { keyChangedAdvice, unverifiedAdvice } from './commands/trust.ts';
import { CliError, Context, exitCodes, type Globals } from './context.ts';
import { commandHelp, usage } from './help.ts';
import { detectLang, type Lang } from './i18n.ts';
import type { CommandSpec } from './spec.ts';

const globalOptions = {
  server: { type: 'string' },
  profile: { type: 'string' },
  lang: { type: 'string' },
  json: { type: 'boolean' },
  wait: { type: 'string' },
  token: { type: 'string' },
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

/** The command named by the first words of `positionals` (the longest name that matches). */
function findCommand(positionals: string[]): { spec: CommandSpec; rest: string[] } | null {
  for (const words of [3, 2, 1]) {
    const name = positionals.slice(0, words).join(' ');
    const spec = commands.find((c) => c.name === name);
    if (spec) return { spec, rest: positionals.slice(words) };
  }
  return null;
}

const label = (spec: CommandSpec, key: PropertyKey | undefined) =>
  key === spec.positional ? `<${String(key)}>` : `--${String(key)}`;

/**
 * `spreekuur …`: every task a person does in the product, through the SDK. Returns the exit
 * code; prints through `print` (stdout) and `printError` (stderr).
 */
export async function runCli(
  argv: string[],
  print: (line: string) => void = (line) => console.log(line),
  printError: (line: string) => void = (line) => console.error(line),
): Promise<number> {
  const quick = parseArgs({ args: argv, options: globalOptions, allowPositionals: true, strict: false });
  const lang: Lang = detectLang(typeof quick.values.lang === 'string' ? quick.values.lang : undefined);
  const say = (nl: string, en: string) => (lang === 'nl' ? nl : en);
  const found = findCommand(quick.positionals);
  if (!found) {
    if (quick.positionals.length === 0) {
      print(usage(commands, lang));
      return quick.values.help ? exitCodes.ok : exitCodes.usage;
    }
    printError(
      say(
        `Onbekende opdracht: ${quick.positionals.join(' ')}`,
        `Unknown command: ${quick.positionals.join(' ')}`,
      ),
    );
    printError(say('Alle opdrachten: spreekuur --help', 'Every command: spreekuur --help'));
    return exitCodes.usage;
  }
  const { spec } = found;
  if (quick.values.help) {
    print(commandHelp(spec, lang));
    return exitCodes.ok;
  }
  const usageError = (message: string) => {
    printError(message);
    printError(say(`Hulp: spreekuur ${spec.name} --help`, `Help: spreekuur ${spec.name} --help`));
    return exitCodes.usage;
  };

  // Parse again, strictly, with this command's own options.
  let parsed;
  try {
    const own = Object.fromEntries(
      Object.entries(spec.options)
        .filter(([name]) => name !== spec.positional)
        .map(([name, option]) => [
          name,
          option.kind === 'flag'
            ? { type: 'boolean' as const }
            : { type: 'string' as const, multiple: option.kind === 'list' },
        ]),
    );
    parsed = parseArgs({
      args: argv,
      options: { ...globalOptions, ...own },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    return usageError((error as Error).message.replace(/\. To specify a positional.*$/s, '.'));
  }
  const values = parsed.values as Record<string, unknown>;
  const rest = findCommand(parsed.positionals)!.rest;
  const input: Record<string, unknown> = {};
  for (const name of Object.keys(spec.options)) if (values[name] !== undefined) input[name] = values[name];
  if (spec.positional) {
    if (rest.length > 0) input[spec.positional] = rest.join(' ');
  } else if (rest.length > 0) {
    return usageError(say(`Onverwacht: ${rest.join(' ')}`, `Unexpected: ${rest.join(' ')}`));
  }
  const checked = spec.args.safeParse(input);
  if (!checked.success) {
    return usageError(
      checked.error.issues
        .map((issue) => {
          const key = issue.path[0];
          const missing = issue.code === 'invalid_type' && input[String(key)] === undefined;
          return `${label(spec, key)}: ${missing ? say('ontbreekt', 'is missing') : issue.message}`;
        })
        .join('\n'),
    );
  }

  const wait = Number(values.wait ?? 10);
  const globals: Globals = {
    server:
      typeof values.server === 'string'
        ? values.server.replace(/\/+$/, '')
        : (process.env.SPREEKUUR_URL ?? undefined),
    profile:
      (values.profile as string | undefined) ??
      process.env.SPREEKUUR_PROFILE ??
      join('.spreekuur', 'profile.json'),
    lang,
    json: values.json === true,
    waitSeconds: Number.isFinite(wait) && wait >= 0 ? wait : 10,
    token: values.token as string | undefined,
    dataDir: (values['data-dir'] as string | undefined) ?? process.env.DATA_DIR ?? '.data',
    pin: process.env.SPREEKUUR_PIN || undefined,
  };
  const ctx = new Context(globals, spec.name, print);
  try {
    const result = await spec.run(ctx, checked.data);
    if (globals.json) print(JSON.stringify(result.data, null, 2));
    else for (const line of result.lines) print(line);
    return exitCodes.ok;
  } catch (error) {
    const failure = describe(error, ctx);
    if (globals.json)
      printError(JSON.stringify({ error: { code: failure.code ?? null, message: failure.message } }));
    else printError(failure.message);
    return failure.exitCode;
  } finally {
    await ctx.close();
  }
}

/** Every failure as one message a person can act on (no stack traces) and its exit code. */
function describe(error: unknown, ctx: Context): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof FileLockedError) return new CliError(error.message, exitCodes.locked, error.code);
  if (error instanceof SpreekuurError) {
    if (error.code === 'ERR_CLIENT_NETWORK') {
      const server = ctx.serverUrl ?? '?';
      return new CliError(
        ctx.say(
          `De server op ${server} is niet bereikbaar. Draait hij (pnpm start)? Een ander adres: --server <url> (wordt onthouden).`,
          `Cannot reach the server at ${server}. Is it running (pnpm start)? Another address: --server <url> (remembered).`,
        ),
        exitCodes.unreachable,
        error.code,
      );
    }
    if (error.code === 'ERR_CLIENT_KEY_CHANGED')
      return new CliError(keyChangedAdvice(ctx, error.details.personIds ?? []), exitCodes.failed, error.code);
    if (error.code === 'ERR_CLIENT_UNVERIFIED_DEVICE')
      return new CliError(unverifiedAdvice(ctx, error.details.personIds ?? []), exitCodes.failed, error.code);
    const details =
      error.details.issues?.map((issue) => `  - ${issue.path.join('.')}: ${issue.message}`) ?? [];
    return new CliError(
      [`${error.message} (${error.code})`, ...details].join('\n'),
      exitCodes.failed,
      error.code,
    );
  }
  const { code, message } = error as { code?: string; message?: string };
  if (code === 'ENOENT') return new CliError(message ?? String(error), exitCodes.noInput, code);
  return new CliError(code ? `${message ?? ''} (${code})` : String(message ?? error), exitCodes.failed, code);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runCli(process.argv.slice(2));
}
