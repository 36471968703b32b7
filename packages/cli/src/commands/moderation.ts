import { z } from 'zod';
import type { ModerationClient, UnverifiedAddition } from '@spreekuur/client';
import {
  MUTE_SECONDS_MAX,
  groupLinkToken,
  SLOW_MODE_SECONDS_MAX,
  reportReason,
  reportResolution,
  reportStatus,
  type GroupLink,
  type JoinRequest,
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
      (m) =>
        `${ctx.say('Gedempt', 'Muted')}: ${m.personId} ${ctx.say('tot', 'until')} ${when(m.until, ctx.lang)}`,
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

type ReportSummary = Awaited<ReturnType<ModerationClient['overview']>>[number];

/** How a group link reads: from the server this CLI talks to, the token after `#` (never in an access log). */
const linkUrl = (ctx: Context, token: string) =>
  `${(ctx.serverUrl ?? 'http://localhost:8080').replace(/\/+$/, '')}/groepslink#${token}`;

function linkLine(ctx: Context, link: GroupLink): string {
  const state = link.revokedAt
    ? ctx.say(`ingetrokken ${when(link.revokedAt, ctx.lang)}`, `revoked ${when(link.revokedAt, ctx.lang)}`)
    : ctx.say('open', 'open');
  return `${link.id}  ${ctx.say('gemaakt', 'made')} ${when(link.createdAt, ctx.lang)}  ${ctx.say(`${link.uses}× gebruikt`, `used ${link.uses}×`)}  ${state}`;
}

function requestLines(ctx: Context, requests: JoinRequest[]): string[] {
  return requests.length
    ? requests.map(
        (r) =>
          `${r.personId}  ${r.displayName}  ${ctx.say('vroeg', 'asked')} ${when(r.requestedAt, ctx.lang)}`,
      )
    : [ctx.say('Niemand wacht om toegelaten te worden.', 'Nobody is waiting to be let in.')];
}

/** Per group: how many reports, and how they were handled (ids and counts, never content). */
function overviewLines(ctx: Context, reports: ReportSummary[]): string[] {
  if (reports.length === 0) return [ctx.say('Nog geen meldingen.', 'No reports yet.')];
  const groups = new Map<string, Record<ReportSummary['status'], number>>();
  for (const r of reports) {
    const counts = groups.get(r.channelId) ?? { open: 0, dismissed: 0, action_taken: 0 };
    counts[r.status] += 1;
    groups.set(r.channelId, counts);
  }
  return [...groups].map(
    ([channelId, c]) =>
      `${channelId}  ${c.open + c.dismissed + c.action_taken} ${ctx.say('meldingen', 'reports')}: ${c.open} ${ctx.say('open', 'open')}, ${c.dismissed} ${ctx.say('niets gedaan', 'dismissed')}, ${c.action_taken} ${ctx.say('iets gedaan', 'action taken')}`,
  );
}

const REASONS: Record<UnverifiedAddition['reason'], { nl: string; en: string }> = {
  unsigned: { nl: 'niet ondertekend', en: 'not signed' },
  'not-a-moderator': {
    nl: 'ondertekend door iemand die geen beheerder is',
    en: 'signed by someone who is not a moderator',
  },
  replayed: { nl: 'een oude toevoeging opnieuw gebruikt', en: 'an old addition used again' },
  'unknown-signer': { nl: 'ondertekend door een onbekend apparaat', en: 'signed by an unknown device' },
  'bad-signature': { nl: 'de handtekening klopt niet', en: 'the signature does not match' },
};

/**
 * One line for a `membership:unverified` event (SPEC §13.5): someone is in the group without
 * an owner's or moderator's signature, so the server may have added them on its own.
 */
export function membershipNotice(ctx: Context, addition: UnverifiedAddition): string {
  const { personId: who, channelId: group } = addition;
  const why = REASONS[addition.reason];
  // Joining through a group link is the person's own doing: nobody of the group signs it.
  if (addition.byPersonId === who)
    return ctx.say(
      `⚠ ${who} is zelf lid geworden van groep ${group} (via een groepslink?); geen beheerder van de groep heeft dat bevestigd (${why.nl}). Kent u deze persoon niet, vraag het dan na bij de eigenaar.`,
      `⚠ ${who} joined group ${group} on their own (through a group link?); no moderator of the group confirmed it (${why.en}). If you do not know this person, ask the owner.`,
    );
  return ctx.say(
    `⚠ Let op: ${who} is toegevoegd aan groep ${group} zonder bevestiging van een beheerder van de groep (${why.nl}). Vraag het na.`,
    `⚠ Note: ${who} was added to group ${group} without a moderator of the group confirming it (${why.en}). Ask about it.`,
  );
}

const member = z.object({ channel: uuid, person: uuid });
const memberOptions = { channel: channelOption, person: personOption };

/** Actions on one member that need nothing else: the same options, the same answer. */
const memberActions: Array<{
  verb: string;
  summary: { nl: string; en: string };
  act: (moderation: ModerationClient, channelId: string, personId: string) => Promise<ModerationState>;
  done: { nl: string; en: string };
}> = [
  {
    verb: 'unmute',
    summary: { nl: 'Dempen opheffen', en: 'Unmute a member' },
    act: (m, channel, person) => m.unmute(channel, person),
    done: { nl: 'Niet meer gedempt.', en: 'Unmuted.' },
  },
  {
    verb: 'ban',
    summary: {
      nl: 'Een deelnemer verbannen: verwijderd, en niet opnieuw toe te voegen',
      en: 'Ban a member: removed, and not to be added again',
    },
    act: (m, channel, person) => m.ban(channel, person),
    done: { nl: 'Verbannen.', en: 'Banned.' },
  },
  {
    verb: 'unban',
    summary: { nl: 'Verbanning opheffen', en: 'Lift a ban' },
    act: (m, channel, person) => m.unban(channel, person),
    done: { nl: 'Verbanning opgeheven.', en: 'Ban lifted.' },
  },
];

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
      // Connected: catching up first says who joined the group without a moderator's signature.
      const state = await (await ctx.connected()).moderation.state(args.channel);
      return output(state, stateLines(ctx, state));
    },
  }),
  moderationCommand({
    name: 'group mute',
    summary: {
      nl: 'Een deelnemer een tijd dempen (moderatoren)',
      en: 'Mute a member for a while (moderators)',
    },
    example: 'group mute --channel 9a1b… --person 47a5… --minutes 60',
    args: member.extend({
      minutes: z.coerce
        .number()
        .int()
        .min(1)
        .max(MUTE_SECONDS_MAX / 60),
    }),
    options: {
      ...memberOptions,
      minutes: { help: { nl: 'Hoe lang, in minuten', en: 'How long, in minutes' }, placeholder: 'n' },
    },
    act: (m, args) => m.mute(args.channel, args.person, args.minutes * 60),
    done: { nl: 'Gedempt.', en: 'Muted.' },
  }),
  ...memberActions.map((action) =>
    moderationCommand({
      name: `group ${action.verb}`,
      summary: action.summary,
      example: `group ${action.verb} --channel 9a1b… --person 47a5…`,
      args: member,
      options: memberOptions,
      act: (moderation, args) => action.act(moderation, args.channel, args.person),
      done: action.done,
    }),
  ),
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
  ...(['pin', 'unpin'] as const).map((verb) =>
    moderationCommand({
      name: `group ${verb}`,
      summary:
        verb === 'pin'
          ? { nl: 'Een bericht vastzetten', en: 'Pin a message' }
          : { nl: 'Een bericht losmaken', en: 'Unpin a message' },
      example: `group ${verb} --channel 9a1b… --seq 12`,
      args: z.object({ channel: uuid, seq }),
      options: { channel: channelOption, seq: seqOption },
      act: (moderation, args) => moderation[verb](args.channel, args.seq),
      done: verb === 'pin' ? { nl: 'Vastgezet.', en: 'Pinned.' } : { nl: 'Losgemaakt.', en: 'Unpinned.' },
    }),
  ),
  moderationCommand({
    name: 'group role',
    summary: {
      nl: 'Een deelnemer moderator maken, of weer gewone deelnemer (alleen de eigenaar)',
      en: 'Make a member moderator, or a plain member again (the owner only)',
    },
    example: 'group role --channel 9a1b… --person 47a5… --role moderator',
    args: member.extend({ role: z.enum(['moderator', 'member']) }),
    options: {
      ...memberOptions,
      role: { help: { nl: 'moderator of member', en: 'moderator or member' } },
    },
    act: (m, args) => m.setRole(args.channel, args.person, args.role),
    done: { nl: 'Rol veranderd.', en: 'Role changed.' },
  }),
  moderationCommand({
    name: 'group approval',
    summary: {
      nl: 'Wie via een groepslink komt, eerst laten toelaten door een moderator (on/off)',
      en: 'Whoever comes through a group link waits for a moderator to let them in (on/off)',
    },
    example: 'group approval --channel 9a1b… --state on',
    args: z.object({ channel: uuid, state: onOff }),
    options: { channel: channelOption, state: { help: { nl: 'on of off', en: 'on or off' } } },
    act: (m, args) => m.setApprovalRequired(args.channel, args.state),
    done: { nl: 'Gezet.', en: 'Set.' },
  }),
  // ---- Group links and joining -------------------------------------------------------------
  command({
    name: 'group link create',
    summary: {
      nl: 'Een groepslink maken (moderatoren); de link staat alleen in dit antwoord',
      en: 'Make a group link (moderators); the link is in this answer only',
    },
    example: 'group link create --channel 9a1b…',
    args: z.object({ channel: uuid }),
    options: { channel: channelOption },
    async run(ctx, args) {
      const made = await (await ctx.device()).moderation.createLink(args.channel);
      const url = linkUrl(ctx, made.token);
      return output({ ...made, url }, [
        ctx.say(
          'Groepslink gemaakt. Bewaar of deel hem nu: hij wordt niet nog eens getoond.',
          'Group link made. Keep or share it now: it is not shown again.',
        ),
        `  Link: ${url}`,
        `  ${ctx.say('Code', 'Token')}: ${made.token}`,
        `  ${ctx.say('Intrekken', 'Revoke')}: spreekuur group link revoke --channel ${args.channel} --link ${made.link.id}`,
      ]);
    },
  }),
  command({
    name: 'group link list',
    summary: {
      nl: 'De groepslinks van een groep (zonder de links zelf): wanneer gemaakt, hoe vaak gebruikt, ingetrokken',
      en: "A group's links (without the links themselves): when made, how often used, revoked",
    },
    example: 'group link list --channel 9a1b…',
    args: z.object({ channel: uuid }),
    options: { channel: channelOption },
    async run(ctx, args) {
      const links = await (await ctx.device()).moderation.links(args.channel);
      return output(
        links,
        links.length
          ? links.map((link) => linkLine(ctx, link))
          : [ctx.say('Geen groepslinks.', 'No group links.')],
      );
    },
  }),
  command({
    name: 'group link revoke',
    summary: {
      nl: 'Een groepslink intrekken: wie hem opent, komt er niet meer in; wie al lid is, blijft',
      en: 'Revoke a group link: whoever opens it no longer gets in; who joined stays',
    },
    example: 'group link revoke --channel 9a1b… --link 5d2e…',
    args: z.object({ channel: uuid, link: uuid }),
    options: {
      channel: channelOption,
      link: {
        help: { nl: 'Link-id (zie: group link list)', en: 'Link id (see: group link list)' },
        placeholder: 'id',
      },
    },
    async run(ctx, args) {
      const link = await (await ctx.device()).moderation.revokeLink(args.channel, args.link);
      return output(link, [ctx.say('Ingetrokken.', 'Revoked.'), linkLine(ctx, link)]);
    },
  }),
  command({
    name: 'group join',
    summary: {
      nl: 'Meedoen in een groep via een groepslink (of vragen om mee te doen)',
      en: 'Join a group through a group link (or ask to)',
    },
    example: 'group join https://spreekuur.example/groepslink#Xy3…',
    args: z.object({
      link: z
        .string()
        .trim()
        .transform((value) => value.slice(value.lastIndexOf('#') + 1))
        .pipe(groupLinkToken),
    }),
    options: {
      link: { help: { nl: 'De groepslink, of alleen #code', en: 'The group link, or just #token' } },
    },
    positional: 'link',
    async run(ctx, args) {
      const outcome = await (await ctx.device()).moderation.joinByLink(args.link);
      return output(outcome, [
        outcome.status === 'joined'
          ? ctx.say(
              `U doet mee in de groep (${outcome.channelId}).`,
              `You joined the group (${outcome.channelId}).`,
            )
          : ctx.say(
              'U heeft gevraagd om mee te doen; een moderator laat u toe.',
              'You asked to join; a moderator lets you in.',
            ),
      ]);
    },
  }),
  command({
    name: 'group requests',
    summary: {
      nl: 'Wie wacht om via een groepslink toegelaten te worden (moderatoren)',
      en: 'Who waits to be let in through a group link (moderators)',
    },
    example: 'group requests --channel 9a1b…',
    args: z.object({ channel: uuid }),
    options: { channel: channelOption },
    async run(ctx, args) {
      const requests = await (await ctx.connected()).moderation.joinRequests(args.channel);
      return output(requests, requestLines(ctx, requests));
    },
  }),
  ...(['approve', 'refuse'] as const).map((verb) =>
    command({
      name: `group ${verb}`,
      summary:
        verb === 'approve'
          ? { nl: 'Iemand die wacht toelaten tot de groep', en: 'Let someone who waits into the group' }
          : { nl: 'Iemand die wacht niet toelaten', en: 'Refuse someone who waits' },
      example: `group ${verb} --channel 9a1b… --person 47a5…`,
      args: member,
      options: memberOptions,
      async run(ctx, args) {
        const moderation = (await ctx.device()).moderation;
        const waiting =
          verb === 'approve'
            ? await moderation.approveJoin(args.channel, args.person)
            : await moderation.refuseJoin(args.channel, args.person);
        return output(waiting, [
          verb === 'approve' ? ctx.say('Toegelaten.', 'Let in.') : ctx.say('Niet toegelaten.', 'Refused.'),
          ...requestLines(ctx, waiting),
        ]);
      },
    }),
  ),
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
        ctx.say(
          `Gemeld (${report.id}). De moderatoren zien het.`,
          `Reported (${report.id}). The moderators see it.`,
        ),
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
      report: {
        help: { nl: 'Melding-id (zie: report list)', en: 'Report id (see: report list)' },
        placeholder: 'id',
      },
      resolution: {
        help: { nl: reportResolution.options.join(', '), en: reportResolution.options.join(', ') },
      },
    },
    async run(ctx, args) {
      const report = await (await ctx.device()).moderation.resolve(args.report, args.resolution);
      return output(report, [ctx.say('Afgehandeld; de melder ziet het.', 'Resolved; the reporter sees it.')]);
    },
  }),
  command({
    name: 'report overview',
    summary: {
      nl: 'Beheerders: hoeveel meldingen per groep en hoe ze zijn afgehandeld (nooit de inhoud)',
      en: 'Admins: how many reports per group and how they were handled (never the content)',
    },
    example: 'report overview',
    args: z.object({}),
    options: {},
    async run(ctx) {
      const reports = await (await ctx.device()).moderation.overview();
      return output(reports, overviewLines(ctx, reports));
    },
  }),
];
