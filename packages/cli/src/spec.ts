import type { z } from 'zod';
import type { Context } from './context.ts';

/** Text a person reads, Dutch first. */
interface Bilingual {
  nl: string;
  en: string;
}

interface OptionSpec {
  help: Bilingual;
  /** `flag`: no value (`--force`); `list`: may be given several times (`--member a --member b`). */
  kind?: 'value' | 'flag' | 'list';
  /** Shown in help: `--team <id>`. */
  placeholder?: string;
}

/** What a command prints: `data` for `--json`, `lines` for people. */
export interface CommandOutput {
  data: unknown;
  lines: string[];
}

/**
 * One CLI command, declared once: its name, its arguments as a zod schema (checked before
 * anything is sent), help in Dutch and English with an example, and what it does through
 * the SDK. `positional` names the argument that takes the words after the options.
 */
export interface CommandSpec<S extends z.ZodObject = z.ZodObject> {
  name: string;
  summary: Bilingual;
  /** A complete example, without the `spreekuur` in front. */
  example: string;
  args: S;
  options: { [K in keyof z.input<S> & string]: OptionSpec };
  positional?: keyof z.input<S> & string;
  run: (ctx: Context, args: z.output<S>) => Promise<CommandOutput>;
}

export const command = <S extends z.ZodObject>(spec: CommandSpec<S>): CommandSpec => spec;

export const output = (data: unknown, lines: string[]): CommandOutput => ({ data, lines });
