/** CLI texts: Dutch first, English with --lang en or an English LANG. */
export type Lang = 'nl' | 'en';

export function detectLang(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): Lang {
  if (explicit === 'en' || explicit === 'nl') return explicit;
  const system = env.SPREEKUUR_LANG ?? env.LC_ALL ?? env.LANG ?? '';
  return system.toLowerCase().startsWith('en') ? 'en' : 'nl';
}

export const texts = {
  nl: {
    usage: `Gebruik: pnpm spreekuur <opdracht> [opties]

Beheer van de installatie (operator):
  operator create-org --name <naam> --slug <korte-naam>   Organisatie + uitnodiging eerste beheerder
  operator list-orgs                                      Alle organisaties
  operator admin-invite --org <organisatie-id>            Nieuwe uitnodiging voor een beheerder

Algemene opties:
  --server <url>   Adres van de server (standaard $SPREEKUUR_URL of http://localhost:8080)
  --lang nl|en     Taal van de uitvoer`,
    unknownCommand: (command: string) => `Onbekende opdracht: ${command}`,
    missingOption: (option: string) => `Optie --${option} ontbreekt.`,
    noOperatorToken: (file: string) =>
      `Geen beheerderssleutel gevonden. Zet OPERATOR_TOKEN, geef --token, of start de server eerst (die maakt ${file}).`,
    serverUnreachable: (url: string) => `De server op ${url} is niet bereikbaar. Draait hij (pnpm start)?`,
    organisationCreated: 'Organisatie aangemaakt',
    adminInvite: 'Uitnodiging voor de eerste beheerder (eenmalig, verloopt',
    inviteCode: 'Code',
    inviteLink: 'Link',
    noOrganisations: 'Nog geen organisaties.',
  },
  en: {
    usage: `Usage: pnpm spreekuur <command> [options]

Deployment administration (operator):
  operator create-org --name <name> --slug <short-name>   Organisation + invite for its first admin
  operator list-orgs                                      All organisations
  operator admin-invite --org <organisation-id>           Another invite for an admin

Global options:
  --server <url>   Server address (default $SPREEKUUR_URL or http://localhost:8080)
  --lang nl|en     Output language`,
    unknownCommand: (command: string) => `Unknown command: ${command}`,
    missingOption: (option: string) => `Option --${option} is missing.`,
    noOperatorToken: (file: string) =>
      `No operator token found. Set OPERATOR_TOKEN, pass --token, or start the server first (it creates ${file}).`,
    serverUnreachable: (url: string) => `Cannot reach the server at ${url}. Is it running (pnpm start)?`,
    organisationCreated: 'Organisation created',
    adminInvite: 'Invite for the first admin (single use, expires',
    inviteCode: 'Code',
    inviteLink: 'Link',
    noOrganisations: 'No organisations yet.',
  },
} as const;

export type Texts = (typeof texts)[Lang];
