import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { isSpreekuurError } from '@spreekuur/client';
import {
  backupEmbedded,
  DataDirLockedError,
  inspectBackup,
  restoreEmbedded,
  writeFileAtomically,
  type BackupManifest,
} from '@spreekuur/db';
import { CliError, exitCodes, type Context } from '../context.ts';
import { operatorEndpoints as operator, organisationSlug } from '@spreekuur/protocol/identity';
import { command, output } from '../spec.ts';
import { inviteLines, nonEmpty, uuid } from './shared.ts';

/** Turns the refusals of backup and restore into messages a person can act on. */
async function guarded<T>(ctx: Context, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DataDirLockedError)
      throw new CliError(
        ctx.say(
          `De database is in gebruik door een server (pid ${error.holder?.pid ?? '?'}) die niet te bereiken is op ${ctx.serverUrl ?? '?'}: geef zijn adres met --server, of stop hem eerst.`,
          `The database is in use by a server (pid ${error.holder?.pid ?? '?'}) that cannot be reached at ${ctx.serverUrl ?? '?'}: give its address with --server, or stop it first.`,
        ),
        exitCodes.locked,
        error.code,
      );
    throw new CliError((error as Error).message, exitCodes.failed);
  }
}

/**
 * The backup made by the running server (the operator route streams it; written atomically
 * to `out`), or null when no server answers, so the caller backs up the stopped DATA_DIR.
 */
async function onlineBackup(ctx: Context, out: string): Promise<BackupManifest | null> {
  let client;
  try {
    client = await ctx.operator();
  } catch (error) {
    // No operator token: no server ever ran with this DATA_DIR; the offline path says what is missing.
    if (error instanceof CliError && error.exitCode === exitCodes.noInput) return null;
    throw error;
  }
  let body;
  try {
    body = await client.stream(operator.backup);
  } catch (error) {
    if (isSpreekuurError(error, 'ERR_CLIENT_NETWORK')) return null;
    if (isSpreekuurError(error, 'ERR_CONFLICT'))
      throw new CliError(
        ctx.say(
          'Deze server gebruikt PostgreSQL (DATABASE_URL): maak de back-up met pg_dump, zie docs/operations.md. (ERR_CONFLICT)',
          'This server uses PostgreSQL (DATABASE_URL): back it up with pg_dump, see docs/operations.md. (ERR_CONFLICT)',
        ),
        exitCodes.failed,
        error.code,
      );
    throw error;
  }
  await guarded(ctx, () => writeFileAtomically(out, body));
  return inspectBackup(out);
}

const dataDirHelp = {
  help: {
    nl: 'DATA_DIR van de server (standaard $DATA_DIR of .data)',
    en: 'The server’s DATA_DIR (default $DATA_DIR or .data)',
  },
  placeholder: 'dir',
} as const;

export const operatorCommands = [
  command({
    name: 'operator create-org',
    summary: {
      nl: 'Organisatie maken, met uitnodiging voor de eerste beheerder',
      en: 'Create an organisation, with an invite for its first admin',
    },
    example: 'operator create-org --name "Welzijn Noord" --slug welzijn-noord',
    args: z.object({ name: nonEmpty.max(200), slug: organisationSlug }),
    options: {
      name: { help: { nl: 'Naam van de organisatie', en: 'Name of the organisation' }, placeholder: 'name' },
      slug: {
        help: {
          nl: 'Korte naam: kleine letters, cijfers, streepjes',
          en: 'Short name: lower-case letters, digits, dashes',
        },
      },
    },
    async run(ctx, args) {
      const result = await (await ctx.operator()).call(operator.createOrganisation, { body: args });
      const org = result.organisation;
      return output(result, [
        ctx.say(
          `Organisatie aangemaakt: ${org.name} (${org.slug}, ${org.id})`,
          `Organisation created: ${org.name} (${org.slug}, ${org.id})`,
        ),
        ...inviteLines(
          ctx,
          result.adminInvite,
          ctx.say('Uitnodiging voor de eerste beheerder', 'Invite for the first admin'),
        ),
      ]);
    },
  }),
  command({
    name: 'operator list-orgs',
    summary: { nl: 'Alle organisaties', en: 'All organisations' },
    example: 'operator list-orgs',
    args: z.object({}),
    options: {},
    async run(ctx) {
      const { organisations } = await (await ctx.operator()).call(operator.listOrganisations);
      if (organisations.length === 0)
        return output([], [ctx.say('Nog geen organisaties.', 'No organisations yet.')]);
      return output(
        organisations,
        organisations.map((org) => `${org.id}  ${org.slug}  ${org.name}`),
      );
    },
  }),
  command({
    name: 'operator admin-invite',
    summary: { nl: 'Nieuwe uitnodiging voor een beheerder', en: 'Another invite for an admin' },
    example: 'operator admin-invite --org 5d1e…',
    args: z.object({ org: uuid }),
    options: {
      org: {
        help: {
          nl: 'Organisatie-id (zie: operator list-orgs)',
          en: 'Organisation id (see: operator list-orgs)',
        },
        placeholder: 'id',
      },
    },
    async run(ctx, args) {
      const invite = await (
        await ctx.operator()
      ).call(operator.createAdminInvite, { params: { id: args.org } });
      return output(
        invite,
        inviteLines(ctx, invite, ctx.say('Uitnodiging voor een beheerder', 'Invite for an admin')),
      );
    },
  }),
  command({
    name: 'operator backup',
    summary: {
      nl: 'Back-up van de ingebouwde database en de sleutels in DATA_DIR, ook terwijl de server draait',
      en: 'Back up the embedded database and the secrets in DATA_DIR, also while the server runs',
    },
    example: 'operator backup --out backups/spreekuur-2026-12-03.tar',
    args: z.object({ out: nonEmpty, 'data-dir': nonEmpty.optional() }),
    options: {
      out: {
        help: {
          nl: 'Nieuw bestand voor de back-up (wordt pas zichtbaar als hij compleet is)',
          en: 'New file for the backup (appears only once complete)',
        },
        placeholder: 'file',
      },
      'data-dir': dataDirHelp,
    },
    async run(ctx, args) {
      if (await stat(args.out).then(() => true, () => false))
        throw new CliError(
          ctx.say(`${args.out} bestaat al: kies een nieuw bestand.`, `${args.out} exists already: choose a new file.`),
          exitCodes.failed,
        );
      const online = await onlineBackup(ctx, args.out);
      const manifest = online ?? (await guarded(ctx, () => backupEmbedded(ctx.globals.dataDir, args.out)));
      const kept = manifest.files.join(', ') || ctx.say('geen andere bestanden', 'no other files');
      return output({ ...manifest, out: args.out }, [
        online
          ? ctx.say(
              `Back-up gemaakt terwijl de server draait (${ctx.serverUrl}): ${args.out}`,
              `Backup made while the server runs (${ctx.serverUrl}): ${args.out}`,
            )
          : ctx.say(
              `Back-up gemaakt van ${ctx.globals.dataDir} (server gestopt): ${args.out}`,
              `Backup made of ${ctx.globals.dataDir} (server stopped): ${args.out}`,
            ),
        ctx.say(
          `  ${manifest.databaseBytes} bytes database; ook: ${kept}. Bewaar het bestand even geheim als DATA_DIR.`,
          `  ${manifest.databaseBytes} bytes of database; also: ${kept}. Keep the file as secret as DATA_DIR.`,
        ),
      ]);
    },
  }),
  command({
    name: 'operator restore',
    summary: {
      nl: 'Back-up terugzetten in een nieuwe, lege DATA_DIR',
      en: 'Restore a backup into a new, empty DATA_DIR',
    },
    example: 'operator restore --from backups/spreekuur-2026-12-03.tar --data-dir .data-restored',
    args: z.object({ from: nonEmpty, 'data-dir': nonEmpty.optional() }),
    options: {
      from: {
        help: { nl: 'Het back-upbestand (of de map van een oude back-up)', en: 'The backup file (or an old backup’s folder)' },
        placeholder: 'file',
      },
      'data-dir': dataDirHelp,
    },
    async run(ctx, args) {
      const manifest = await guarded(ctx, () => restoreEmbedded(args.from, ctx.globals.dataDir));
      return output({ ...manifest, dataDir: ctx.globals.dataDir }, [
        ctx.say(
          `Teruggezet in ${ctx.globals.dataDir} (back-up van ${manifest.createdAt}). Start de server met DATA_DIR=${ctx.globals.dataDir}.`,
          `Restored into ${ctx.globals.dataDir} (backup of ${manifest.createdAt}). Start the server with DATA_DIR=${ctx.globals.dataDir}.`,
        ),
      ]);
    },
  }),
];
