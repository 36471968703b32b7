import { z } from 'zod';
import type { PersonTrustSummary, TrustChange } from '@spreekuur/client';
import type { Context } from '../context.ts';
import { command, output } from '../spec.ts';
import { uuid } from './shared.ts';

/**
 * Whom this device trusts (issue 14): the identity key pinned for each device of a contact,
 * changes waiting for a decision, verification after comparing safety numbers, and approving
 * a device linked to one's own account. Everything through `client.trust`.
 */

const personArg = {
  help: { nl: 'De persoon (id, zie: people)', en: 'The person (id, see: people)' },
  placeholder: 'person',
} as const;

function stateText(ctx: Context, state: string, reason?: string): string {
  if (state === 'trusted') return ctx.say('vertrouwd', 'trusted');
  if (state === 'changed')
    return ctx.say('sleutel veranderd: wacht op uw besluit', 'key changed: waiting for your decision');
  return reason === 'not-a-member'
    ? ctx.say('niet vertrouwd: geen lid van het gesprek', 'untrusted: not a member of the conversation')
    : ctx.say(
        'niet vertrouwd: niet goedgekeurd door een ander apparaat van deze persoon',
        'untrusted: not approved by another device of this person',
      );
}

function summaryLines(ctx: Context, person: PersonTrustSummary): string[] {
  return [
    `${person.personId}  ${person.verified ? ctx.say('geverifieerd', 'verified') : ctx.say('niet geverifieerd', 'not verified')}`,
    ...person.devices.map((d) => `  ${d.deviceId}  ${stateText(ctx, d.state, d.reason)}`),
  ];
}

export const trustCommands = [
  command({
    name: 'trust list',
    summary: {
      nl: 'Apparaten van uw contacten die dit apparaat vertrouwt, en wat veranderd is',
      en: 'Devices of your contacts this device trusts, and what changed',
    },
    example: 'trust list',
    args: z.object({ person: uuid.optional() }),
    options: {
      person: { help: { nl: 'Alleen deze persoon', en: 'Only this person' }, placeholder: 'id' },
    },
    async run(ctx, args) {
      const people = await (await ctx.device()).trust.list(args.person);
      if (people.length === 0)
        return output([], [ctx.say('Nog geen contacten met sleutels.', 'No contacts with keys yet.')]);
      return output(
        people,
        people.flatMap((person) => summaryLines(ctx, person)),
      );
    },
  }),
  command({
    name: 'trust verify',
    summary: {
      nl: 'Een persoon als geverifieerd markeren, nadat u samen het veiligheidsnummer vergeleek',
      en: 'Mark a person verified, after you compared the safety number together',
    },
    example: 'trust verify 47a5…',
    args: z.object({ person: uuid }),
    options: { person: personArg },
    positional: 'person',
    async run(ctx, args) {
      await (await ctx.device()).trust.verify(args.person);
      return output({ verified: args.person }, [ctx.say('Geverifieerd.', 'Verified.')]);
    },
  }),
  command({
    name: 'trust accept',
    summary: {
      nl: 'De nieuwe sleutel of het nieuwe apparaat van een persoon accepteren (daarna opnieuw vergelijken)',
      en: 'Accept the new key or device of a person (compare again afterwards)',
    },
    example: 'trust accept 47a5…',
    args: z.object({ person: uuid }),
    options: { person: personArg },
    positional: 'person',
    async run(ctx, args) {
      await (await ctx.device()).trust.accept(args.person);
      return output({ accepted: args.person }, [
        ctx.say(
          'Geaccepteerd. Berichten aan deze persoon gaan weer weg. Vergelijk het veiligheidsnummer opnieuw (safety-number) en geef dan: trust verify.',
          'Accepted. Messages to this person go out again. Compare the safety number again (safety-number), then run: trust verify.',
        ),
      ]);
    },
  }),
  command({
    name: 'devices approve',
    summary: {
      nl: 'Een nieuw gekoppeld apparaat van uzelf goedkeuren, zodat contacten ernaar versleutelen; het krijgt ook uw eerdere gesprekken',
      en: 'Approve a newly linked device of yours, so contacts encrypt to it; it also gets your earlier conversations',
    },
    example: 'devices approve 8e2f…',
    args: z.object({ device: uuid }),
    options: {
      device: {
        help: { nl: 'Apparaat-id (zie: devices)', en: 'Device id (see: devices)' },
        placeholder: 'device',
      },
    },
    positional: 'device',
    async run(ctx, args) {
      const client = await ctx.device();
      await client.trust.approveDevice(args.device);
      // Then this device's history goes to the new one (SPEC §15.2); the approval stands either way.
      const sent = await client.sendHistoryTo(args.device).catch(() => null);
      return output(
        { approved: args.device, history: sent ? { entries: sent.entries, omitted: sent.omitted } : null },
        [
          ctx.say('Apparaat goedgekeurd.', 'Device approved.'),
          sent
            ? ctx.say(
                `Geschiedenis verstuurd naar het nieuwe apparaat (${sent.entries} items${sent.omitted ? `, ${sent.omitted} oudste berichten niet` : ''}).`,
                `History sent to the new device (${sent.entries} items${sent.omitted ? `, ${sent.omitted} oldest messages left out` : ''}).`,
              )
            : ctx.say(
                'De geschiedenis kon niet naar het nieuwe apparaat; het krijgt wel alle nieuwe berichten.',
                'The history could not be sent to the new device; it does get every new message.',
              ),
        ],
      );
    },
  }),
];

/** One line for a `trust:changed` event, saying what it means and what to do. */
export function trustNotice(ctx: Context, change: TrustChange): string {
  const who = change.personId;
  const device = change.deviceId ? ` (${ctx.say('apparaat', 'device')} ${change.deviceId})` : '';
  switch (change.change) {
    case 'key-changed':
      return ctx.say(
        `⚠ De sleutel van ${who}${device} is veranderd. Berichten aan deze persoon wachten. Vergelijk samen het veiligheidsnummer (spreekuur safety-number) en geef dan: spreekuur trust accept ${who}`,
        `⚠ The key of ${who}${device} changed. Messages to this person wait. Compare the safety number together (spreekuur safety-number), then run: spreekuur trust accept ${who}`,
      );
    case 'device-added':
      return ctx.say(
        `ℹ ${who} heeft een nieuw apparaat${device}. Controleer het met spreekuur safety-number.`,
        `ℹ ${who} has a new device${device}. Check it with spreekuur safety-number.`,
      );
    case 'device-untrusted':
      return ctx.say(
        `⚠ Een apparaat van ${who}${device} wordt niet vertrouwd (${stateText(ctx, 'untrusted', change.reason)}); het krijgt niets van u. Zie: spreekuur trust list`,
        `⚠ A device of ${who}${device} is not trusted (${stateText(ctx, 'untrusted', change.reason)}); it gets nothing from you. See: spreekuur trust list`,
      );
    case 'accepted':
      return ctx.say(`De nieuwe sleutel van ${who} is geaccepteerd.`, `The new key of ${who} was accepted.`);
    case 'verified':
      return ctx.say(`${who} is geverifieerd.`, `${who} is verified.`);
  }
}

/** What to do when sending was refused because a contact's key changed (ERR_CLIENT_KEY_CHANGED). */
export function keyChangedAdvice(ctx: Context, personIds: readonly string[]): string {
  const who = personIds.join(', ') || '?';
  const first = personIds[0] ?? '<person>';
  return ctx.say(
    `Niet verstuurd: de sleutel van ${who} is veranderd. Vergelijk samen het veiligheidsnummer (spreekuur safety-number --channel <id> --person ${first}); klopt het, geef dan: spreekuur trust accept ${first}, en verstuur opnieuw.`,
    `Not sent: the key of ${who} changed. Compare the safety number together (spreekuur safety-number --channel <id> --person ${first}); if it matches, run: spreekuur trust accept ${first}, and send again.`,
  );
}

/** What to do when a message is held for a sensitive team's resident (ERR_CLIENT_UNVERIFIED_DEVICE). */
export function unverifiedAdvice(ctx: Context, personIds: readonly string[]): string {
  const who = personIds.join(', ') || '?';
  const first = personIds[0] ?? '<person>';
  return ctx.say(
    `Nog niet verstuurd: dit team is gevoelig. Vergelijk eerst samen met ${who} het veiligheidsnummer (spreekuur safety-number --channel <id> --person ${first}); klopt het, geef dan: spreekuur trust verify ${first}. Het bericht wacht op dit apparaat en gaat daarna vanzelf (bij het volgende commando dat verbindt).`,
    `Not sent yet: this team is sensitive. First compare the safety number with ${who} (spreekuur safety-number --channel <id> --person ${first}); if it matches, run: spreekuur trust verify ${first}. The message waits on this device and then goes by itself (with the next command that connects).`,
  );
}
