import type { Channel } from '@spreekuur/protocol/chat';
import { privacyEndpoints, type AuditEntryView, type PersonExport } from '@spreekuur/protocol/privacy';
import { useEffect, useState } from 'preact/hooks';
import { locale } from '../../i18n.ts';
import { pt, type WordKey } from './words.ts';
import { navigate } from '../../router.ts';
import { channels, currentClient, me } from '../../state/session.ts';
import { useObservable } from '../../state/store.ts';
import { AuditLine } from './audit-log.tsx';
import { formatDate, formatDateTime, PrivacyPage, saveFile, today } from './common.tsx';
import { PRIVACY_PATHS } from './paths.ts';
import { buildMyData, fileZipPath, myDataZip, summaryHtml, type MyDataFile } from './my-data-file.ts';

function conversationTitle(channel: Channel, selfId: string): string {
  if (channel.kind === 'group') return channel.name ?? pt('group');
  const other = channel.members.find((m) => m.personId !== selfId)?.displayName ?? '';
  return channel.kind === 'office_hour' ? `${pt('officeHours')}: ${other}` : other;
}

type History = Parameters<typeof buildMyData>[1];

/** This device's decrypted history of every conversation (only the device can read it). */
async function deviceHistory(list: readonly Channel[], selfId: string): Promise<History> {
  const client = currentClient();
  const history = [];
  for (const channel of list) {
    const names = new Map(channel.members.map((m) => [m.personId, m.displayName]));
    history.push({
      conversation: conversationTitle(channel, selfId),
      messages: await client.history(channel.id),
      sender: (m: { own: boolean; senderPersonId: string }) =>
        m.own ? pt('you') : (names.get(m.senderPersonId) ?? pt('privacy_someone')),
    });
  }
  return history;
}

/** The zip carries the files too, up to this much in all (the zip is made in memory). */
const MAX_ZIP_FILE_BYTES = 200 * 1024 * 1024;

/**
 * The files of the history, downloaded and decrypted, by zip path. A file that is gone (erased
 * by the retention rules), was altered, or does not fit any more is left out and counted.
 */
async function decryptedFiles(
  history: History,
  onFile: (done: number, total: number) => void,
): Promise<{ files: Map<string, Uint8Array>; skipped: number }> {
  const client = currentClient();
  const wanted = history.flatMap(({ messages }) =>
    messages.flatMap((message) =>
      message.status === 'ok' && message.content?.type === 'file'
        ? [{ message, content: message.content }]
        : [],
    ),
  );
  const files = new Map<string, Uint8Array>();
  let bytes = 0;
  let skipped = 0;
  for (const [index, { message, content }] of wanted.entries()) {
    onFile(index + 1, wanted.length);
    try {
      const data = await client.downloadFile(content, undefined, { maxBytes: MAX_ZIP_FILE_BYTES - bytes });
      files.set(fileZipPath(message, content.name), data);
      bytes += data.length;
    } catch {
      skipped += 1;
    }
  }
  return { files, skipped };
}

/** Everyone: what the server holds about me, the rules, what happened to my account, and the download. */
export default function MyDataPage() {
  const person = useObservable(me);
  const list = useObservable(channels);
  const [exported, setExported] = useState<PersonExport | null>(null);
  const [notice, setNotice] = useState<string[]>([]);
  const [audit, setAudit] = useState<AuditEntryView[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const selfId = person?.person.id ?? '';

  const loadAudit = async (before?: string) => {
    const page = await currentClient().call(privacyEndpoints.listOwnAudit, {
      query: { limit: 20, ...(before ? { before } : {}) },
    });
    setAudit((shown) => (before ? [...shown, ...page.entries] : page.entries));
    setNext(page.next);
  };
  useEffect(() => {
    const client = currentClient();
    // The audit entries after the export: so the list already shows this export.
    client
      .exportMyData()
      .then(async (data) => {
        setExported(data);
        await loadAudit();
      })
      .catch(() => setError(pt('errorUnknown')));
    client
      .call(privacyEndpoints.retentionNotice)
      .then((words) => setNotice(locale() === 'nl' ? words.nl : words.en))
      .catch(() => undefined);
  }, []);

  const download = async (kind: 'zip' | 'json' | 'html') => {
    if (!exported) return;
    setStatus(pt('privacy_preparing'));
    setError('');
    try {
      const history = await deviceHistory(list, selfId);
      const base = `spreekuur-mijn-gegevens-${today()}`;
      const html = (data: MyDataFile) =>
        summaryHtml(data, (key, params) => pt(key, params), locale(), formatDateTime);
      let skipped = 0;
      if (kind === 'zip') {
        const fetched = await decryptedFiles(history, (n, total) =>
          setStatus(pt('privacy_fetchingFiles', { n, total })),
        );
        skipped = fetched.skipped;
        const data = buildMyData(exported, history, new Date(), new Set(fetched.files.keys()));
        saveFile(`${base}.zip`, 'application/zip', myDataZip(data, html(data), fetched.files));
      } else {
        const data = buildMyData(exported, history);
        if (kind === 'json') saveFile(`${base}.json`, 'application/json', JSON.stringify(data, null, 2));
        else saveFile(`${base}.html`, 'text/html', html(data));
      }
      setStatus(
        skipped > 0
          ? `${pt('privacy_downloaded')} ${pt('privacy_filesLeftOut', { n: skipped })}`
          : pt('privacy_downloaded'),
      );
    } catch {
      setStatus('');
      setError(pt('errorUnknown'));
    }
  };
  const name = (id: string | null) =>
    id === null ? pt('privacy_system') : id === selfId ? pt('you') : pt('privacy_someone');

  return (
    <PrivacyPage id="my-data-title" title={pt('privacy_myData')}>
      <p>{pt('privacy_myDataIntro')}</p>
      <p class="error" role="alert">
        {error}
      </p>
      {exported && <Held data={exported} />}
      <section aria-labelledby="my-data-rules">
        <h2 id="my-data-rules">{pt('privacy_rules')}</h2>
        <ul>
          {notice.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="my-data-download">
        <h2 id="my-data-download">{pt('privacy_download')}</h2>
        <p>{pt('privacy_downloadIntro')}</p>
        <div class="actions">
          <button type="button" class="primary" disabled={!exported} onClick={() => void download('zip')}>
            {pt('privacy_downloadZip')}
          </button>
          <button type="button" disabled={!exported} onClick={() => void download('json')}>
            {pt('privacy_downloadJson')}
          </button>
          <button type="button" disabled={!exported} onClick={() => void download('html')}>
            {pt('privacy_downloadHtml')}
          </button>
        </div>
        <p role="status" aria-live="polite">
          {status}
        </p>
      </section>
      <section aria-labelledby="my-data-audit">
        <h2 id="my-data-audit">{pt('privacy_aboutYou')}</h2>
        <ul class="list">
          {audit.map((entry) => (
            <li key={entry.id} class="card">
              <AuditLine entry={entry} name={name} />
            </li>
          ))}
        </ul>
        {next && (
          <button
            type="button"
            onClick={() => void loadAudit(next).catch(() => setError(pt('errorUnknown')))}
          >
            {pt('privacy_more')}
          </button>
        )}
      </section>
      <p>
        <a
          href={PRIVACY_PATHS.backup}
          onClick={(event) => {
            event.preventDefault();
            navigate(PRIVACY_PATHS.backup);
          }}
        >
          {pt('privacy_backup')}
        </a>
      </p>
      <p class="hint">{pt('privacy_eraseSelfHint')}</p>
    </PrivacyPage>
  );
}

function Held({ data }: { data: PersonExport }) {
  const sent = data.channels.reduce((sum, channel) => sum + channel.messagesSent, 0);
  return (
    <section aria-labelledby="my-data-held">
      <h2 id="my-data-held">{pt('privacy_held')}</h2>
      <p>
        {pt('privacy_profile', {
          name: data.profile.displayName,
          role: pt(`role_${data.profile.role}` as WordKey),
          date: formatDate(data.profile.createdAt),
        })}
      </p>
      <p>{pt('privacy_devicesHeld', { n: data.devices.length })}</p>
      <ul>
        {data.devices.map((device) => (
          <li key={device.id}>
            {pt('privacy_deviceLine', { name: device.name, since: formatDate(device.createdAt) })}
            {device.revokedAt && ` (${pt('privacy_deviceRevoked', { date: formatDate(device.revokedAt) })})`}
          </li>
        ))}
      </ul>
      <p>{pt('privacy_teamsHeld', { names: data.teams.map((team) => team.name).join(', ') || '–' })}</p>
      <p>{pt('privacy_conversationsHeld', { n: data.channels.length, m: sent })}</p>
      <p>{pt('privacy_filesHeld', { n: data.files.length })}</p>
      <p>{pt('privacy_queueHeld', { n: data.queueHistory.length })}</p>
      <p>{pt('privacy_appointmentsHeld', { n: data.appointments.length })}</p>
      <p>{pt('privacy_notificationsHeld', { n: data.notifications.length })}</p>
      <p>
        {data.keyBackup
          ? pt('privacy_backupHeld', { date: formatDate(data.keyBackup.updatedAt) })
          : pt('privacy_noBackupHeld')}
      </p>
    </section>
  );
}
