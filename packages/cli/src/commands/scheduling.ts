import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import {
  appointmentEndpoints as appointments,
  calendarEndpoints as calendar,
  closeOutcome,
  dayRanges,
  dutyEndpoints as duty,
  localDate,
  officeHoursEndpoints as officeHours,
  openingHours,
  queueEndpoints as queue,
  utcInstant,
  weekdayNames,
  type DateOverride,
  type OpeningHours,
  type ResidentQueueEntry,
  type TeamQueue,
} from '@spreekuur/protocol/scheduling';
import type { SpreekuurClient } from '@spreekuur/client';
import { CliError, exitCodes, type Context } from '../context.ts';
import { when } from '../i18n.ts';
import { command, output } from '../spec.ts';
import { nonEmpty, teamHelp, uuid } from './shared.ts';

/** `09:00-12:00,13:00-16:00` (or `closed`) as the ranges of one day. */
const rangesText = z
  .string()
  .trim()
  .transform((text) =>
    text === '' || text === 'closed' || text === 'dicht'
      ? []
      : text.split(',').map((part) => {
          const [start = '', end = ''] = part.trim().split('-');
          return { start: start.trim(), end: end.trim() };
        }),
  )
  .pipe(dayRanges);

const entryOption = {
  help: { nl: 'Gesprek in de wachtrij (zie: queue list)', en: 'Queue conversation (see: queue list)' },
  placeholder: 'id',
} as const;

async function readJsonFile(ctx: Context, path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError(
      ctx.say(`${path} is geen geldige JSON.`, `${path} is not valid JSON.`),
      exitCodes.usage,
    );
  }
}

/** Opening hours (or availability) from a JSON file, checked with the protocol's schema. */
async function readOpeningHours(ctx: Context, path: string): Promise<OpeningHours> {
  const parsed = openingHours.safeParse(await readJsonFile(ctx, path));
  if (!parsed.success)
    throw new CliError(
      parsed.error.issues.map((i) => `${path}: ${i.path.join('.')}: ${i.message}`).join('\n'),
      exitCodes.usage,
    );
  return parsed.data;
}

/** The signed-in device and the team a command is about (`--team`, or the caller's only team). */
async function forTeam<T>(
  ctx: Context,
  teamArg: string | undefined,
  work: (client: SpreekuurClient, teamId: string) => Promise<T>,
): Promise<T> {
  return work(await ctx.device(), await ctx.team(teamArg));
}

/** A command whose only argument is the team: one call for that team, and how to show its answer. */
function teamCommand<T>(spec: {
  name: string;
  summary: { nl: string; en: string };
  example: string;
  fetch: (client: SpreekuurClient, teamId: string) => Promise<T>;
  lines: (ctx: Context, result: T) => string[];
}) {
  return command({
    name: spec.name,
    summary: spec.summary,
    example: spec.example,
    args: z.object({ team: uuid.optional() }),
    options: { team: teamHelp },
    async run(ctx, args) {
      const result = await forTeam(ctx, args.team, spec.fetch);
      return output(result, spec.lines(ctx, result));
    },
  });
}

function hoursLines(ctx: Context, hours: OpeningHours, published: boolean): string[] {
  const lines = published
    ? []
    : [ctx.say('(nog niet gepubliceerd: het team is dicht)', '(not published yet: the team is closed)')];
  lines.push(`${ctx.say('Tijdzone', 'Time zone')}: ${hours.weekly.timeZone}`);
  for (const day of weekdayNames) {
    const ranges = hours.weekly.days[day];
    lines.push(
      `  ${day.padEnd(10)} ${ranges.length ? ranges.map((r) => `${r.start}-${r.end}`).join(', ') : ctx.say('dicht', 'closed')}`,
    );
  }
  for (const o of hours.overrides) {
    const label = o.label ? `  (${o.label})` : '';
    if (o.kind === 'closed') lines.push(`  ${o.date}  ${ctx.say('dicht', 'closed')}${label}`);
    else if (o.kind === 'closed_range')
      lines.push(`  ${o.from} – ${o.to}  ${ctx.say('dicht', 'closed')}${label}`);
    else
      lines.push(`  ${o.date}  ${o.mode}: ${o.ranges.map((r) => `${r.start}-${r.end}`).join(', ')}${label}`);
  }
  return lines;
}

/** Reads the team's hours, changes them, publishes the result. */
async function changeHours(
  ctx: Context,
  teamArg: string | undefined,
  change: (hours: OpeningHours) => OpeningHours,
) {
  const published = await forTeam(ctx, teamArg, async (client, teamId) => {
    const current = await client.call(officeHours.hours, { params: { teamId } });
    return client.call(officeHours.publishHours, { params: { teamId }, body: change(current.hours) });
  });
  return output(published, [
    ctx.say('Spreekuurtijden gepubliceerd:', 'Office hours published:'),
    ...hoursLines(ctx, published.hours, true),
  ]);
}

const withoutDate = (overrides: DateOverride[], date: string) =>
  overrides.filter((o) => o.kind === 'closed_range' || o.date !== date);

function queueLines(ctx: Context, q: TeamQueue): string[] {
  const { view } = q;
  const lines = [
    `${ctx.say('Wachtrij', 'Queue')}: ${view.mode}, ${view.waiting.length} ${ctx.say('wachtend', 'waiting')}, ${view.active.length} ${ctx.say('in gesprek', 'in conversation')}`,
  ];
  for (const w of view.waiting)
    lines.push(
      `  ${w.position}. ${w.entryId}  ${ctx.say('wacht', 'waiting')} ${Math.round(w.waitingSeconds / 60)} min${w.pickable ? '' : ctx.say(' (vraag, nog niet te nemen)', ' (question, not yet pickable)')}`,
    );
  for (const a of view.active) lines.push(`  ${a.entryId}  ${a.status}  ${a.workerId}`);
  return lines;
}

function residentLines(ctx: Context, entry: ResidentQueueEntry): string[] {
  const view = entry.view;
  const base = `${entry.entryId}  ${ctx.say('gesprek', 'conversation')} ${entry.channelId}`;
  if (!view) return [`${base}  ${ctx.say('afgelopen', 'ended')}`];
  if (view.status === 'waiting') {
    const wait =
      view.waitEstimate.kind === 'estimate'
        ? ctx.say(
            `ongeveer ${Math.max(1, Math.round(view.waitEstimate.seconds / 60))} min`,
            `about ${Math.max(1, Math.round(view.waitEstimate.seconds / 60))} min`,
          )
        : ctx.say('wachttijd onbekend', 'wait unknown');
    return [
      `${base}`,
      `  ${ctx.say('Plaats', 'Place')} ${view.position}, ${wait}${view.opensAt ? ` (${ctx.say('opent', 'opens')} ${when(view.opensAt.utc, ctx.lang)})` : ''}`,
    ];
  }
  return [
    `${base}  ${view.status === 'assigned' ? ctx.say('een medewerker helpt je nu', 'a worker is helping you now') : ctx.say('even in de wacht', 'on hold')}`,
  ];
}

const days14 = () => ({
  from: new Date().toISOString(),
  to: new Date(Date.now() + 14 * 86_400_000).toISOString(),
});
const team = { team: teamHelp };

export const schedulingCommands = [
  // ---- Office hours ----------------------------------------------------------------------
  teamCommand({
    name: 'hours show',
    summary: { nl: 'Spreekuurtijden van een team', en: 'A team’s office hours' },
    example: 'hours show --team 5d1e…',
    fetch: (client, teamId) => client.call(officeHours.hours, { params: { teamId } }),
    lines: (ctx, doc) => hoursLines(ctx, doc.hours, doc.published),
  }),
  teamCommand({
    name: 'hours status',
    summary: {
      nl: 'Nu open? Wanneer weer? Welke afspraken kan ik maken?',
      en: 'Open now? When next? Which appointments can I make?',
    },
    example: 'hours status',
    fetch: (client, teamId) => client.call(officeHours.status, { params: { teamId }, query: {} }),
    lines(ctx, status) {
      const state =
        status.officeHours.state === 'open'
          ? ctx.say('Nu open', 'Open now') +
            (status.officeHours.closesAt
              ? ` (${ctx.say('tot', 'until')} ${when(status.officeHours.closesAt.utc, ctx.lang)})`
              : '')
          : ctx.say('Nu dicht', 'Closed now') +
            (status.officeHours.opensAt
              ? ` (${ctx.say('opent', 'opens')} ${when(status.officeHours.opensAt.utc, ctx.lang)})`
              : '');
      return [
        state,
        `${ctx.say('Aansluiten', 'Join')}: ${status.join}`,
        `${ctx.say('Afspraken', 'Appointments')}: ${status.appointmentKinds.join(', ') || '-'}`,
      ];
    },
  }),
  command({
    name: 'hours set',
    summary: {
      nl: 'Spreekuurtijden publiceren uit een JSON-bestand: { "weekly": { "timeZone", "days": { "monday": [{ "start": "09:00", "end": "12:00" }] } }, "overrides": [] }',
      en: 'Publish office hours from a JSON file: { "weekly": { "timeZone", "days": { "monday": [{ "start": "09:00", "end": "12:00" }] } }, "overrides": [] }',
    },
    example: 'hours set --file spreekuur.json',
    args: z.object({ team: uuid.optional(), file: nonEmpty }),
    options: {
      ...team,
      file: {
        help: {
          nl: 'JSON-bestand (zelfde vorm als availability set)',
          en: 'JSON file (same shape as availability set)',
        },
        placeholder: 'file',
      },
    },
    async run(ctx, args) {
      const hours = await readOpeningHours(ctx, args.file);
      return changeHours(ctx, args.team, () => hours);
    },
  }),
  command({
    name: 'hours day',
    summary: {
      nl: 'De tijden van één weekdag zetten (of "closed")',
      en: 'Set the times of one weekday (or "closed")',
    },
    example: 'hours day --day monday --ranges 09:00-12:00,13:00-16:00',
    args: z.object({
      team: uuid.optional(),
      day: z.enum(weekdayNames),
      ranges: rangesText,
      zone: nonEmpty.optional(),
    }),
    options: {
      ...team,
      day: { help: { nl: 'monday … sunday', en: 'monday … sunday' } },
      ranges: {
        help: {
          nl: 'Tijden, bijv. 09:00-12:00,13:00-16:00; "closed" voor dicht',
          en: 'Times, e.g. 09:00-12:00,13:00-16:00; "closed" for closed',
        },
      },
      zone: {
        help: {
          nl: 'Tijdzone (standaard die van het rooster, Europe/Amsterdam)',
          en: 'Time zone (default the schedule’s, Europe/Amsterdam)',
        },
      },
    },
    run: (ctx, args) =>
      changeHours(ctx, args.team, (hours) => ({
        ...hours,
        weekly: {
          timeZone: args.zone ?? hours.weekly.timeZone,
          days: { ...hours.weekly.days, [args.day]: args.ranges },
        },
      })),
  }),
  command({
    name: 'hours close',
    summary: {
      nl: 'Een dag of periode dicht (feestdagen, vakantie)',
      en: 'Close a day or a period (holidays)',
    },
    example: 'hours close --date 2026-12-24 --to 2026-12-26 --label Kerst',
    args: z.object({
      team: uuid.optional(),
      date: localDate,
      to: localDate.optional(),
      label: nonEmpty.max(100).optional(),
    }),
    options: {
      ...team,
      date: {
        help: {
          nl: 'Datum (JJJJ-MM-DD), of begin van de periode',
          en: 'Date (YYYY-MM-DD), or start of the period',
        },
      },
      to: { help: { nl: 'Laatste dag van de periode', en: 'Last day of the period' }, placeholder: 'date' },
      label: { help: { nl: 'Waarom (zichtbaar voor inwoners)', en: 'Why (shown to residents)' } },
    },
    run: (ctx, args) =>
      changeHours(ctx, args.team, (hours) => {
        const label = args.label ? { label: args.label } : {};
        const closure: DateOverride = args.to
          ? { kind: 'closed_range', from: args.date, to: args.to, ...label }
          : { kind: 'closed', date: args.date, ...label };
        return {
          ...hours,
          overrides: [...(args.to ? hours.overrides : withoutDate(hours.overrides, args.date)), closure],
        };
      }),
  }),
  command({
    name: 'hours exception',
    summary: {
      nl: 'Andere tijden op één datum (replace) of extra tijden (extra)',
      en: 'Other times on one date (replace) or extra times (extra)',
    },
    example: 'hours exception --date 2026-12-23 --ranges 09:00-11:00 --mode replace',
    args: z.object({
      team: uuid.optional(),
      date: localDate,
      ranges: rangesText.pipe(
        dayRanges.min(1, { error: 'geef minstens één tijd / give at least one range' }),
      ),
      mode: z.enum(['replace', 'extra']).default('replace'),
      label: nonEmpty.max(100).optional(),
    }),
    options: {
      ...team,
      date: { help: { nl: 'Datum (JJJJ-MM-DD)', en: 'Date (YYYY-MM-DD)' } },
      ranges: { help: { nl: 'Tijden, bijv. 09:00-11:00', en: 'Times, e.g. 09:00-11:00' } },
      mode: { help: { nl: 'replace (standaard) of extra', en: 'replace (default) or extra' } },
      label: { help: { nl: 'Waarom', en: 'Why' } },
    },
    run: (ctx, args) =>
      changeHours(ctx, args.team, (hours) => ({
        ...hours,
        overrides: [
          ...withoutDate(hours.overrides, args.date),
          {
            kind: 'hours',
            date: args.date,
            mode: args.mode,
            ranges: args.ranges,
            ...(args.label ? { label: args.label } : {}),
          },
        ],
      })),
  }),
  // ---- Duty and roster -------------------------------------------------------------------
  ...(['on', 'off'] as const).map((state) =>
    teamCommand({
      name: `duty ${state}`,
      summary:
        state === 'on'
          ? {
              nl: 'Jezelf aanmelden voor dienst (tot het eind van dit of het volgende spreekuur)',
              en: 'Go on duty (until the end of this or the next opening)',
            }
          : { nl: 'Jezelf afmelden voor dienst', en: 'Go off duty' },
      example: `duty ${state}`,
      fetch: (client, teamId) =>
        client.call(duty.switchDuty, { params: { teamId }, body: { onDuty: state === 'on' } }),
      lines: (ctx, status) => [
        state === 'on'
          ? ctx.say('Je bent in dienst.', 'You are on duty.')
          : ctx.say('Je bent uit dienst.', 'You are off duty.'),
        `${ctx.say('In dienst nu', 'On duty now')}: ${status.staff.length}`,
      ],
    }),
  ),
  teamCommand({
    name: 'duty status',
    summary: { nl: 'Wie is er in dienst, en jij?', en: 'Who is on duty, and you?' },
    example: 'duty status',
    fetch: (client, teamId) => client.call(duty.status, { params: { teamId } }),
    lines(ctx, status) {
      const me = status.me
        ? status.me.onDuty
          ? ctx.say('Jij: in dienst', 'You: on duty')
          : `${ctx.say('Jij: niet in dienst', 'You: off duty')}${status.me.nextOnDuty ? ` (${ctx.say('volgende dienst', 'next duty')} ${when(status.me.nextOnDuty, ctx.lang)})` : ''}`
        : '';
      return [`${ctx.say('In dienst', 'On duty')}: ${status.staff.join(', ') || '-'}`, ...(me ? [me] : [])];
    },
  }),
  command({
    name: 'roster list',
    summary: {
      nl: 'Het rooster (standaard de komende 14 dagen)',
      en: 'The roster (default the next 14 days)',
    },
    example: 'roster list --from 2026-12-01T00:00:00Z --to 2026-12-15T00:00:00Z',
    args: z.object({ team: uuid.optional(), from: utcInstant.optional(), to: utcInstant.optional() }),
    options: {
      ...team,
      from: { help: { nl: 'Vanaf (UTC, ISO 8601)', en: 'From (UTC, ISO 8601)' } },
      to: { help: { nl: 'Tot (UTC)', en: 'Until (UTC)' } },
    },
    async run(ctx, args) {
      const span = days14();
      const { shifts } = await forTeam(ctx, args.team, (client, teamId) =>
        client.call(duty.roster, {
          params: { teamId },
          query: { from: args.from ?? span.from, to: args.to ?? span.to },
        }),
      );
      return output(
        shifts,
        shifts.map((s) => `${s.id}  ${s.workerId}  ${when(s.start, ctx.lang)} – ${when(s.end, ctx.lang)}`),
      );
    },
  }),
  command({
    name: 'roster add',
    summary: { nl: 'Een medewerker inroosteren', en: 'Roster a worker' },
    example: 'roster add --worker 47a5… --start 2026-12-07T08:00:00Z --end 2026-12-07T12:00:00Z',
    args: z.object({ team: uuid.optional(), worker: uuid, start: utcInstant, end: utcInstant }),
    options: {
      ...team,
      worker: { help: { nl: 'De medewerker', en: 'The worker' }, placeholder: 'id' },
      start: { help: { nl: 'Begin (UTC, ISO 8601)', en: 'Start (UTC, ISO 8601)' } },
      end: { help: { nl: 'Eind (UTC)', en: 'End (UTC)' } },
    },
    async run(ctx, args) {
      const shift = await forTeam(ctx, args.team, (client, teamId) =>
        client.call(duty.addShift, {
          params: { teamId },
          body: { workerId: args.worker, start: args.start, end: args.end },
        }),
      );
      return output(shift, [ctx.say(`Ingeroosterd (${shift.id}).`, `Rostered (${shift.id}).`)]);
    },
  }),
  command({
    name: 'roster remove',
    summary: { nl: 'Een dienst uit het rooster halen', en: 'Remove a shift from the roster' },
    example: 'roster remove --shift 8e2a…',
    args: z.object({ team: uuid.optional(), shift: uuid }),
    options: {
      ...team,
      shift: {
        help: { nl: 'Dienst-id (zie: roster list)', en: 'Shift id (see: roster list)' },
        placeholder: 'id',
      },
    },
    async run(ctx, args) {
      await forTeam(ctx, args.team, (client, teamId) =>
        client.call(duty.removeShift, { params: { teamId, shiftId: args.shift } }),
      );
      return output({ removed: args.shift }, [ctx.say('Dienst verwijderd.', 'Shift removed.')]);
    },
  }),
  // ---- The live queue --------------------------------------------------------------------
  command({
    name: 'queue join',
    summary: {
      nl: 'Aansluiten in de wachtrij van het spreekuur (inwoners)',
      en: 'Join the office-hour queue (residents)',
    },
    example: 'queue join --question',
    args: z.object({ team: uuid.optional(), question: z.boolean().default(false) }),
    options: {
      ...team,
      question: {
        kind: 'flag',
        help: {
          nl: 'Buiten spreekuur: laat een vraag achter voor het volgende spreekuur',
          en: 'Outside hours: leave a question for the next opening',
        },
      },
    },
    async run(ctx, args) {
      const entry = await forTeam(ctx, args.team, (client, teamId) =>
        client.call(queue.join, {
          params: { teamId },
          body: { whenClosed: args.question ? 'leave_question' : 'reject' },
        }),
      );
      return output(entry, [
        ctx.say('Je staat in de wachtrij.', 'You are in the queue.'),
        ...residentLines(ctx, entry),
      ]);
    },
  }),
  command({
    name: 'queue mine',
    summary: { nl: 'Je plaats en wachttijd (inwoners)', en: 'Your place and wait (residents)' },
    example: 'queue mine',
    args: z.object({}),
    options: {},
    async run(ctx) {
      const { entries } = await (await ctx.device()).call(queue.ownEntries);
      if (entries.length === 0)
        return output([], [ctx.say('Je staat in geen wachtrij.', 'You are in no queue.')]);
      return output(
        entries,
        entries.flatMap((entry) => residentLines(ctx, entry)),
      );
    },
  }),
  command({
    name: 'queue leave',
    summary: {
      nl: 'De wachtrij verlaten of het gesprek beëindigen (inwoners)',
      en: 'Leave the queue or end the conversation (residents)',
    },
    example: 'queue leave --entry 2b4c…',
    args: z.object({ entry: uuid }),
    options: { entry: entryOption },
    async run(ctx, args) {
      await (await ctx.device()).call(queue.leave, { params: { entryId: args.entry } });
      return output({ left: args.entry }, [ctx.say('Je hebt de wachtrij verlaten.', 'You left the queue.')]);
    },
  }),
  teamCommand({
    name: 'queue list',
    summary: { nl: 'De wachtrij zoals medewerkers hem zien', en: 'The queue as workers see it' },
    example: 'queue list',
    fetch: (client, teamId) => client.call(queue.teamQueue, { params: { teamId } }),
    lines: queueLines,
  }),
  teamCommand({
    name: 'queue take',
    summary: { nl: 'De inwoner nemen die het langst wacht', en: 'Take the resident who has waited longest' },
    example: 'queue take',
    fetch: (client, teamId) => client.call(queue.pick, { params: { teamId }, body: {} }),
    lines: (ctx, conversation) => [
      ctx.say(
        `Genomen: gesprek ${conversation.channelId} met ${conversation.residentId}`,
        `Taken: conversation ${conversation.channelId} with ${conversation.residentId}`,
      ),
      ctx.say(
        `Antwoorden: spreekuur send --channel ${conversation.channelId} "…"`,
        `Reply: spreekuur send --channel ${conversation.channelId} "…"`,
      ),
    ],
  }),
  command({
    name: 'queue transfer',
    summary: { nl: 'Gesprek overdragen aan een collega', en: 'Hand the conversation to a colleague' },
    example: 'queue transfer --entry 2b4c… --to 9c3d…',
    args: z.object({ entry: uuid, to: uuid }),
    options: {
      entry: entryOption,
      to: { help: { nl: 'De collega', en: 'The colleague' }, placeholder: 'id' },
    },
    async run(ctx, args) {
      const c = await (
        await ctx.device()
      ).call(queue.transfer, { params: { entryId: args.entry }, body: { toWorkerId: args.to } });
      return output(c, [ctx.say('Overgedragen.', 'Transferred.')]);
    },
  }),
  ...(['hold', 'resume'] as const).map((action) =>
    command({
      name: `queue ${action}`,
      summary:
        action === 'hold'
          ? { nl: 'Gesprek even in de wacht zetten', en: 'Put the conversation on hold' }
          : { nl: 'Gesprek hervatten', en: 'Resume the conversation' },
      example: `queue ${action} --entry 2b4c…`,
      args: z.object({ entry: uuid }),
      options: { entry: entryOption },
      async run(ctx, args) {
        const c = await (await ctx.device()).call(queue[action], { params: { entryId: args.entry } });
        return output(c, [`${c.entryId}  ${c.status}`]);
      },
    }),
  ),
  command({
    name: 'queue close',
    summary: { nl: 'Gesprek afsluiten met een uitkomst', en: 'Close the conversation with an outcome' },
    example: 'queue close --entry 2b4c… --outcome resolved',
    args: z.object({ entry: uuid, outcome: closeOutcome.default('resolved') }),
    options: {
      entry: entryOption,
      outcome: { help: { nl: closeOutcome.options.join(', '), en: closeOutcome.options.join(', ') } },
    },
    async run(ctx, args) {
      const c = await (
        await ctx.device()
      ).call(queue.close, { params: { entryId: args.entry }, body: { outcome: args.outcome } });
      return output(c, [ctx.say('Gesprek afgesloten.', 'Conversation closed.')]);
    },
  }),
  // ---- Appointments ----------------------------------------------------------------------
  teamCommand({
    name: 'appointment types',
    summary: {
      nl: 'Soorten afspraken van een team, en wie te boeken is',
      en: 'A team’s kinds of appointment, and who can be booked',
    },
    example: 'appointment types',
    fetch: (client, teamId) => client.call(appointments.listTypes, { params: { teamId } }),
    lines: (ctx, listing) => [
      ...listing.appointmentTypes.map(
        (t) => `${t.id}  ${t.kind.padEnd(9)}  ${t.durationMinutes} min  ${t.name}`,
      ),
      `${ctx.say('Te boeken', 'Bookable')}: ${listing.workerIds.join(', ') || '-'}`,
    ],
  }),
  command({
    name: 'appointment type-create',
    summary: { nl: 'Een soort afspraak aanbieden', en: 'Offer a kind of appointment' },
    example: 'appointment type-create --name "Telefonisch gesprek" --kind phone --minutes 30',
    args: z.object({
      team: uuid.optional(),
      name: nonEmpty.max(100),
      kind: z.enum(['chat', 'phone', 'video', 'in_person']),
      minutes: z.coerce.number().int().min(5).max(480),
      'location-name': nonEmpty.optional(),
      address: nonEmpty.optional(),
    }),
    options: {
      ...team,
      name: { help: { nl: 'Naam', en: 'Name' } },
      kind: { help: { nl: 'chat, phone, video of in_person', en: 'chat, phone, video or in_person' } },
      minutes: { help: { nl: 'Duur in minuten', en: 'Length in minutes' } },
      'location-name': { help: { nl: 'Plaats (bij in_person)', en: 'Place (for in_person)' } },
      address: { help: { nl: 'Adres (bij in_person)', en: 'Address (for in_person)' } },
    },
    async run(ctx, args) {
      const common = { name: args.name, durationMinutes: args.minutes };
      const body =
        args.kind === 'in_person'
          ? {
              kind: args.kind,
              ...common,
              location: { name: args['location-name'] ?? '', address: args.address ?? '' },
            }
          : { kind: args.kind, ...common };
      const type = await forTeam(ctx, args.team, (client, teamId) =>
        client.call(appointments.createType, { params: { teamId }, body }),
      );
      return output(type, [
        ctx.say(`Aangeboden: ${type.name} (${type.id})`, `Offered: ${type.name} (${type.id})`),
      ]);
    },
  }),
  command({
    name: 'availability show',
    summary: { nl: 'Wanneer een medewerker te boeken is', en: 'When a worker can be booked' },
    example: 'availability show --worker 47a5…',
    args: z.object({ worker: uuid.optional() }),
    options: {
      worker: {
        help: { nl: 'De medewerker (standaard jij)', en: 'The worker (default you)' },
        placeholder: 'id',
      },
    },
    async run(ctx, args) {
      const client = await ctx.device();
      const workerId = args.worker ?? client.account.personId;
      const doc = await client.call(appointments.availability, { params: { workerId } });
      return output(
        doc,
        doc.availability
          ? hoursLines(ctx, doc.availability, true)
          : [ctx.say('Nog niet gepubliceerd.', 'Not published yet.')],
      );
    },
  }),
  command({
    name: 'availability set',
    summary: {
      nl: 'Je beschikbaarheid voor afspraken publiceren uit een JSON-bestand (vorm: zie hours set; "weekly" is verplicht)',
      en: 'Publish your availability for appointments from a JSON file (shape: see hours set; "weekly" is required)',
    },
    example: 'availability set --file beschikbaar.json',
    args: z.object({ file: nonEmpty }),
    options: {
      file: {
        help: {
          nl: 'JSON-bestand { "weekly": …, "overrides": [] }',
          en: 'JSON file { "weekly": …, "overrides": [] }',
        },
        placeholder: 'file',
      },
    },
    async run(ctx, args) {
      const body = await readOpeningHours(ctx, args.file);
      const client = await ctx.device();
      const doc = await client.call(appointments.publishAvailability, {
        params: { workerId: client.account.personId },
        body,
      });
      return output(doc, [ctx.say('Beschikbaarheid gepubliceerd.', 'Availability published.')]);
    },
  }),
  command({
    name: 'appointment slots',
    summary: { nl: 'Vrije tijden', en: 'Free slots' },
    example: 'appointment slots --type 6f0a… --worker 47a5… --from 2026-12-07 --to 2026-12-11',
    args: z.object({ type: uuid, worker: uuid, from: localDate, to: localDate }),
    options: {
      type: {
        help: {
          nl: 'Soort afspraak (zie: appointment types)',
          en: 'Kind of appointment (see: appointment types)',
        },
        placeholder: 'id',
      },
      worker: { help: { nl: 'De medewerker', en: 'The worker' }, placeholder: 'id' },
      from: { help: { nl: 'Eerste dag (JJJJ-MM-DD)', en: 'First day (YYYY-MM-DD)' } },
      to: { help: { nl: 'Laatste dag', en: 'Last day' } },
    },
    async run(ctx, args) {
      const listing = await (
        await ctx.device()
      ).call(appointments.slots, {
        query: { appointmentTypeId: args.type, workerId: args.worker, from: args.from, to: args.to },
      });
      if (listing.slots.length === 0)
        return output(listing, [ctx.say('Geen vrije tijden.', 'No free slots.')]);
      return output(
        listing,
        listing.slots.map((s) => `${s.start}  ${s.local.date} ${s.local.start}-${s.local.end}`),
      );
    },
  }),
  command({
    name: 'appointment book',
    summary: {
      nl: 'Een afspraak boeken (medewerkers ook voor een inwoner)',
      en: 'Book an appointment (workers also for a resident)',
    },
    example: 'appointment book --type 6f0a… --worker 47a5… --start 2026-12-07T09:00:00Z',
    args: z.object({ type: uuid, worker: uuid, start: utcInstant, resident: uuid.optional() }),
    options: {
      type: { help: { nl: 'Soort afspraak', en: 'Kind of appointment' }, placeholder: 'id' },
      worker: { help: { nl: 'De medewerker', en: 'The worker' }, placeholder: 'id' },
      start: {
        help: {
          nl: 'Begin (UTC, zoals appointment slots toont)',
          en: 'Start (UTC, as appointment slots shows)',
        },
      },
      resident: {
        help: { nl: 'Voor deze inwoner (medewerkers)', en: 'For this resident (workers)' },
        placeholder: 'id',
      },
    },
    async run(ctx, args) {
      const booked = await (
        await ctx.device()
      ).call(appointments.book, {
        body: {
          appointmentTypeId: args.type,
          workerId: args.worker,
          start: args.start,
          ...(args.resident ? { residentId: args.resident } : {}),
        },
      });
      return output(booked, [
        ctx.say(
          `Geboekt: ${when(booked.start, 'nl')} (${booked.id})`,
          `Booked: ${when(booked.start, 'en')} (${booked.id})`,
        ),
      ]);
    },
  }),
  command({
    name: 'appointment list',
    summary: { nl: 'Je afspraken', en: 'Your appointments' },
    example: 'appointment list',
    args: z.object({}),
    options: {},
    async run(ctx) {
      const { appointments: list } = await (await ctx.device()).call(appointments.list, { query: {} });
      if (list.length === 0) return output([], [ctx.say('Geen afspraken.', 'No appointments.')]);
      return output(
        list,
        list.map((a) => `${a.id}  ${when(a.start, ctx.lang)}  ${a.kind.padEnd(9)}  ${a.status}`),
      );
    },
  }),
  command({
    name: 'appointment reschedule',
    summary: { nl: 'Een afspraak verzetten', en: 'Move an appointment' },
    example: 'appointment reschedule --appointment 1d9e… --start 2026-12-08T09:00:00Z',
    args: z.object({ appointment: uuid, start: utcInstant }),
    options: {
      appointment: {
        help: { nl: 'Afspraak-id (zie: appointment list)', en: 'Appointment id (see: appointment list)' },
        placeholder: 'id',
      },
      start: { help: { nl: 'Nieuw begin (UTC)', en: 'New start (UTC)' } },
    },
    async run(ctx, args) {
      const moved = await (
        await ctx.device()
      ).call(appointments.reschedule, { params: { id: args.appointment }, body: { start: args.start } });
      return output(moved, [
        ctx.say(`Verzet naar ${when(moved.start, 'nl')}.`, `Moved to ${when(moved.start, 'en')}.`),
      ]);
    },
  }),
  command({
    name: 'appointment cancel',
    summary: { nl: 'Een afspraak afzeggen', en: 'Cancel an appointment' },
    example: 'appointment cancel --appointment 1d9e…',
    args: z.object({ appointment: uuid }),
    options: { appointment: { help: { nl: 'Afspraak-id', en: 'Appointment id' }, placeholder: 'id' } },
    async run(ctx, args) {
      const cancelled = await (
        await ctx.device()
      ).call(appointments.cancel, { params: { id: args.appointment } });
      return output(cancelled, [ctx.say('Afspraak afgezegd.', 'Appointment cancelled.')]);
    },
  }),
  command({
    name: 'calendar feed',
    summary: {
      nl: 'Adres van je agenda-feed (.ics) voor je agenda-app; vervangt het vorige',
      en: 'Your calendar feed (.ics) address for your calendar app; replaces the previous one',
    },
    example: 'calendar feed',
    args: z.object({}),
    options: {},
    async run(ctx) {
      const feed = await (await ctx.device()).call(calendar.createFeed);
      return output(feed, [
        feed.url,
        ctx.say(
          '(geheim: wie dit adres heeft, ziet je afspraken)',
          '(secret: whoever has this address sees your appointments)',
        ),
      ]);
    },
  }),
  command({
    name: 'calendar revoke',
    summary: { nl: 'Je agenda-feed intrekken', en: 'Revoke your calendar feed' },
    example: 'calendar revoke',
    args: z.object({}),
    options: {},
    async run(ctx) {
      await (await ctx.device()).call(calendar.revokeFeed);
      return output({ revoked: true }, [ctx.say('Agenda-feed ingetrokken.', 'Calendar feed revoked.')]);
    },
  }),
];
