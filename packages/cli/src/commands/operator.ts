import { z } from 'zod';
import { backupEmbedded, DataDirLockedError, restoreEmbedded } from '@spreekuur/db';
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
          `De database is in gebruik (pid ${error.holder?.pid ?? '?'}): stop de server eerst (Ctrl-C of SIGTERM), maak de back-up, en start hem weer.`,
          `The database is in use (pid ${error.holder?.pid ?? '?'}): stop the server first (Ctrl-C or SIGTERM), make the backup, and start it again.`,
        ),
        exitCodes.locked,
        error.code,
      );
    throw new CliError((error as Error).message, exitCodes.failed);
  }
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
      nl: 'Back-up van de ingebouwde database en de operator-sleutel (server gestopt)',
      en: 'Back up the embedded database and the operator token (server stopped)',
    },
    example: 'operator backup --data-dir .data --out backups/2026-12-03',
    args: z.object({ out: nonEmpty, 'data-dir': nonEmpty.optional() }),
    options: {
      out: {
        help: { nl: 'Nieuwe, lege map voor de back-up', en: 'New, empty folder for the backup' },
        placeholder: 'dir',
      },
      'data-dir': dataDirHelp,
    },
    async run(ctx, args) {
      const manifest = await guarded(ctx, () => backupEmbedded(ctx.globals.dataDir, args.out));
      return output({ ...manifest, out: args.out }, [
        ctx.say(
          `Back-up gemaakt in ${args.out} (${manifest.databaseBytes} bytes database, ${manifest.files.join(', ') || 'geen andere bestanden'}).`,
          `Backup made in ${args.out} (${manifest.databaseBytes} bytes of database, ${manifest.files.join(', ') || 'no other files'}).`,
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
    example: 'operator restore --from backups/2026-12-03 --data-dir .data-restored',
    args: z.object({ from: nonEmpty, 'data-dir': nonEmpty.optional() }),
    options: {
      from: { help: { nl: 'Map van de back-up', en: 'Folder of the backup' }, placeholder: 'dir' },
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
