import { z } from 'zod';
import { identityEndpoints as identity, role } from '@spreekuur/protocol/identity';
import { when } from '../i18n.ts';
import { CliError, exitCodes } from '../context.ts';
import { command, output } from '../spec.ts';
import { inviteLines, nonEmpty, uuid } from './shared.ts';

const teamOption = {
  help: { nl: 'Team-id (zie: team list)', en: 'Team id (see: team list)' },
  placeholder: 'id',
} as const;
const personOption = {
  help: { nl: 'Persoon-id (zie: people)', en: 'Person id (see: people)' },
  placeholder: 'id',
} as const;

export const organisationCommands = [
  command({
    name: 'team list',
    summary: { nl: 'Teams van je organisatie', en: 'Teams of your organisation' },
    example: 'team list',
    args: z.object({}),
    options: {},
    async run(ctx) {
      const { teams } = await (await ctx.device()).call(identity.listTeams);
      if (teams.length === 0) return output([], [ctx.say('Nog geen teams.', 'No teams yet.')]);
      return output(
        teams,
        teams.map((team) => `${team.id}  ${team.name}`),
      );
    },
  }),
  command({
    name: 'team create',
    summary: { nl: 'Team maken (beheerders)', en: 'Create a team (admins)' },
    example: 'team create --name "Team Noord"',
    args: z.object({ name: nonEmpty.max(200) }),
    options: { name: { help: { nl: 'Naam van het team', en: 'Name of the team' }, placeholder: 'name' } },
    async run(ctx, args) {
      const team = await (await ctx.device()).call(identity.createTeam, { body: { name: args.name } });
      return output(team, [
        ctx.say(`Team gemaakt: ${team.name} (${team.id})`, `Team created: ${team.name} (${team.id})`),
      ]);
    },
  }),
  command({
    name: 'team sensitive',
    summary: {
      nl: 'Gevoelig team aan of uit: medewerkers sturen inwoners pas iets na het vergelijken van het veiligheidsnummer (medewerkers van het team, beheerders)',
      en: "Sensitive team on or off: workers send residents nothing before comparing the safety number (the team's workers, admins)",
    },
    example: 'team sensitive --team 5d1e… --state on',
    args: z.object({
      team: uuid,
      state: z.enum(['on', 'off', 'aan', 'uit']).transform((v) => v === 'on' || v === 'aan'),
      local: z.boolean().default(false),
    }),
    options: {
      team: teamOption,
      state: { help: { nl: 'on of off', en: 'on or off' } },
      local: {
        kind: 'flag',
        help: {
          nl: 'Alleen op dit apparaat uitzetten (het blijft aan tot u dat doet, ook als de server uit zegt)',
          en: 'Switch it off on this device only (it stays on until you do, even when the server says off)',
        },
      },
    },
    async run(ctx, args) {
      const client = await ctx.device();
      if (args.local) {
        if (args.state)
          throw new CliError(
            ctx.say('--local gaat alleen met --state off.', '--local goes with --state off only.'),
            exitCodes.usage,
          );
        await client.verification.forget(args.team);
        return output({ team: args.team, verifiedDevicesRequired: false, where: 'this-device' }, [
          ctx.say('Op dit apparaat uitgezet.', 'Switched off on this device.'),
        ]);
      }
      const team = await client.verification.set(args.team, args.state);
      return output(team, [
        team.verifiedDevicesRequired
          ? ctx.say(
              `${team.name} is nu een gevoelig team: vergelijk met elke inwoner het veiligheidsnummer (spreekuur safety-number) en geef dan: spreekuur trust verify <persoon>.`,
              `${team.name} is now a sensitive team: compare the safety number with each resident (spreekuur safety-number), then run: spreekuur trust verify <person>.`,
            )
          : ctx.say(
              `${team.name} is geen gevoelig team meer.`,
              `${team.name} is no longer a sensitive team.`,
            ),
      ]);
    },
  }),
  command({
    name: 'team add',
    summary: { nl: 'Iemand aan een team toevoegen (beheerders)', en: 'Add someone to a team (admins)' },
    example: 'team add --team 5d1e… --person 47a5…',
    args: z.object({ team: uuid, person: uuid }),
    options: { team: teamOption, person: personOption },
    async run(ctx, args) {
      await (
        await ctx.device()
      ).call(identity.addTeamMember, { params: { id: args.team, personId: args.person } });
      return output({ team: args.team, added: args.person }, [
        ctx.say('Toegevoegd aan het team.', 'Added to the team.'),
      ]);
    },
  }),
  command({
    name: 'team remove',
    summary: { nl: 'Iemand uit een team halen (beheerders)', en: 'Remove someone from a team (admins)' },
    example: 'team remove --team 5d1e… --person 47a5…',
    args: z.object({ team: uuid, person: uuid }),
    options: { team: teamOption, person: personOption },
    async run(ctx, args) {
      await (
        await ctx.device()
      ).call(identity.removeTeamMember, { params: { id: args.team, personId: args.person } });
      return output({ team: args.team, removed: args.person }, [
        ctx.say('Uit het team gehaald.', 'Removed from the team.'),
      ]);
    },
  }),
  command({
    name: 'invite create',
    summary: {
      nl: 'Iemand uitnodigen: beheerders nodigen iedereen uit, medewerkers inwoners (code, link en QR)',
      en: 'Invite someone: admins invite anyone, workers invite residents (code, link and QR)',
    },
    example: 'invite create --role worker --team 5d1e…',
    args: z.object({ role, team: uuid.optional(), days: z.coerce.number().int().min(1).max(30).optional() }),
    options: {
      role: { help: { nl: 'admin, worker of resident', en: 'admin, worker or resident' } },
      team: {
        help: {
          nl: 'Het team (nodig voor worker en resident; standaard je enige team)',
          en: 'The team (needed for worker and resident; default your only team)',
        },
        placeholder: 'id',
      },
      days: {
        help: { nl: 'Dagen geldig (1-30, standaard 7)', en: 'Days valid (1-30, default 7)' },
        placeholder: 'n',
      },
    },
    async run(ctx, args) {
      const client = await ctx.device();
      const teamId = args.role === 'admin' ? undefined : await ctx.team(args.team);
      const invite = await client.call(identity.createInvite, {
        body: {
          role: args.role,
          ...(teamId ? { teamId } : {}),
          ...(args.days ? { expiresInDays: args.days } : {}),
        },
      });
      const who = {
        admin: ctx.say('een beheerder', 'an admin'),
        worker: ctx.say('een medewerker', 'a worker'),
        resident: ctx.say('een inwoner', 'a resident'),
      }[args.role];
      return output(invite, [
        ...inviteLines(ctx, invite, ctx.say(`Uitnodiging voor ${who}`, `Invite for ${who}`)),
        ctx.say(
          `Koppelen: spreekuur register --invite ${invite.code} --name <naam>`,
          `To link: spreekuur register --invite ${invite.code} --name <name>`,
        ),
      ]);
    },
  }),
  command({
    name: 'invite list',
    summary: { nl: 'Uitnodigingen en of ze gebruikt zijn', en: 'Invites and whether they were used' },
    example: 'invite list',
    args: z.object({}),
    options: {},
    async run(ctx) {
      const { invites } = await (await ctx.device()).call(identity.listInvites);
      return output(
        invites,
        invites.map((invite) => {
          const state = invite.revokedAt
            ? ctx.say('ingetrokken', 'revoked')
            : invite.usedAt
              ? ctx.say('gebruikt', 'used')
              : `${ctx.say('open tot', 'open until')} ${when(invite.expiresAt, ctx.lang)}`;
          return `${invite.id}  ${(invite.role ?? invite.kind).padEnd(8)}  ${state}`;
        }),
      );
    },
  }),
  command({
    name: 'invite revoke',
    summary: { nl: 'Een uitnodiging intrekken', en: 'Revoke an invite' },
    example: 'invite revoke --invite 0c7f…',
    args: z.object({ invite: uuid }),
    options: {
      invite: {
        help: { nl: 'Uitnodiging-id (zie: invite list)', en: 'Invite id (see: invite list)' },
        placeholder: 'id',
      },
    },
    async run(ctx, args) {
      const invite = await (await ctx.device()).call(identity.revokeInvite, { params: { id: args.invite } });
      return output(invite, [ctx.say('Ingetrokken.', 'Revoked.')]);
    },
  }),
  command({
    name: 'person show',
    summary: { nl: 'Eén persoon: rol en teams', en: 'One person: role and teams' },
    example: 'person show --person 47a5…',
    args: z.object({ person: uuid }),
    options: { person: personOption },
    async run(ctx, args) {
      const person = await (await ctx.device()).call(identity.getPerson, { params: { id: args.person } });
      return output(person, [
        `${person.id}  ${person.role}  ${person.displayName}`,
        `teams ${person.teamIds.join(', ') || '-'}`,
      ]);
    },
  }),
  command({
    name: 'person devices',
    summary: {
      nl: 'Apparaten van iemand (beheerders), bijv. bij een verloren telefoon',
      en: 'Someone’s devices (admins), e.g. for a lost phone',
    },
    example: 'person devices --person 47a5…',
    args: z.object({ person: uuid }),
    options: { person: personOption },
    async run(ctx, args) {
      const { devices } = await (
        await ctx.device()
      ).call(identity.listPersonDevices, { params: { id: args.person } });
      return output(
        devices,
        devices.map((device) =>
          `${device.id}  ${device.name}  ${device.revokedAt ? ctx.say('(afgemeld)', '(signed out)') : ''}`.trimEnd(),
        ),
      );
    },
  }),
  command({
    name: 'person link-device',
    summary: {
      nl: 'Koppelcode voor iemand die de enige telefoon kwijt is (beheerders; medewerkers voor hun inwoners)',
      en: 'A link code for someone who lost their only phone (admins; workers for their residents)',
    },
    example: 'person link-device --person 47a5… --days 2',
    args: z.object({ person: uuid, days: z.coerce.number().int().min(1).max(7).optional() }),
    options: {
      person: personOption,
      days: {
        help: { nl: 'Dagen geldig (1-7, standaard 1)', en: 'Days valid (1-7, default 1)' },
        placeholder: 'n',
      },
    },
    async run(ctx, args) {
      const link = await (
        await ctx.device()
      ).call(identity.createPersonDeviceInvite, {
        params: { id: args.person },
        body: args.days ? { expiresInDays: args.days } : {},
      });
      return output(link, [
        ...inviteLines(
          ctx,
          link,
          ctx.say('Koppelcode voor een nieuw apparaat', 'Link code for a new device'),
        ),
        ctx.say(
          'Het nieuwe apparaat is nog door geen ander apparaat goedgekeurd: contactpersonen zien een nieuw apparaat.',
          'No other device has approved the new device: contacts see a new device.',
        ),
      ]);
    },
  }),
  command({
    name: 'person revoke-device',
    summary: {
      nl: 'Een apparaat van iemand afmelden (beheerders)',
      en: 'Sign out someone’s device (admins)',
    },
    example: 'person revoke-device --person 47a5… --device 3f2c…',
    args: z.object({ person: uuid, device: uuid }),
    options: {
      person: personOption,
      device: {
        help: { nl: 'Apparaat-id (zie: person devices)', en: 'Device id (see: person devices)' },
        placeholder: 'id',
      },
    },
    async run(ctx, args) {
      await (
        await ctx.device()
      ).call(identity.revokePersonDevice, { params: { id: args.person, deviceId: args.device } });
      return output({ revoked: args.device }, [ctx.say('Apparaat afgemeld.', 'Device signed out.')]);
    },
  }),
];
