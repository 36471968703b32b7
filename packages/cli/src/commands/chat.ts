import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { isSpreekuurError, type ChatMessage, type SpreekuurClient } from '@spreekuur/client';
import { identityEndpoints } from '@spreekuur/protocol/identity';
import { CliError, exitCodes, type Context } from '../context.ts';
import { command, output } from '../spec.ts';
import { nonEmpty, uuid } from './shared.ts';
import { keyChangedAdvice, unverifiedAdvice } from './trust.ts';

const mimeTypes: Record<string, string> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  txt: 'text/plain',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};
const mimeTypeOf = (path: string) =>
  mimeTypes[path.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';

/** Display names of the people you talk with: members of your conversations, then everyone you may see. */
class NameBook {
  private names = new Map<string, string>();
  private loadedPeople = false;
  constructor(private readonly client: SpreekuurClient) {}

  async nameOf(personId: string): Promise<string> {
    if (!this.names.has(personId)) {
      for (const channel of await this.client.listChannels())
        for (const member of channel.members) this.names.set(member.personId, member.displayName);
    }
    // Someone who left a group is no longer a member, but still has a name.
    if (!this.names.has(personId) && !this.loadedPeople) {
      this.loadedPeople = true;
      for (const person of await this.client.people().catch(() => []))
        this.names.set(person.id, person.displayName);
    }
    if (!this.names.has(personId)) {
      const person = await this.client
        .call(identityEndpoints.getPerson, { params: { id: personId } })
        .catch(() => null);
      if (person) this.names.set(person.id, person.displayName);
    }
    return this.names.get(personId) ?? personId.slice(0, 8);
  }
}

function messageLine(ctx: Context, message: ChatMessage, who: string): string {
  const time = new Date(message.sentAt).toLocaleTimeString('nl-NL', {
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Europe/Amsterdam',
  });
  const body =
    message.status === 'deleted'
      ? ctx.say('(bericht verwijderd)', '(message deleted)')
      : message.status === 'unavailable'
        ? ctx.say('(niet te lezen op dit apparaat)', '(not readable on this device)')
        : message.content?.type === 'text'
          ? message.content.text
          : `📎 ${message.content?.name} (${message.content?.size} bytes)`;
  return `#${message.seq} [${time}] ${who}: ${body}`;
}

const messageJson = (message: ChatMessage, sender: string) => ({ ...message, senderName: sender });

const target = z.object({ channel: uuid.optional(), person: uuid.optional() });
const targetOptions = {
  channel: {
    help: { nl: 'Gesprek-id (zie: channels)', en: 'Conversation id (see: channels)' },
    placeholder: 'id',
  },
  person: {
    help: { nl: 'Of: de persoon (opent het gesprek)', en: 'Or: the person (opens the conversation)' },
    placeholder: 'id',
  },
} as const;

async function channelFor(
  ctx: Context,
  client: SpreekuurClient,
  args: { channel?: string | undefined; person?: string | undefined },
) {
  if (args.channel) return args.channel;
  if (args.person) return (await client.openDirect(args.person)).id;
  throw new CliError(
    ctx.say('Geef --channel <id> of --person <id>.', 'Pass --channel <id> or --person <id>.'),
    exitCodes.usage,
  );
}

export const chatCommands = [
  command({
    name: 'people',
    summary: { nl: 'Met wie je kunt praten', en: 'Whom you can talk to' },
    example: 'people --role worker',
    args: z.object({ team: uuid.optional(), role: z.enum(['admin', 'worker', 'resident']).optional() }),
    options: {
      team: { help: { nl: 'Alleen dit team', en: 'Only this team' }, placeholder: 'id' },
      role: {
        help: {
          nl: 'Alleen deze rol: admin, worker of resident',
          en: 'Only this role: admin, worker or resident',
        },
      },
    },
    async run(ctx, args) {
      const client = await ctx.device();
      const people = await client.people({
        ...(args.team ? { teamId: args.team } : {}),
        ...(args.role ? { role: args.role } : {}),
      });
      return output(
        people,
        people.map((person) => `${person.id}  ${person.role.padEnd(8)}  ${person.displayName}`),
      );
    },
  }),
  command({
    name: 'channels',
    summary: { nl: 'Je gesprekken (met aantal ongelezen)', en: 'Your conversations (with unread count)' },
    example: 'channels',
    args: z.object({}),
    options: {},
    async run(ctx) {
      const client = await ctx.device();
      const channels = await client.listChannels();
      if (channels.length === 0)
        return output([], [ctx.say('Nog geen gesprekken.', 'No conversations yet.')]);
      return output(
        channels,
        channels.map((channel) => {
          const others = channel.members
            .filter((m) => m.personId !== client.account.personId)
            .map((m) => m.displayName);
          const unread = channel.lastSeq - channel.readSeq;
          return `${channel.id}  ${channel.kind.padEnd(11)}  ${channel.name ?? others.join(', ')}${unread > 0 ? `  (${unread})` : ''}`;
        }),
      );
    },
  }),
  command({
    name: 'open',
    summary: {
      nl: 'Gesprek met een persoon openen (toont het gesprek-id)',
      en: 'Open a conversation with a person (prints its id)',
    },
    example: 'open --person 47a5…',
    args: z.object({ person: uuid }),
    options: { person: targetOptions.person },
    async run(ctx, args) {
      const channel = await (await ctx.device()).openDirect(args.person);
      return output(channel, [channel.id]);
    },
  }),
  command({
    name: 'send',
    summary: { nl: 'Bericht sturen', en: 'Send a message' },
    example: 'send --person 47a5… "Goedemorgen!"',
    args: target.extend({ text: nonEmpty.max(10_000) }),
    options: {
      ...targetOptions,
      text: {
        help: { nl: 'De tekst (na de opties)', en: 'The text (after the options)' },
        placeholder: 'text',
      },
    },
    positional: 'text',
    async run(ctx, args) {
      const client = await ctx.connected();
      const ack = await client.sendText(await channelFor(ctx, client, args), args.text);
      return output(ack, [ctx.say(`Verstuurd (#${ack.seq}).`, `Sent (#${ack.seq}).`)]);
    },
  }),
  command({
    name: 'send-file',
    summary: {
      nl: 'Bestand versleuteld delen (met voortgang)',
      en: 'Share a file encrypted (with progress)',
    },
    example: 'send-file --person 47a5… brief.pdf',
    args: target.extend({ file: nonEmpty }),
    options: {
      ...targetOptions,
      file: { help: { nl: 'Het bestand', en: 'The file' }, placeholder: 'file' },
    },
    positional: 'file',
    async run(ctx, args) {
      const client = await ctx.connected();
      const bytes = new Uint8Array(await readFile(args.file));
      let shown = -1;
      const ack = await client.sendFile(await channelFor(ctx, client, args), bytes, {
        name: basename(args.file),
        mimeType: mimeTypeOf(args.file),
        onProgress: ({ sentBytes, totalBytes }) => {
          const percent = Math.floor((sentBytes / totalBytes) * 100);
          if (!ctx.globals.json && (percent >= shown + 10 || percent === 100)) {
            shown = percent;
            ctx.print(
              ctx.say(`Versleutelen en versturen… ${percent}%`, `Encrypting and sending… ${percent}%`),
            );
          }
        },
      });
      return output(ack, [ctx.say(`Verstuurd (#${ack.seq}).`, `Sent (#${ack.seq}).`)]);
    },
  }),
  command({
    name: 'history',
    summary: { nl: 'Berichten van een gesprek', en: 'Messages of a conversation' },
    example: 'history --channel 9a1b…',
    args: z.object({ channel: uuid }),
    options: { channel: targetOptions.channel },
    async run(ctx, args) {
      const client = await ctx.connected();
      // A device linked in its first week may have history from another device waiting (SPEC §15.2).
      await client.receiveHistory().catch(() => null);
      const names = new NameBook(client);
      const messages = await client.history(args.channel);
      const last = messages.at(-1);
      if (last) client.markRead(args.channel, last.seq);
      const named = [];
      for (const message of messages)
        named.push({ message, who: await names.nameOf(message.senderPersonId) });
      return output(
        named.map(({ message, who }) => messageJson(message, who)),
        named.map(({ message, who }) => messageLine(ctx, message, who)),
      );
    },
  }),
  command({
    name: 'follow',
    summary: {
      nl: 'Nieuwe berichten live volgen; met --channel/--person wordt elke getypte regel verstuurd (Ctrl-C stopt)',
      en: 'Follow new messages live; with --channel/--person every line you type is sent (Ctrl-C stops)',
    },
    example: 'follow --person 47a5…',
    args: target.extend({ count: z.coerce.number().int().min(1).optional() }),
    options: {
      ...targetOptions,
      count: {
        help: { nl: 'Stoppen na zoveel berichten', en: 'Stop after this many messages' },
        placeholder: 'n',
      },
    },
    async run(ctx, args) {
      const client = await ctx.connected();
      const names = new NameBook(client);
      const channelId = args.channel ?? (args.person ? (await client.openDirect(args.person)).id : undefined);
      if (!ctx.globals.json)
        ctx.print(
          channelId
            ? ctx.say(
                'Berichten volgen… typ een regel en Enter om te versturen (Ctrl-C stopt)',
                'Following messages… type a line and Enter to send (Ctrl-C stops)',
              )
            : ctx.say('Berichten volgen… (Ctrl-C stopt)', 'Following messages… (Ctrl-C stops)'),
        );
      await new Promise<void>((resolve) => {
        let shown = 0;
        // Print in arrival order even though name lookups are asynchronous.
        let printing = Promise.resolve();
        client.on('message', (message) => {
          if (channelId && message.channelId !== channelId) return;
          printing = printing.then(async () => {
            const who = await names.nameOf(message.senderPersonId);
            ctx.print(
              ctx.globals.json ? JSON.stringify(messageJson(message, who)) : messageLine(ctx, message, who),
            );
            client.markRead(message.channelId, message.seq);
            if (args.count !== undefined && ++shown >= args.count) resolve();
          });
        });
        client.on('revoked', () => resolve());
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
        if (channelId) {
          // One window is enough: what is typed here is sent by this process, which holds the profile.
          const input = createInterface({ input: process.stdin });
          let sending = Promise.resolve();
          input.on('line', (line) => {
            const text = line.trim();
            if (!text) return;
            sending = sending.then(async () => {
              try {
                const ack = await client.sendText(channelId, text);
                if (!ctx.globals.json) ctx.print(ctx.say(`Verstuurd (#${ack.seq}).`, `Sent (#${ack.seq}).`));
              } catch (error) {
                ctx.print(
                  isSpreekuurError(error, 'ERR_CLIENT_KEY_CHANGED')
                    ? keyChangedAdvice(ctx, error.details.personIds ?? [])
                    : isSpreekuurError(error, 'ERR_CLIENT_UNVERIFIED_DEVICE')
                      ? unverifiedAdvice(ctx, error.details.personIds ?? [])
                      : `${(error as Error).message}`,
                );
              }
            });
          });
          const stop = () => input.close();
          process.once('SIGINT', stop);
          client.on('revoked', stop);
          // On a terminal readline takes Ctrl-C itself.
          input.on('SIGINT', () => {
            stop();
            resolve();
          });
        }
      });
      return output(null, []);
    },
  }),
  command({
    name: 'download',
    summary: { nl: 'Gedeeld bestand opslaan', en: 'Save a shared file' },
    example: 'download --channel 9a1b… --seq 4 --out brief.pdf',
    args: z.object({ channel: uuid, seq: z.coerce.number().int().min(1), out: nonEmpty.optional() }),
    options: {
      channel: targetOptions.channel,
      seq: {
        help: { nl: 'Nummer van het bericht (#n in history)', en: 'Number of the message (#n in history)' },
        placeholder: 'n',
      },
      out: {
        help: {
          nl: 'Opslaan als (standaard de naam van het bestand)',
          en: 'Save as (default the file’s name)',
        },
        placeholder: 'file',
      },
    },
    async run(ctx, args) {
      const client = await ctx.connected();
      const message = (await client.history(args.channel, args.seq - 1)).find((m) => m.seq === args.seq);
      if (message?.content?.type !== 'file')
        throw new CliError(
          ctx.say(`Bericht #${args.seq} is geen bestand.`, `Message #${args.seq} is not a file.`),
        );
      const bytes = await client.downloadFile(message.content);
      const path = args.out ?? basename(message.content.name);
      await writeFile(path, bytes);
      return output({ path, size: bytes.length }, [ctx.say(`Opgeslagen als ${path}.`, `Saved as ${path}.`)]);
    },
  }),
  command({
    name: 'group create',
    summary: { nl: 'Groep maken (medewerkers)', en: 'Create a group (workers)' },
    example: 'group create --name "Training ouderschap" --member 47a5… --member 9c3d…',
    args: z.object({ name: nonEmpty.max(200), member: z.array(uuid).default([]) }),
    options: {
      name: { help: { nl: 'Naam van de groep', en: 'Name of the group' }, placeholder: 'name' },
      member: {
        kind: 'list',
        help: { nl: 'Deelnemer (vaker te geven)', en: 'Member (may be repeated)' },
        placeholder: 'id',
      },
    },
    async run(ctx, args) {
      const channel = await (await ctx.connected()).createGroup(args.name, args.member);
      return output(channel, [channel.id]);
    },
  }),
  command({
    name: 'group add',
    summary: { nl: 'Deelnemer toevoegen', en: 'Add a member' },
    example: 'group add --channel 9a1b… --person 47a5…',
    args: z.object({ channel: uuid, person: uuid }),
    options: targetOptions,
    async run(ctx, args) {
      await (await ctx.connected()).addMember(args.channel, args.person);
      return output({ added: args.person }, [ctx.say('Toegevoegd.', 'Added.')]);
    },
  }),
  command({
    name: 'group remove',
    summary: { nl: 'Deelnemer verwijderen', en: 'Remove a member' },
    example: 'group remove --channel 9a1b… --person 47a5…',
    args: z.object({ channel: uuid, person: uuid }),
    options: targetOptions,
    async run(ctx, args) {
      await (await ctx.connected()).removeMember(args.channel, args.person);
      return output({ removed: args.person }, [ctx.say('Verwijderd.', 'Removed.')]);
    },
  }),
];
