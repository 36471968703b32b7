import type { Lang } from './i18n.ts';
import type { CommandSpec } from './spec.ts';

/** Help generated from the specs, so every command's help is complete and never out of date. */

const globalOptions = {
  nl: `Algemene opties:
  --server <url>     Adres van de server (standaard $SPREEKUUR_URL, anders wat het profiel onthoudt)
  --profile <pad>    Bestand met de sleutels van dit apparaat (standaard $SPREEKUUR_PROFILE of .spreekuur/profile.json)
  --wait <seconden>  Zo lang wachten als een andere opdracht het profiel gebruikt (standaard 10; niet bij follow)
  --json             Uitvoer als JSON, voor scripts
  --lang nl|en       Taal van de uitvoer
  -h, --help         Hulp, ook per opdracht: spreekuur <opdracht> --help

Afsluitcodes: 0 gelukt, 1 geweigerd door de server (code staat erbij), 64 verkeerd gebruik,
66 profiel niet gekoppeld of bestand ontbreekt, 69 server onbereikbaar, 75 profiel in gebruik.`,
  en: `Global options:
  --server <url>     Server address (default $SPREEKUUR_URL, else what the profile remembers)
  --profile <path>   File with this device's keys (default $SPREEKUUR_PROFILE or .spreekuur/profile.json)
  --wait <seconds>   Wait this long when another command is using the profile (default 10; not for follow)
  --json             Output as JSON, for scripts
  --lang nl|en       Output language
  -h, --help         Help, also per command: spreekuur <command> --help

Exit codes: 0 done, 1 refused by the server (its code is shown), 64 wrong use,
66 profile not linked or file missing, 69 server unreachable, 75 profile in use.`,
};

const sections: Array<{ title: { nl: string; en: string }; prefixes: string[] }> = [
  {
    title: { nl: 'Je apparaat', en: 'Your device' },
    prefixes: [
      'register',
      'whoami',
      'token',
      'profile',
      'devices',
      'link-device',
      'revoke',
      'safety-number',
      'trust',
    ],
  },
  {
    title: { nl: 'Chatten (versleuteld op dit apparaat)', en: 'Chat (encrypted on this device)' },
    prefixes: ['people', 'channels', 'open', 'send', 'send-file', 'history', 'follow', 'download', 'group'],
  },
  {
    title: { nl: 'Organisatie (beheerders)', en: 'Organisation (admins)' },
    prefixes: ['team', 'invite', 'person'],
  },
  {
    title: { nl: 'Spreekuur (medewerkers en inwoners)', en: 'Office hours (workers and residents)' },
    prefixes: ['hours', 'duty', 'roster', 'queue'],
  },
  {
    title: { nl: 'Meldingen van berichten', en: 'Reports of messages' },
    prefixes: ['report'],
  },
  { title: { nl: 'Afspraken', en: 'Appointments' }, prefixes: ['appointment', 'availability', 'calendar'] },
  {
    title: {
      nl: 'Privacy: gegevens, wissen, bewaren, auditlog, back-up',
      en: 'Privacy: data, erasure, retention, audit log, backup',
    },
    prefixes: ['privacy', 'audit', 'backup'],
  },
  {
    title: { nl: 'Beheer van de installatie (operator)', en: 'Deployment (operator)' },
    prefixes: ['operator'],
  },
];

export function usage(commands: CommandSpec[], lang: Lang): string {
  const lines = [
    lang === 'nl' ? 'Gebruik: spreekuur <opdracht> [opties]' : 'Usage: spreekuur <command> [options]',
  ];
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  for (const section of sections) {
    const inSection = commands.filter((c) => section.prefixes.includes(c.name.split(' ')[0]!));
    if (inSection.length === 0) continue;
    lines.push('', `${section.title[lang]}:`);
    for (const c of inSection) lines.push(`  ${c.name.padEnd(width)}${c.summary[lang]}`);
  }
  lines.push('', globalOptions[lang]);
  return lines.join('\n');
}

export function commandHelp(spec: CommandSpec, lang: Lang): string {
  const shape = spec.args.shape as Record<string, { safeParse: (v: unknown) => { success: boolean } }>;
  const rows = Object.entries(spec.options).map(([name, option]) => {
    const optional = shape[name]?.safeParse(undefined).success ?? true;
    const label =
      name === spec.positional
        ? `<${option.placeholder ?? name}>`
        : `--${name}${option.kind === 'flag' ? '' : ` <${option.placeholder ?? name}>`}${option.kind === 'list' ? ' …' : ''}`;
    return { label: optional ? `[${label}]` : label, help: option.help[lang] };
  });
  const width = Math.max(0, ...rows.map((row) => row.label.length)) + 2;
  return [
    `spreekuur ${spec.name} — ${spec.summary[lang]}`,
    '',
    ...(rows.length ? rows.map((row) => `  ${row.label.padEnd(width)}${row.help}`) : []),
    '',
    `${lang === 'nl' ? 'Voorbeeld' : 'Example'}:`,
    `  spreekuur ${spec.example}`,
    '',
    globalOptions[lang],
  ].join('\n');
}
