import type { Channel } from '@spreekuur/protocol/chat';
import { privacyEndpoints, type AuditEntryView, type PersonExport } from '@spreekuur/protocol/privacy';
import { useEffect, useState } from 'preact/hooks';
import { locale, t, type MessageKey } from '../../i18n.ts';
import { navigate } from '../../router.ts';
import { channels, currentClient, me } from '../../state/session.ts';
import { useObservable } from '../../state/store.ts';
import { AuditLine } from './audit-log.tsx';
import { formatDate, formatDateTime, PrivacyPage, saveFile, today } from './common.tsx';
import { PRIVACY_PATHS } from './paths.ts';
import { buildMyData, myDataZip, summaryHtml, type MyDataFile } from './my-data-file.ts';

function conversationTitle(channel: Channel, selfId: string): string {
  if (channel.kind === 'group') return channel.name ?? t('group');
  const other = channel.members.find((m) => m.personId !== selfId)?.displayName ?? '';
  return channel.kind === 'office_hour' ? `${t('officeHours')}: ${other}` : other;
}

/** The export joined with this device's decrypted history (only the device can read it). */
async function collect(
  exported: PersonExport,
  list: readonly Channel[],
  selfId: string,
): Promise<MyDataFile> {
  const client = currentClient();
  const history = [];
  for (const channel of list) {
    const names = new Map(channel.members.map((m) => [m.personId, m.displayName]));
    history.push({
      conversation: conversationTitle(channel, selfId),
      messages: await client.history(channel.id),
      sender: (m: { own: boolean; senderPersonId: string }) =>
        m.own ? t('you') : (names.get(m.senderPersonId) ?? t('privacy_someone')),
    });
  }
  return buildMyData(exported, history);
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
    client
      .exportMyData()
      .then(setExported)
      .catch(() => setError(t('errorUnknown')));
    client
      .call(privacyEndpoints.retentionNotice)
      .then((words) => setNotice(locale() === 'nl' ? words.nl : words.en))
      .catch(() => undefined);
    loadAudit().catch(() => undefined);
  }, []);

  const download = async (kind: 'zip' | 'json' | 'html') => {
    if (!exported) return;
    setStatus(t('privacy_preparing'));
    setError('');
    try {
      const data = await collect(exported, list, selfId);
      const html = () => summaryHtml(data, (key, params) => t(key, params), locale(), formatDateTime);
      const base = `spreekuur-mijn-gegevens-${today()}`;
      if (kind === 'json') saveFile(`${base}.json`, 'application/json', JSON.stringify(data, null, 2));
      if (kind === 'html') saveFile(`${base}.html`, 'text/html', html());
      if (kind === 'zip') saveFile(`${base}.zip`, 'application/zip', myDataZip(data, html()));
      setStatus(t('privacy_downloaded'));
    } catch {
      setStatus('');
      setError(t('errorUnknown'));
    }
  };
  const name = (id: string | null) =>
    id === null ? t('privacy_system') : id === selfId ? t('you') : t('privacy_someone');

  return (
    <PrivacyPage id="my-data-title" title={t('privacy_myData')}>
      <p>{t('privacy_myDataIntro')}</p>
      <p class="error" role="alert">
        {error}
      </p>
      {exported && <Held data={exported} />}
      <section aria-labelledby="my-data-rules">
        <h2 id="my-data-rules">{t('privacy_rules')}</h2>
        <ul>
          {notice.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="my-data-download">
        <h2 id="my-data-download">{t('privacy_download')}</h2>
        <p>{t('privacy_downloadIntro')}</p>
        <div class="actions">
          <button type="button" class="primary" disabled={!exported} onClick={() => void download('zip')}>
            {t('privacy_downloadZip')}
          </button>
          <button type="button" disabled={!exported} onClick={() => void download('json')}>
            {t('privacy_downloadJson')}
          </button>
          <button type="button" disabled={!exported} onClick={() => void download('html')}>
            {t('privacy_downloadHtml')}
          </button>
        </div>
        <p role="status" aria-live="polite">
          {status}
        </p>
      </section>
      <section aria-labelledby="my-data-audit">
        <h2 id="my-data-audit">{t('privacy_aboutYou')}</h2>
        <ul class="list">
          {audit.map((entry) => (
            <li key={entry.id} class="card">
              <AuditLine entry={entry} name={name} />
            </li>
          ))}
        </ul>
        {next && (
          <button type="button" onClick={() => void loadAudit(next).catch(() => setError(t('errorUnknown')))}>
            {t('privacy_more')}
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
          {t('privacy_backup')}
        </a>
      </p>
      <p class="hint">{t('privacy_eraseSelfHint')}</p>
    </PrivacyPage>
  );
}

function Held({ data }: { data: PersonExport }) {
  const sent = data.channels.reduce((sum, channel) => sum + channel.messagesSent, 0);
  return (
    <section aria-labelledby="my-data-held">
      <h2 id="my-data-held">{t('privacy_held')}</h2>
      <p>
        {t('privacy_profile', {
          name: data.profile.displayName,
          role: t(`role_${data.profile.role}` as MessageKey),
          date: formatDate(data.profile.createdAt),
        })}
      </p>
      <p>{t('privacy_devicesHeld', { n: data.devices.length })}</p>
      <ul>
        {data.devices.map((device) => (
          <li key={device.id}>
            {t('privacy_deviceLine', { name: device.name, since: formatDate(device.createdAt) })}
            {device.revokedAt && ` (${t('privacy_deviceRevoked', { date: formatDate(device.revokedAt) })})`}
          </li>
        ))}
      </ul>
      <p>{t('privacy_teamsHeld', { names: data.teams.map((team) => team.name).join(', ') || '–' })}</p>
      <p>{t('privacy_conversationsHeld', { n: data.channels.length, m: sent })}</p>
      <p>{t('privacy_filesHeld', { n: data.files.length })}</p>
      <p>{t('privacy_queueHeld', { n: data.queueHistory.length })}</p>
      <p>{t('privacy_appointmentsHeld', { n: data.appointments.length })}</p>
      <p>{t('privacy_notificationsHeld', { n: data.notifications.length })}</p>
      <p>
        {data.keyBackup
          ? t('privacy_backupHeld', { date: formatDate(data.keyBackup.updatedAt) })
          : t('privacy_noBackupHeld')}
      </p>
    </section>
  );
}
