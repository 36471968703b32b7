import { copyFile } from 'node:fs/promises';
import { z } from 'zod';
import { SpreekuurClient } from '@spreekuur/client';
import { inviteCode } from '@spreekuur/protocol/identity';
import { CliError, exitCodes } from '../context.ts';
import { when } from '../i18n.ts';
import { command, output } from '../spec.ts';
import { inviteLines, nonEmpty, uuid } from './shared.ts';

export const accountCommands = [
  command({
    name: 'register',
    summary: {
      nl: 'Dit apparaat koppelen met een uitnodigingscode',
      en: 'Link this device with an invite code',
    },
    example: 'register --invite ABCD-EFGH-JKMN-PQRS --name "Sanne" --profile sanne.json',
    args: z.object({
      invite: inviteCode,
      name: nonEmpty.max(100),
      device: nonEmpty.max(100).default('CLI'),
      force: z.boolean().default(false),
      pin: z.boolean().default(false),
    }),
    options: {
      invite: {
        help: { nl: 'De code uit de uitnodiging', en: 'The code from the invite' },
        placeholder: 'code',
      },
      name: {
        help: { nl: 'Je naam zoals anderen hem zien', en: 'Your name as others see it' },
        placeholder: 'name',
      },
      device: {
        help: { nl: 'Naam van dit apparaat (standaard CLI)', en: 'Name of this device (default CLI)' },
      },
      force: {
        kind: 'flag',
        help: {
          nl: 'Een bestaand profiel vervangen (het oude wordt bewaard als <profiel>.replaced-<tijd>)',
          en: 'Replace an existing profile (the old one is kept as <profile>.replaced-<time>)',
        },
      },
      pin: {
        kind: 'flag',
        help: {
          nl: 'Het profiel versleutelen met een pincode (uit SPREEKUUR_PIN, of gevraagd); daarna vraagt elke opdracht erom',
          en: 'Encrypt the profile with a PIN (from SPREEKUUR_PIN, or asked); every later command asks for it',
        },
      },
    },
    async run(ctx, args) {
      const file = await ctx.profile();
      const path = ctx.globals.profile;
      // Asked before anything is written: a typing mistake leaves the profile as it was.
      const pin = args.pin || ctx.globals.pin !== undefined ? await ctx.newPin() : null;
      if ((await file.keys('')).length > 0) {
        if (!args.force)
          throw new CliError(
            ctx.say(
              `${path} hoort al bij een gekoppeld apparaat; registreren zou zijn sleutels overschrijven. Kies een ander --profile, of geef --force (het oude profiel wordt dan bewaard).`,
              `${path} already belongs to a linked device; registering would overwrite its keys. Choose another --profile, or pass --force (the old profile is then kept).`,
            ),
            exitCodes.usage,
          );
        // Keep the old device's keys: they may be the only way to read its messages.
        await copyFile(path, `${path}.replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`);
        await file.clear();
      }
      const store = pin ? await ctx.encryptNew(pin) : file;
      return registerFresh();

      async function registerFresh() {
        const server = ctx.globals.server ?? 'http://localhost:8080';
        ctx.serverUrl = server;
        const client = await SpreekuurClient.register({
          serverUrl: server,
          store,
          inviteCode: args.invite,
          displayName: args.name,
          deviceName: args.device,
          locale: ctx.lang,
        });
        await client.close();
        const { account } = client;
        return output(
          {
            personId: account.personId,
            deviceId: account.deviceId,
            role: account.role,
            organisationId: account.organisationId,
          },
          [
            ctx.say(
              `Welkom, ${args.name} (${account.role}). Sleutels bewaard in ${path}${pin ? ', versleuteld met uw pincode' : ''}.`,
              `Welcome, ${args.name} (${account.role}). Keys kept in ${path}${pin ? ', encrypted with your PIN' : ''}.`,
            ),
          ],
        );
      }
    },
  }),
  command({
    name: 'whoami',
    summary: {
      nl: 'Wie ben ik: naam, rol, organisatie, teams, apparaat',
      en: 'Who am I: name, role, organisation, teams, device',
    },
    example: 'whoami --profile sanne.json',
    args: z.object({}),
    options: {},
    async run(ctx) {
      const me = await (await ctx.device()).me();
      return output(me, [
        `${me.person.displayName} (${me.person.role}) — ${me.organisation.name}`,
        `person ${me.person.id}  device ${me.deviceId}`,
        ...(me.person.teamIds.length ? [`teams ${me.person.teamIds.join(', ')}`] : []),
      ]);
    },
  }),
  command({
    name: 'token',
    summary: {
      nl: 'Een toegangstoken voor scripts die de HTTP-API zelf aanroepen',
      en: 'An access token for scripts that call the HTTP API themselves',
    },
    example: 'token --profile sanne.json --json',
    args: z.object({}),
    options: {},
    async run(ctx) {
      const token = await (await ctx.device()).accessToken();
      return output(token, [
        token.token,
        ctx.say(
          `(geldig tot ${when(token.expiresAt, 'nl')})`,
          `(valid until ${when(token.expiresAt, 'en')})`,
        ),
      ]);
    },
  }),
  command({
    name: 'devices',
    summary: { nl: 'Je apparaten', en: 'Your devices' },
    example: 'devices',
    args: z.object({}),
    options: {},
    async run(ctx) {
      const devices = await (await ctx.device()).listDevices();
      return output(
        devices,
        devices.map((device) => {
          const state = device.revokedAt
            ? ctx.say('(afgemeld)', '(signed out)')
            : device.current
              ? ctx.say('(dit apparaat)', '(this device)')
              : '';
          return `${device.id}  ${device.name}  ${state}`.trimEnd();
        }),
      );
    },
  }),
  command({
    name: 'link-device',
    summary: {
      nl: 'Een ander apparaat aan je account koppelen (code en QR)',
      en: 'Link another device to your account (code and QR)',
    },
    example: 'link-device',
    args: z.object({}),
    options: {},
    async run(ctx) {
      const link = await (await ctx.device()).linkDeviceCode();
      return output(
        link,
        inviteLines(ctx, link, ctx.say('Koppelcode (15 minuten geldig)', 'Link code (valid 15 minutes)')),
      );
    },
  }),
  command({
    name: 'revoke',
    summary: {
      nl: 'Een van je apparaten afmelden (overal tegelijk)',
      en: 'Sign one of your devices out (everywhere at once)',
    },
    example: 'revoke --device 3f2c…',
    args: z.object({ device: uuid }),
    options: {
      device: {
        help: { nl: 'Apparaat-id (zie: devices)', en: 'Device id (see: devices)' },
        placeholder: 'id',
      },
    },
    async run(ctx, args) {
      await (await ctx.device()).revokeDevice(args.device);
      return output({ revoked: args.device }, [ctx.say('Afgemeld.', 'Signed out.')]);
    },
  }),
  command({
    name: 'safety-number',
    summary: { nl: 'Veiligheidsnummer om samen te vergelijken', en: 'Safety number to compare together' },
    example: 'safety-number --channel 9a1b… --person 47a5…',
    args: z.object({ channel: uuid, person: uuid }),
    options: {
      channel: { help: { nl: 'Gesprek-id', en: 'Conversation id' }, placeholder: 'id' },
      person: {
        help: { nl: 'De persoon met wie je vergelijkt', en: 'The person you compare with' },
        placeholder: 'id',
      },
    },
    async run(ctx, args) {
      const numbers = await (await ctx.connected()).safetyNumbers(args.channel, args.person);
      return output(
        numbers,
        numbers.flatMap((number) => [
          `${number.deviceId}: ${number.blocks.slice(0, 6).join(' ')}`,
          `${' '.repeat(number.deviceId.length)}  ${number.blocks.slice(6).join(' ')}`,
        ]),
      );
    },
  }),
];
