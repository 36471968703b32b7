import { describe, expect, it } from 'vitest';
import { commands } from './commands/index.ts';
import { runCli } from './main.ts';

/** Every command is declared with help in both languages, an example, and every option explained. */
describe('CLI help', () => {
  it('has a unique name, a Dutch and an English summary, and an example for every command', () => {
    const names = commands.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const spec of commands) {
      expect(spec.summary.nl, spec.name).not.toBe('');
      expect(spec.summary.en, spec.name).not.toBe('');
      expect(spec.summary.nl, spec.name).not.toBe(spec.summary.en);
      expect(spec.example.startsWith(spec.name), spec.name).toBe(true);
      expect(Object.keys(spec.options).sort(), spec.name).toEqual(Object.keys(spec.args.shape).sort());
    }
  });

  it.each(['nl', 'en'] as const)(
    'prints --help for every command in %s, naming each option',
    async (lang) => {
      for (const spec of commands) {
        const out: string[] = [];
        const code = await runCli([...spec.name.split(' '), '--help', '--lang', lang], (line) =>
          out.push(line),
        );
        expect(code, spec.name).toBe(0);
        const text = out.join('\n');
        expect(text).toContain(spec.summary[lang]);
        expect(text).toContain(`spreekuur ${spec.example}`);
        for (const [name, option] of Object.entries(spec.options)) {
          expect(text, `${spec.name} ${name}`).toContain(option.help[lang]);
          if (name !== spec.positional) expect(text).toContain(`--${name}`);
        }
      }
    },
  );

  it('lists every command in the overview and refuses unknown commands and options with exit code 64', async () => {
    const out: string[] = [];
    expect(await runCli(['--help'], (line) => out.push(line))).toBe(0);
    for (const spec of commands) expect(out.join('\n')).toContain(`  ${spec.name} `);
    const err: string[] = [];
    expect(
      await runCli(
        ['fly'],
        () => undefined,
        (line) => err.push(line),
      ),
    ).toBe(64);
    expect(err[0]).toBe('Onbekende opdracht: fly');
    expect(
      await runCli(
        ['whoami', '--colour', 'red'],
        () => undefined,
        (line) => err.push(line),
      ),
    ).toBe(64);
    expect(err.join('\n')).toContain("Unknown option '--colour'");
  });
});
