import type { ChatMessage } from '@spreekuur/client';
import type { PersonExport } from '@spreekuur/protocol/privacy';
import { zip } from './zip.ts';

/**
 * What "download my data" writes: the server's export (JSON as it came, no message content: the
 * server never had it) and the history this device decrypted, which only the device can add.
 * Pure: built from the export and the device's messages, no I/O.
 */
interface DeviceMessage {
  channelId: string;
  conversation: string;
  seq: number;
  sentAt: string;
  from: string;
  own: boolean;
  text?: string;
  file?: string;
  /** Where the decrypted file is in the zip (only in the zip's copy, and only if it came along). */
  fileInZip?: string;
}

export interface MyDataFile {
  format: 'spreekuur.my-data.v1';
  madeAt: string;
  server: PersonExport;
  device: { messages: DeviceMessage[] };
}

/** The zip path of a message's file: one folder, unique by conversation and number. */
export function fileZipPath(message: Pick<ChatMessage, 'channelId' | 'seq'>, name: string): string {
  // No folders, drive letters or control characters from a name someone else chose.
  const safe =
    [...name]
      .map((c) => (c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127 || '\\/:*?"<>|'.includes(c) ? '_' : c))
      .join('')
      .replace(/^\.+/, '_')
      .slice(-120) || 'bestand';
  return `bestanden/${message.channelId.slice(0, 8)}-${message.seq}-${safe}`;
}

export function buildMyData(
  server: PersonExport,
  history: ReadonlyArray<{
    conversation: string;
    messages: readonly ChatMessage[];
    sender: (m: ChatMessage) => string;
  }>,
  madeAt = new Date(),
  /** The zip paths of the files that came along (the zip's copy); none for the JSON alone. */
  filesInZip: ReadonlySet<string> = new Set(),
): MyDataFile {
  const messages: DeviceMessage[] = [];
  for (const { conversation, messages: list, sender } of history) {
    for (const message of list) {
      if (message.status !== 'ok' || !message.content) continue;
      messages.push({
        channelId: message.channelId,
        conversation,
        seq: message.seq,
        sentAt: message.sentAt,
        from: sender(message),
        own: message.own,
        ...(message.content.type === 'text'
          ? { text: message.content.text }
          : {
              file: message.content.name,
              ...(filesInZip.has(fileZipPath(message, message.content.name))
                ? { fileInZip: fileZipPath(message, message.content.name) }
                : {}),
            }),
      });
    }
  }
  return { format: 'spreekuur.my-data.v1', madeAt: madeAt.toISOString(), server, device: { messages } };
}

type Words = (key: SummaryWord, params?: Record<string, string | number>) => string;
type SummaryWord =
  | 'privacy_summaryTitle'
  | 'privacy_summaryMade'
  | 'privacy_held'
  | 'privacy_profile'
  | 'privacy_summaryDevices'
  | 'privacy_summaryConversations'
  | 'privacy_summaryAppointments'
  | 'privacy_summaryAudit'
  | 'privacy_summaryMessages'
  | 'privacy_summaryNoMessages'
  | 'privacy_summaryFile'
  | 'privacy_teamsHeld'
  | 'privacy_filesHeld'
  | 'privacy_queueHeld'
  | 'privacy_notificationsHeld'
  | 'privacy_backupHeld'
  | 'privacy_noBackupHeld'
  | 'privacy_deviceRevoked';

const escape = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** A readable summary of the same file: one HTML page, no script, opened from disk in any browser. */
export function summaryHtml(
  data: MyDataFile,
  words: Words,
  lang: 'nl' | 'en',
  date: (iso: string) => string,
): string {
  const s = data.server;
  const list = (items: string[]) =>
    items.length ? `<ul>${items.map((item) => `<li>${item}</li>`).join('')}</ul>` : '<p>–</p>';
  const section = (title: string, body: string) => `<h2>${escape(title)}</h2>\n${body}`;
  const byConversation = new Map<string, DeviceMessage[]>();
  for (const message of data.device.messages) {
    byConversation.set(message.conversation, [...(byConversation.get(message.conversation) ?? []), message]);
  }
  const history = [...byConversation]
    .map(
      ([conversation, messages]) =>
        `<h3>${escape(conversation)}</h3>\n${list(
          messages.map(
            (m) =>
              `<strong>${escape(m.from)}</strong>, ${escape(date(m.sentAt))}: ${escape(
                m.text ?? `${words('privacy_summaryFile')} ${m.file ?? ''}`,
              )}`,
          ),
        )}`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><title>${escape(words('privacy_summaryTitle'))}</title>
<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:1rem auto;padding:0 1rem;line-height:1.5}</style></head>
<body>
<h1>${escape(words('privacy_summaryTitle'))}</h1>
<p>${escape(words('privacy_summaryMade', { date: date(data.madeAt) }))}</p>
<p>${escape(lang === 'nl' ? s.note.nl : s.note.en)}</p>
${section(
  words('privacy_held'),
  `<p>${escape(words('privacy_profile', { name: s.profile.displayName, role: s.profile.role, date: date(s.profile.createdAt) }))}</p>
<p>${escape(words('privacy_teamsHeld', { names: s.teams.map((team) => team.name).join(', ') || '–' }))}</p>
<p>${escape(words('privacy_filesHeld', { n: s.files.length }))}</p>
<p>${escape(words('privacy_queueHeld', { n: s.queueHistory.length }))}</p>
<p>${escape(words('privacy_notificationsHeld', { n: s.notifications.length }))}</p>
<p>${escape(s.keyBackup ? words('privacy_backupHeld', { date: date(s.keyBackup.updatedAt) }) : words('privacy_noBackupHeld'))}</p>`,
)}
${section(
  words('privacy_summaryDevices'),
  list(
    s.devices.map(
      (d) =>
        `${escape(d.name)}, ${escape(date(d.createdAt))}${d.revokedAt ? ` (${escape(words('privacy_deviceRevoked', { date: date(d.revokedAt) }))})` : ''}`,
    ),
  ),
)}
${section(
  words('privacy_summaryConversations'),
  list(s.channels.map((c) => `${escape(c.name ?? c.kind)}: ${c.messagesSent}`)),
)}
${section(
  words('privacy_summaryAppointments'),
  list(s.appointments.map((a) => `${escape(date(a.startAt))}: ${escape(a.kind)} (${escape(a.status)})`)),
)}
${section(words('privacy_summaryAudit'), list(s.audit.map((e) => `${escape(date(e.at))}: ${escape(e.action)}`)))}
${section(words('privacy_summaryMessages'), history || `<p>${escape(words('privacy_summaryNoMessages'))}</p>`)}
</body>
</html>
`;
}

/** Both in one zip (stored, see zip.ts), with the decrypted files under `bestanden/`. */
export function myDataZip(
  data: MyDataFile,
  html: string,
  files: ReadonlyMap<string, Uint8Array> = new Map(),
): Uint8Array<ArrayBuffer> {
  const encoder = new TextEncoder();
  return zip([
    { name: 'mijn-gegevens.json', data: encoder.encode(JSON.stringify(data, null, 2)) },
    { name: 'mijn-gegevens.html', data: encoder.encode(html) },
    ...[...files].map(([name, bytes]) => ({ name, data: bytes })),
  ]);
}
