import { writeFile } from 'node:fs/promises';
import { renderUnicodeCompact } from 'uqr';
import { z } from 'zod';
import { generateRecoveryKey } from '@spreekuur/client';
import { isoDateTime } from '@spreekuur/protocol/common';
import {
  privacyEndpoints as privacy,
  RETENTION_LIMITS,
  TEAM_RETENTION_FIELDS,
  type RetentionField,
  type RetentionView,
} from '@spreekuur/protocol/privacy';
import { CliError, exitCodes, type Context } from '../context.ts';
import { when } from '../i18n.ts';
import { command, output } from '../spec.ts';
import { nonEmpty, uuid } from './shared.ts';

/**
 * The privacy duties from the terminal (issue 13): export, erasure, retention, the audit log,
 * and the encrypted key backup under a recovery key. Through the SDK; the server decides who
 * may (admins for others, everyone for themselves).
 */

/** Retention fields as options: `--messages-days 365` sets `messagesDays`. */
const retentionOptions = {
  'messages-days': 'messagesDays',
  'office-hour-days': 'officeHourDays',
  'files-days': 'filesDays',
  'queue-days': 'queueDays',
  'appointments-days': 'appointmentsDays',
  'notifications-days': 'notificationsDays',
  'audit-days': 'auditDays',
} as const satisfies Record<string, RetentionField>;
type RetentionOption = keyof typeof retentionOptions;

const retentionArgs = z.object({
  team: uuid.optional(),
  ...(Object.fromEntries(
    Object.entries(retentionOptions).map(([option, field]) => [
      option,
      z.coerce.number().int().min(RETENTION_LIMITS[field].min).max(RETENTION_LIMITS[field].max).optional(),
    ]),
  ) as Record<RetentionOption, z.ZodOptional<z.ZodCoercedNumber<unknown>>>),
});

function retentionLines(ctx: Context, view: RetentionView): string[] {
  const rows = Object.entries(retentionOptions).map(
    ([option, field]) => `  ${option.padEnd(20)} ${view.organisation[field]} ${ctx.say('dagen', 'days')}`,
  );
  for (const team of view.teams) {
    const set = Object.entries(team.overrides).filter(([, days]) => days !== null);
    if (set.length)
      rows.push(`  ${ctx.say('team', 'team')} ${team.teamId}: ${set.map(([k, d]) => `${k} ${d}`).join(', ')}`);
  }
  return [ctx.say('Bewaartermijnen van de organisatie:', 'Retention of the organisation:'), ...rows];
}

const auditFilters = z.object({
  action: nonEmpty.max(100).optional(),
  person: uuid.optional(),
  actor: uuid.optional(),
  since: isoDateTime.optional(),
  until: isoDateTime.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  csv: z.boolean().default(false),
  mine: z.boolean().default(false),
});

export const privacyCommands = [
  command({
    name: 'privacy export',
    summary: {
      nl: 'Wat de server over u bewaart, als JSON (beheerders: over een ander met --person)',
      en: 'What the server holds about you, as JSON (admins: about someone else with --person)',
    },
    example: 'privacy export --out mijn-gegevens.json',
    args: z.object({ person: uuid.optional(), out: nonEmpty.optional() }),
    options: {
      person: { help: { nl: 'Andere persoon (beheerders)', en: 'Another person (admins)' }, placeholder: 'id' },
      out: {
        help: { nl: 'Opslaan in dit bestand (anders op het scherm)', en: 'Save to this file (else on screen)' },
        placeholder: 'file',
      },
    },
    async run(ctx, args) {
      const client = await ctx.device();
      const data = args.person
        ? await client.call(privacy.exportPersonData, { params: { id: args.person } })
        : await client.exportMyData();
      if (!args.out) return output(data, JSON.stringify(data, null, 2).split('\n'));
      // Personal data: readable by its owner only.
      await writeFile(args.out, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
      return output({ out: args.out }, [
        ctx.say(
          `Opgeslagen in ${args.out}. Uw berichten zelf staan alleen op uw apparaat (spreekuur history).`,
          `Saved to ${args.out}. Your messages themselves are only on your device (spreekuur history).`,
        ),
      ]);
    },
  }),
  command({
    name: 'privacy erase',
    summary: {
      nl: 'Een persoon wissen: apparaten, sleutels, berichten, bestanden; niet terug te draaien (beheerders)',
      en: 'Erase a person: devices, keys, messages, files; cannot be undone (admins)',
    },
    example: 'privacy erase 47a5… --confirm',
    args: z.object({ person: uuid, confirm: z.boolean().default(false) }),
    options: {
      person: { help: { nl: 'De persoon', en: 'The person' }, placeholder: 'person' },
      confirm: {
        kind: 'flag',
        help: { nl: 'Ja, wis deze persoon echt', en: 'Yes, really erase this person' },
      },
    },
    positional: 'person',
    async run(ctx, args) {
      if (!args.confirm)
        throw new CliError(
          ctx.say(
            `Dit wist ${args.person} voorgoed. Weet u het zeker? Geef dan ook --confirm.`,
            `This erases ${args.person} for good. Are you sure? Then also pass --confirm.`,
          ),
          exitCodes.usage,
        );
      const result = await (
        await ctx.device()
      ).call(privacy.erasePerson, { params: { id: args.person }, body: { confirm: true } });
      return output(result, [
        ctx.say(
          `Gewist: ${result.devicesRemoved} apparaten, ${result.messagesErased} berichten, ${result.filesDeleted} bestanden, ${result.appointmentsDeleted} afspraken.`,
          `Erased: ${result.devicesRemoved} devices, ${result.messagesErased} messages, ${result.filesDeleted} files, ${result.appointmentsDeleted} appointments.`,
        ),
      ]);
    },
  }),
  command({
    name: 'privacy retention show',
    summary: { nl: 'Hoe lang wat bewaard wordt', en: 'How long what is kept' },
    example: 'privacy retention show',
    args: z.object({}),
    options: {},
    async run(ctx) {
      const view = await (await ctx.device()).call(privacy.getRetention);
      return output(view, retentionLines(ctx, view));
    },
  }),
  command({
    name: 'privacy retention set',
    summary: {
      nl: 'Bewaartermijnen in dagen zetten (beheerders); met --team alleen office-hour, queue en appointments van dat team',
      en: 'Set retention in days (admins); with --team only office-hour, queue and appointments of that team',
    },
    example: 'privacy retention set --office-hour-days 14 --messages-days 180',
    args: retentionArgs,
    options: {
      team: { help: { nl: 'Alleen voor dit team', en: 'Only for this team' }, placeholder: 'id' },
      ...(Object.fromEntries(
        Object.entries(retentionOptions).map(([option, field]) => [
          option,
          {
            help: {
              nl: `${RETENTION_LIMITS[field].min}–${RETENTION_LIMITS[field].max} dagen`,
              en: `${RETENTION_LIMITS[field].min}–${RETENTION_LIMITS[field].max} days`,
            },
            placeholder: 'days',
          },
        ]),
      ) as Record<RetentionOption, { help: { nl: string; en: string }; placeholder: string }>),
    },
    async run(ctx, args) {
      const values = Object.fromEntries(
        Object.entries(retentionOptions)
          .filter(([option]) => args[option as RetentionOption] !== undefined)
          .map(([option, field]) => [field, args[option as RetentionOption]!]),
      ) as Partial<Record<RetentionField, number>>;
      if (Object.keys(values).length === 0)
        throw new CliError(
          ctx.say('Geef minstens één termijn, bijv. --messages-days 180.', 'Give at least one period, e.g. --messages-days 180.'),
          exitCodes.usage,
        );
      const client = await ctx.device();
      if (args.team) {
        const wrong = Object.keys(values).filter((f) => !(TEAM_RETENTION_FIELDS as readonly string[]).includes(f));
        if (wrong.length)
          throw new CliError(
            ctx.say(
              `Per team alleen --office-hour-days, --queue-days en --appointments-days (niet: ${wrong.join(', ')}).`,
              `Per team only --office-hour-days, --queue-days and --appointments-days (not: ${wrong.join(', ')}).`,
            ),
            exitCodes.usage,
          );
        await client.call(privacy.updateTeamRetention, { params: { id: args.team }, body: values });
        const view = await client.call(privacy.getRetention);
        return output(view, retentionLines(ctx, view));
      }
      const view = await client.call(privacy.updateRetention, { body: values });
      return output(view, retentionLines(ctx, view));
    },
  }),
  command({
    name: 'audit list',
    summary: {
      nl: 'Het auditlog: wie deed wat en wanneer, nooit inhoud (beheerders; --mine: over uzelf)',
      en: 'The audit log: who did what and when, never content (admins; --mine: about yourself)',
    },
    example: 'audit list --action invite. --since 2026-12-01T00:00:00Z --csv',
    args: auditFilters,
    options: {
      action: { help: { nl: 'Actie of begin ervan, bijv. "invite."', en: 'Action or its prefix, e.g. "invite."' } },
      person: { help: { nl: 'Over deze persoon', en: 'About this person' }, placeholder: 'id' },
      actor: { help: { nl: 'Gedaan door deze persoon', en: 'Done by this person' }, placeholder: 'id' },
      since: { help: { nl: 'Vanaf (UTC, ISO 8601)', en: 'From (UTC, ISO 8601)' }, placeholder: 'time' },
      until: { help: { nl: 'Tot (UTC)', en: 'Until (UTC)' }, placeholder: 'time' },
      limit: { help: { nl: 'Hoeveel (1–200, standaard 50)', en: 'How many (1–200, default 50)' }, placeholder: 'n' },
      csv: { kind: 'flag', help: { nl: 'Als CSV (alles wat past bij de filters)', en: 'As CSV (everything the filters match)' } },
      mine: { kind: 'flag', help: { nl: 'Alleen wat over uzelf gaat', en: 'Only what is about yourself' } },
    },
    async run(ctx, args) {
      const client = await ctx.device();
      const filters = {
        ...(args.action ? { action: args.action } : {}),
        ...(args.person ? { personId: args.person } : {}),
        ...(args.actor ? { actorPersonId: args.actor } : {}),
        ...(args.since ? { since: args.since } : {}),
        ...(args.until ? { until: args.until } : {}),
      };
      if (args.csv) {
        const csv = await client.callText(privacy.exportAuditCsv, { query: filters });
        return output({ csv }, csv.replace(/\n$/, '').split('\n'));
      }
      const page = args.mine
        ? await client.call(privacy.listOwnAudit, { query: { limit: args.limit } })
        : await client.call(privacy.listAudit, { query: { ...filters, limit: args.limit } });
      if (page.entries.length === 0) return output(page, [ctx.say('Niets gevonden.', 'Nothing found.')]);
      return output(
        page,
        page.entries.map(
          (e) =>
            `${when(e.at, ctx.lang)}  ${e.action.padEnd(24)}  ${e.actorPersonId ?? '-'}  ${e.subjectType ?? ''} ${e.subjectId ?? ''}`.trimEnd(),
        ),
      );
    },
  }),
  command({
    name: 'backup create',
    summary: {
      nl: 'Versleutelde back-up van uw sleutels en berichten maken; toont de herstelsleutel één keer',
      en: 'Make an encrypted backup of your keys and messages; shows the recovery key once',
    },
    example: 'backup create',
    args: z.object({}),
    options: {},
    async run(ctx) {
      const recoveryKey = await generateRecoveryKey();
      const summary = await (await ctx.device()).backup.save(recoveryKey);
      return output({ recoveryKey, ...summary }, [
        ctx.say(
          `Back-up opgeslagen (${summary.entries} onderdelen, ${summary.size} bytes, versleuteld).`,
          `Backup stored (${summary.entries} entries, ${summary.size} bytes, encrypted).`,
        ),
        ctx.say(
          'Uw herstelsleutel. Schrijf hem op of scan de QR-code. U ziet hem maar één keer:',
          'Your recovery key. Write it down or scan the QR code. You see it only once:',
        ),
        `  ${recoveryKey}`,
        '',
        renderUnicodeCompact(recoveryKey, { border: 1 }),
      ]);
    },
  }),
  command({
    name: 'backup restore',
    summary: {
      nl: 'Uw berichten terugzetten op dit apparaat met de herstelsleutel (ook uit $SPREEKUUR_RECOVERY_KEY)',
      en: 'Restore your messages on this device with the recovery key (also from $SPREEKUUR_RECOVERY_KEY)',
    },
    example: 'backup restore --key 7K3Q-…',
    args: z.object({ key: nonEmpty.optional() }),
    options: {
      key: { help: { nl: 'De herstelsleutel', en: 'The recovery key' }, placeholder: 'key' },
    },
    async run(ctx, args) {
      const key = args.key ?? process.env.SPREEKUUR_RECOVERY_KEY;
      if (!key)
        throw new CliError(
          ctx.say('Geef --key <herstelsleutel> of zet SPREEKUUR_RECOVERY_KEY.', 'Pass --key <recovery key> or set SPREEKUUR_RECOVERY_KEY.'),
          exitCodes.usage,
        );
      const restored = await (await ctx.device()).backup.restore(key);
      const { identity: _identity, ...shown } = restored;
      return output(shown, [
        ctx.say(
          `Teruggezet: ${restored.restored} onderdelen (back-up van ${when(restored.createdAt, 'nl')}); ${restored.skipped} had dit apparaat al.`,
          `Restored: ${restored.restored} entries (backup of ${when(restored.createdAt, 'en')}); ${restored.skipped} this device had already.`,
        ),
      ]);
    },
  }),
];
