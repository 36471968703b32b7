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

Chatten (versleuteld op dit apparaat; de server kan niets lezen):
  register --invite <code> --name <naam> [--device <naam>]   Dit apparaat koppelen met een uitnodigingscode
  whoami | people | channels | devices                      Wie ben ik, met wie kan ik praten, mijn gesprekken, mijn apparaten
  open --person <id>                                         Gesprek met een persoon openen (toont het gesprek-id)
  send (--channel <id> | --person <id>) <tekst>              Bericht sturen
  send-file (--channel <id> | --person <id>) <bestand>       Bestand versleuteld delen (met voortgang)
  history --channel <id>                                     Berichten van een gesprek
  follow [--channel <id>] [--count <n>]                      Nieuwe berichten live volgen (Ctrl-C stopt)
  download --channel <id> --seq <n> [--out <bestand>]        Gedeeld bestand opslaan
  group create --name <naam> [--member <id> ...]             Groep maken (medewerkers)
  group add|remove --channel <id> --person <id>              Deelnemer toevoegen of verwijderen
  safety-number --channel <id> --person <id>                 Veiligheidsnummer om samen te vergelijken
  link-device | revoke --device <id>                         Ander apparaat koppelen, of een apparaat afmelden

Beheer van de installatie (operator):
  operator create-org --name <naam> --slug <korte-naam>   Organisatie + uitnodiging eerste beheerder
  operator list-orgs                                      Alle organisaties
  operator admin-invite --org <organisatie-id>            Nieuwe uitnodiging voor een beheerder

Algemene opties:
  --server <url>     Adres van de server (standaard $SPREEKUUR_URL of http://localhost:8080)
  --profile <pad>    Bestand met de sleutels van dit apparaat (standaard $SPREEKUUR_PROFILE of .spreekuur/profile.json)
  --lang nl|en       Taal van de uitvoer`,
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
    notRegistered: (profile: string) =>
      `Dit apparaat is nog niet gekoppeld (${profile}). Gebruik eerst: pnpm spreekuur register --invite <code> --name <naam>`,
    registered: (name: string, role: string, profile: string) =>
      `Welkom, ${name} (${role}). Sleutels bewaard in ${profile}.`,
    noChannels: 'Nog geen gesprekken.',
    sent: (seq: number) => `Verstuurd (#${seq}).`,
    uploading: (percent: number) => `Versleutelen en versturen… ${percent}%`,
    deleted: '(bericht verwijderd)',
    unavailable: '(niet te lezen op dit apparaat)',
    following: 'Berichten volgen… (Ctrl-C stopt)',
    noFile: (seq: number) => `Bericht #${seq} is geen bestand.`,
    saved: (path: string) => `Opgeslagen als ${path}.`,
    revoked: '(afgemeld)',
    thisDevice: '(dit apparaat)',
    linkCode: (code: string, url: string) => `Koppelcode (15 minuten geldig): ${code}\n${url}`,
  },
  en: {
    usage: `Usage: pnpm spreekuur <command> [options]

Chat (encrypted on this device; the server can read nothing):
  register --invite <code> --name <name> [--device <name>]   Link this device with an invite code
  whoami | people | channels | devices                      Who am I, whom can I talk to, my conversations, my devices
  open --person <id>                                         Open a conversation with a person (prints its id)
  send (--channel <id> | --person <id>) <text>               Send a message
  send-file (--channel <id> | --person <id>) <file>          Share a file encrypted (with progress)
  history --channel <id>                                     Messages of a conversation
  follow [--channel <id>] [--count <n>]                      Follow new messages live (Ctrl-C stops)
  download --channel <id> --seq <n> [--out <file>]           Save a shared file
  group create --name <name> [--member <id> ...]             Create a group (workers)
  group add|remove --channel <id> --person <id>              Add or remove a member
  safety-number --channel <id> --person <id>                 Safety number to compare together
  link-device | revoke --device <id>                         Link another device, or sign a device out

Deployment administration (operator):
  operator create-org --name <name> --slug <short-name>   Organisation + invite for its first admin
  operator list-orgs                                      All organisations
  operator admin-invite --org <organisation-id>           Another invite for an admin

Global options:
  --server <url>     Server address (default $SPREEKUUR_URL or http://localhost:8080)
  --profile <path>   File with this device's keys (default $SPREEKUUR_PROFILE or .spreekuur/profile.json)
  --lang nl|en       Output language`,
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
    notRegistered: (profile: string) =>
      `This device is not linked yet (${profile}). First run: pnpm spreekuur register --invite <code> --name <name>`,
    registered: (name: string, role: string, profile: string) =>
      `Welcome, ${name} (${role}). Keys kept in ${profile}.`,
    noChannels: 'No conversations yet.',
    sent: (seq: number) => `Sent (#${seq}).`,
    uploading: (percent: number) => `Encrypting and sending… ${percent}%`,
    deleted: '(message deleted)',
    unavailable: '(not readable on this device)',
    following: 'Following messages… (Ctrl-C stops)',
    noFile: (seq: number) => `Message #${seq} is not a file.`,
    saved: (path: string) => `Saved as ${path}.`,
    revoked: '(signed out)',
    thisDevice: '(this device)',
    linkCode: (code: string, url: string) => `Link code (valid 15 minutes): ${code}\n${url}`,
  },
} as const;

export type Texts = (typeof texts)[Lang];
