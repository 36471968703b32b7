import { z } from 'zod';
import type { ModerationClient } from '@spreekuur/client';
import {
  MUTE_SECONDS_MAX,
  SLOW_MODE_SECONDS_MAX,
  reportReason,
  reportResolution,
  reportStatus,
  type ModerationState,
} from '@spreekuur/protocol/chat';
import type { Context } from '../context.ts';
import { when } from '../i18n.ts';
import { command, output } from '../spec.ts';
import { nonEmpty, uuid } from './shared.ts';

/**
 * Moderating group channels and reporting messages (issue 11), through `client.moderation`.
 * Owners and moderators act; a member acting as one is refused by the server with its code.
 */

const channelOption = {
  help: { nl: 'De groep (gesprek-id, zie: channels)', en: 'The group (conversation id, see: channels)' },
  placeholder: 'id',
} as const;
const personOption = { help: { nl: 'De deelnemer', en: 'The member' }, placeholder: 'id' } as const;
const seqOption = {
  help: { nl: 'Nummer van het bericht (#n in history)', en: 'Number of the message (#n in history)' },
  placeholder: 'n',
} as const;
const seq = z.coerce.number().int().min(1);
const onOff = z.enum(['on', 'off', 'aan', 'uit']).transform((v) => v === 'on' || v === 'aan');

function stateLines(ctx: Context, state: ModerationState): string[] {
  return [
    `${ctx.say('Langzame modus', 'Slow mode')}: ${state.slowModeSeconds ? `${state.slowModeSeconds} s` : ctx.say('uit', 'off')}`,
    `${ctx.say('Alleen mededelingen', 'Announcements only')}: ${state.locked ? ctx.say('aan', 'on') : ctx.say('uit', 'off')}`,
    ...state.mutes.map(
      (m) => `${ctx.say('Gedempt', 'Muted')}: ${m.personId} ${ctx.say('tot', 'until')} ${when(m.until, ctx.lang)}`,
    ),
    ...state.bans.map((b) => `${ctx.say('Verbannen', 'Banned')}: ${b.personId}`),
    ...state.pins.map((p) => `${ctx.say('Vastgezet', 'Pinned')}: #${p.seq}`),
  ];
}

/** A moderation action on one member or setting: runs it and shows where the group stands. */
function moderationCommand<S extends z.ZodObject>(spec: {
  name: string;
  summary: { nl: string; en: string };
  example: string;
  args: S;
  options: Parameters<typeof command<S>>[0]['options'];
  act: (moderation: ModerationClient, args: z.output<S>) => Promise<ModerationState>;
  done: { nl: string; en: string };
}) {
  return command({
    name: spec.name,
    summary: spec.summary,
    example: spec.example,
    args: spec.args,
    options: spec.options,
    async run(ctx, args) {
      const state = await spec.act((await ctx.device()).moderation, args);
      return output(state, [ctx.say(spec.done.nl, spec.done.en), ...stateLines(ctx, state)]);
    },
  });
}

const member = z.object({ channel: uuid, person: uuid });
const memberOptions = { channel: channelOption, person: personOption };

export const moderationCommands = [
  command({
    name: 'group state',
    summary: {
      nl: 'Hoe een groep gemodereerd wordt: langzame modus, gedempt, verbannen, vastgezet',
      en: 'How a group is moderated: slow mode, muted, banned, pinned',
    },
    example: 'group state --channel 9a1b…',
    args: z.object({ channel: uuid }),
    options: { channel: channelOption },
    async run(ctx, args) {
      const state = await (await ctx.device()).moderation.state(args.channel);
      return output(state, stateLines(ctx, state));
    },
  }),
  moderationCommand({
    name: 'group mute',
    summary: { nl: 'Een deelnemer een tijd dempen (moderatoren)', en: 'Mute a member for a while (moderators)' },
    example: 'group mute --channel 9a1b… --person 47a5… --minutes 60',
    args: member.extend({ minutes: z.coerce.number().int().min(1).max(MUTE_SECONDS_MAX / 60) }),
    options: {
      ...memberOptions,
      minutes: { help: { nl: 'Hoe lang, in minuten', en: 'How long, in minutes' }, placeholder: 'n' },
    },
    act: (m, args) => m.mute(args.channel, args.person, args.minutes * 60),
    done: { nl: 'Gedempt.', en: 'Muted.' },
  }),
  moderationCommand({
    name: 'group unmute',
    summary: { nl: 'Dempen opheffen', en: 'Unmute a member' },
    example: 'group unmute --channel 9a1b… --person 47a5…',
    args: member,
    options: memberOptions,
    act: (m, args) => m.unmute(args.channel, args.person),
    done: { nl: 'Niet meer gedempt.', en: 'Unmuted.' },
  }),
  moderationCommand({
    name: 'group ban',
    summary: {
      nl: 'Een deelnemer verbannen: verwijderd, en niet opnieuw toe te voegen',
      en: 'Ban a member: removed, and not to be added again',
    },
    example: 'group ban --channel 9a1b… --person 47a5…',
    args: member,
    options: memberOptions,
    act: (m, args) => m.ban(args.channel, args.person),
    done: { nl: 'Verbannen.', en: 'Banned.' },
  }),
  moderationCommand({
    name: 'group unban',
    summary: { nl: 'Verbanning opheffen', en: 'Lift a ban' },
    example: 'group unban --channel 9a1b… --person 47a5…',
    args: member,
    options: memberOptions,
    act: (m, args) => m.unban(args.channel, args.person),
    done: { nl: 'Verbanning opgeheven.', en: 'Ban lifted.' },
  }),
  moderationCommand({
    name: 'group slow-mode',
    summary: {
      nl: 'Langzame modus: hoogstens één bericht per zoveel seconden per deelnemer (0 = uit)',
      en: 'Slow mode: at most one message per this many seconds per member (0 = off)',
    },
    example: 'group slow-mode --channel 9a1b… --seconds 30',
    args: z.object({ channel: uuid, seconds: z.coerce.number().int().min(0).max(SLOW_MODE_SECONDS_MAX) }),
    options: {
      channel: channelOption,
      seconds: { help: { nl: 'Seconden (0 = uit)', en: 'Seconds (0 = off)' }, placeholder: 'n' },
    },
    act: (m, args) => m.setSlowMode(args.channel, args.seconds),
    done: { nl: 'Langzame modus gezet.', en: 'Slow mode set.' },
  }),
  moderationCommand({
    name: 'group announcements',
    summary: {
      nl: 'Alleen mededelingen: alleen eigenaren en moderatoren schrijven (on/off)',
      en: 'Announcements only: only owners and moderators post (on/off)',
    },
    example: 'group announcements --channel 9a1b… --state on',
    args: z.object({ channel: uuid, state: onOff }),
    options: { channel: channelOption, state: { help: { nl: 'on of off', en: 'on or off' } } },
    act: (m, args) => m.setLocked(args.channel, args.state),
    done: { nl: 'Gezet.', en: 'Set.' },
  }),
  moderationCommand({
    name: 'group pin',
    summary: { nl: 'Een bericht vastzetten', en: 'Pin a message' },
    example: 'group pin --channel 9a1b… --seq 12',
    args: z.object({ channel: uuid, seq }),
    options: { channel: channelOption, seq: seqOption },
    act: (m, args) => m.pin(args.channel, args.seq),
    done: { nl: 'Vastgezet.', en: 'Pinned.' },
  }),
  moderationCommand({
    name: 'group unpin',
    summary: { nl: 'Een bericht losmaken', en: 'Unpin a message' },
    example: 'group unpin --channel 9a1b… --seq 12',
    args: z.object({ channel: uuid, seq }),
    options: { channel: channelOption, seq: seqOption },
    act: (m, args) => m.unpin(args.channel, args.seq),
    done: { nl: 'Losgemaakt.', en: 'Unpinned.' },
  }),
  // ---- Reports ---------------------------------------------------------------------------
  command({
    name: 'report create',
    summary: {
      nl: 'Een bericht melden bij de moderatoren (zij zien het bericht, de server niet)',
      en: 'Report a message to the moderators (they see the message, the server does not)',
    },
    example: 'report create --channel 9a1b… --seq 12 --reason harassment --note "Al de derde keer"',
    args: z.object({ channel: uuid, seq, reason: reportReason, note: nonEmpty.max(1000).optional() }),
    options: {
      channel: channelOption,
      seq: seqOption,
      reason: { help: { nl: reportReason.options.join(', '), en: reportReason.options.join(', ') } },
      note: { help: { nl: 'Toelichting (optioneel)', en: 'Note (optional)' }, placeholder: 'text' },
    },
    async run(ctx, args) {
      const report = await (
        await ctx.device()
      ).moderation.report(args.channel, args.seq, {
        reason: args.reason,
        ...(args.note ? { note: args.note } : {}),
      });
      return output(report, [
        ctx.say(`Gemeld (${report.id}). De moderatoren zien het.`, `Reported (${report.id}). The moderators see it.`),
      ]);
    },
  }),
  command({
    name: 'report list',
    summary: {
      nl: 'Meldingen in een groep, met het gemelde bericht, gecontroleerd (moderatoren); zonder --channel: uw eigen meldingen',
      en: 'Reports in a group, with the reported message, checked (moderators); without --channel: your own reports',
    },
    example: 'report list --channel 9a1b… --status open',
    args: z.object({ channel: uuid.optional(), status: reportStatus.optional() }),
    options: {
      channel: channelOption,
      status: { help: { nl: reportStatus.options.join(', '), en: reportStatus.options.join(', ') } },
    },
    async run(ctx, args) {
      const moderation = (await ctx.device()).moderation;
      if (!args.channel) {
        const mine = await moderation.mine();
        return output(
          mine,
          mine.length
            ? mine.map((r) => `${r.id}  #${r.seq}  ${r.reason}  ${r.status}`)
            : [ctx.say('U heeft niets gemeld.', 'You reported nothing.')],
        );
      }
      const reports = await moderation.queue(args.channel, args.status);
      if (reports.length === 0) return output([], [ctx.say('Geen meldingen.', 'No reports.')]);
      return output(
        reports,
        reports.flatMap((r) => [
          `${r.id}  #${r.seq}  ${r.reason}  ${r.status}  ${ctx.say('van', 'by')} ${r.reporterPersonId}, ${ctx.say('over', 'about')} ${r.senderPersonId}`,
          r.reveal
            ? `  ${r.reveal.verified ? ctx.say('✓ echt verstuurd', '✓ really sent') : ctx.say('✗ klopt niet met het bericht', '✗ does not match the message')}: ${r.reveal.plaintext}${r.reveal.note ? `  (${r.reveal.note})` : ''}`
            : `  ${ctx.say('(niet te openen op dit apparaat)', '(cannot be opened on this device)')}`,
        ]),
      );
    },
  }),
  command({
    name: 'report resolve',
    summary: {
      nl: 'Een melding afhandelen: dismissed of action_taken (moderatoren)',
      en: 'Resolve a report: dismissed or action_taken (moderators)',
    },
    example: 'report resolve --report 3c7d… --resolution action_taken',
    args: z.object({ report: uuid, resolution: reportResolution }),
    options: {
      report: { help: { nl: 'Melding-id (zie: report list)', en: 'Report id (see: report list)' }, placeholder: 'id' },
      resolution: {
        help: { nl: reportResolution.options.join(', '), en: reportResolution.options.join(', ') },
      },
    },
    async run(ctx, args) {
      const report = await (await ctx.device()).moderation.resolve(args.report, args.resolution);
      return output(report, [ctx.say('Afgehandeld; de melder ziet het.', 'Resolved; the reporter sees it.')]);
    },
  }),
];
