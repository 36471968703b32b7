import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { SpreekuurClient, type ChatMessage } from '@spreekuur/client';
import { JsonFileStore } from '@spreekuur/client/json-file-store';
import { CliError } from './http.ts';
import type { Lang, Texts } from './i18n.ts';

export interface ChatOptions {
  profile: string;
  server?: string | undefined;
  lang: Lang;
  texts: Texts;
  print: (line: string) => void;
}

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

/** Runs `work` with this profile's device, connected, and always closes it. */
async function withClient<T>(
  options: ChatOptions,
  work: (client: SpreekuurClient) => Promise<T>,
): Promise<T> {
  const client = await SpreekuurClient.open({
    store: new JsonFileStore(options.profile),
    locale: options.lang,
    ...(options.server ? { serverUrl: options.server } : {}),
  }).catch((error: unknown) => {
    throw asCliError(error, options);
  });
  try {
    await client.connect();
    return await work(client);
  } catch (error) {
    throw asCliError(error, options);
  } finally {
    await client.close();
  }
}

function asCliError(error: unknown, options: ChatOptions): Error {
  if (error instanceof CliError) return error;
  const { code, message } = error as { code?: string; message?: string };
  if (code === 'ERR_CLIENT_NOT_REGISTERED') return new CliError(options.texts.notRegistered(options.profile));
  if (code === 'ERR_CLIENT_NETWORK')
    return new CliError(options.texts.serverUnreachable(options.server ?? '?'));
  return new CliError(code ? `${message ?? ''} (${code})` : String(error));
}

export async function registerCommand(
  options: ChatOptions & { server: string },
  invite: string,
  name: string,
  device: string,
) {
  try {
    const client = await SpreekuurClient.register({
      serverUrl: options.server,
      store: new JsonFileStore(options.profile),
      inviteCode: invite,
      displayName: name,
      deviceName: device,
      locale: options.lang,
    });
    options.print(options.texts.registered(name, client.account.role, options.profile));
    await client.close();
  } catch (error) {
    throw asCliError(error, options);
  }
}

export const whoamiCommand = (options: ChatOptions) =>
  withClient(options, async (client) => {
    const me = await client.me();
    options.print(`${me.person.displayName} (${me.person.role}) — ${me.organisation.name}`);
    options.print(`person ${me.person.id}  device ${me.deviceId}`);
  });

export const peopleCommand = (options: ChatOptions) =>
  withClient(options, async (client) => {
    for (const person of await client.people())
      options.print(`${person.id}  ${person.role.padEnd(8)}  ${person.displayName}`);
  });

export const channelsCommand = (options: ChatOptions) =>
  withClient(options, async (client) => {
    const channels = await client.listChannels();
    if (channels.length === 0) options.print(options.texts.noChannels);
    for (const channel of channels) {
      const others = channel.members
        .filter((m) => m.personId !== client.account.personId)
        .map((m) => m.displayName);
      const unread = channel.lastSeq - channel.readSeq;
      options.print(
        `${channel.id}  ${channel.kind.padEnd(11)}  ${channel.name ?? others.join(', ')}${unread > 0 ? `  (${unread})` : ''}`,
      );
    }
  });

export const openDirectCommand = (options: ChatOptions, personId: string) =>
  withClient(options, async (client) => {
    const channel = await client.openDirect(personId);
    options.print(channel.id);
  });

export const createGroupCommand = (options: ChatOptions, name: string, memberIds: string[]) =>
  withClient(options, async (client) => {
    const channel = await client.createGroup(name, memberIds);
    options.print(channel.id);
  });

export const addMemberCommand = (options: ChatOptions, channelId: string, personId: string) =>
  withClient(options, async (client) => void (await client.addMember(channelId, personId)));

export const removeMemberCommand = (options: ChatOptions, channelId: string, personId: string) =>
  withClient(options, (client) => client.removeMember(channelId, personId));

async function channelFor(
  client: SpreekuurClient,
  target: { channel?: string | undefined; person?: string | undefined },
) {
  if (target.channel) return target.channel;
  if (target.person) return (await client.openDirect(target.person)).id;
  throw new CliError('--channel or --person');
}

export const sendCommand = (
  options: ChatOptions,
  target: { channel?: string | undefined; person?: string | undefined },
  text: string,
) =>
  withClient(options, async (client) => {
    const ack = await client.sendText(await channelFor(client, target), text);
    options.print(options.texts.sent(ack.seq));
  });

export const sendFileCommand = (
  options: ChatOptions,
  target: { channel?: string | undefined; person?: string | undefined },
  path: string,
) =>
  withClient(options, async (client) => {
    const bytes = new Uint8Array(await readFile(path));
    let shown = -1;
    const ack = await client.sendFile(await channelFor(client, target), bytes, {
      name: basename(path),
      mimeType: mimeTypeOf(path),
      onProgress: ({ sentBytes, totalBytes }) => {
        const percent = Math.floor((sentBytes / totalBytes) * 100);
        if (percent >= shown + 10 || percent === 100) {
          shown = percent;
          options.print(options.texts.uploading(percent));
        }
      },
    });
    options.print(options.texts.sent(ack.seq));
  });

/** Display names of the people in your conversations; looked up again when someone new writes. */
class NameBook {
  private names = new Map<string, string>();
  constructor(private readonly client: SpreekuurClient) {}

  async nameOf(personId: string): Promise<string> {
    if (!this.names.has(personId)) {
      for (const channel of await this.client.listChannels()) {
        for (const member of channel.members) this.names.set(member.personId, member.displayName);
      }
    }
    return this.names.get(personId) ?? personId.slice(0, 8);
  }
}

async function line(message: ChatMessage, names: NameBook, texts: Texts): Promise<string> {
  const time = new Date(message.sentAt).toLocaleTimeString('nl-NL', {
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Europe/Amsterdam',
  });
  const who = await names.nameOf(message.senderPersonId);
  const body =
    message.status === 'deleted'
      ? texts.deleted
      : message.status === 'unavailable'
        ? texts.unavailable
        : message.content?.type === 'text'
          ? message.content.text
          : `📎 ${message.content?.name} (${message.content?.size} bytes)`;
  return `#${message.seq} [${time}] ${who}: ${body}`;
}

export const historyCommand = (options: ChatOptions, channelId: string) =>
  withClient(options, async (client) => {
    const names = new NameBook(client);
    const messages = await client.history(channelId);
    for (const message of messages) options.print(await line(message, names, options.texts));
    const last = messages.at(-1);
    if (last) client.markRead(channelId, last.seq);
  });

/** Prints messages as they arrive (after catching up) until interrupted or `count` are shown. */
export const followCommand = (
  options: ChatOptions,
  channelId: string | undefined,
  count: number | undefined,
) =>
  withClient(options, async (client) => {
    const names = new NameBook(client);
    options.print(options.texts.following);
    await new Promise<void>((resolve) => {
      let shown = 0;
      // Print in arrival order even though name lookups are asynchronous.
      let printing = Promise.resolve();
      client.on('message', (message) => {
        if (channelId && message.channelId !== channelId) return;
        printing = printing.then(async () => {
          options.print(await line(message, names, options.texts));
          client.markRead(message.channelId, message.seq);
          if (count !== undefined && ++shown >= count) resolve();
        });
      });
      client.on('revoked', () => resolve());
      process.once('SIGINT', () => resolve());
    });
  });

export const downloadCommand = (
  options: ChatOptions,
  channelId: string,
  seq: number,
  out: string | undefined,
) =>
  withClient(options, async (client) => {
    const message = (await client.history(channelId, seq - 1)).find((m) => m.seq === seq);
    if (message?.content?.type !== 'file') throw new CliError(options.texts.noFile(seq));
    const bytes = await client.downloadFile(message.content);
    const target = out ?? message.content.name;
    await writeFile(target, bytes);
    options.print(options.texts.saved(target));
  });

export const devicesCommand = (options: ChatOptions) =>
  withClient(options, async (client) => {
    for (const device of await client.listDevices()) {
      const state = device.revokedAt ? options.texts.revoked : device.current ? options.texts.thisDevice : '';
      options.print(`${device.id}  ${device.name}  ${state}`);
    }
  });

export const revokeCommand = (options: ChatOptions, deviceId: string) =>
  withClient(options, (client) => client.revokeDevice(deviceId));

export const linkDeviceCommand = (options: ChatOptions) =>
  withClient(options, async (client) => {
    const link = await client.linkDeviceCode();
    options.print(options.texts.linkCode(link.code, link.joinUrl));
  });

export const safetyNumberCommand = (options: ChatOptions, channelId: string, personId: string) =>
  withClient(options, async (client) => {
    for (const number of await client.safetyNumbers(channelId, personId)) {
      options.print(`${number.deviceId}: ${number.blocks.slice(0, 6).join(' ')}`);
      options.print(`${' '.repeat(number.deviceId.length)}  ${number.blocks.slice(6).join(' ')}`);
    }
  });
