import { generateRecoveryKey, isSpreekuurError } from '@spreekuur/client';
import type { CreatedInvite } from '@spreekuur/protocol/identity';
import { useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n.ts';
import { channels, currentClient, messages } from '../../state/session.ts';
import { QrCode } from '../qr-code.tsx';
import { PrivacyPage } from './common.tsx';

function explain(error: unknown): MessageKey {
  if (!isSpreekuurError(error)) return 'errorUnknown';
  switch (error.code) {
    case 'ERR_CLIENT_BACKUP_INVALID':
      return 'privacy_errorWrongKey';
    case 'ERR_PRIVACY_BACKUP_NOT_FOUND':
      return 'privacy_errorNoBackup';
    case 'ERR_CLIENT_BACKUP_TOO_LARGE':
      return 'privacy_errorTooLarge';
    case 'ERR_CLIENT_NETWORK':
    case 'ERR_CLIENT_TIMEOUT':
      return 'errorNetwork';
    default:
      return 'errorUnknown';
  }
}

/** Everyone: a backup under a recovery key, bringing it back on a new device, and linking one. */
export default function BackupPage() {
  return (
    <PrivacyPage id="backup-title" title={t('privacy_backup')}>
      <p>{t('privacy_backupIntro')}</p>
      <MakeBackup />
      <Restore />
      <LinkDevice />
    </PrivacyPage>
  );
}

function MakeBackup() {
  const [key, setKey] = useState<string | null>(null);
  const [written, setWritten] = useState(false);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<MessageKey | null>(null);

  const start = async () => {
    setStatus('');
    setError(null);
    setWritten(false);
    setKey(await generateRecoveryKey());
  };
  // The backup is stored only once the person says the key is written down: a key nobody kept is no backup.
  const save = async (event: Event) => {
    event.preventDefault();
    if (!key) return;
    if (!written) return setError('privacy_errorNotWritten');
    setError(null);
    setBusy(true);
    setStatus(t('privacy_saving'));
    try {
      await currentClient().backup.save(key);
      setKey(null);
      setStatus(t('privacy_backupSaved'));
    } catch (caught) {
      setStatus('');
      setError(explain(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="backup-make-title">
      <h2 id="backup-make-title">{t('privacy_makeBackup')}</h2>
      <p>{t('privacy_makeBackupIntro')}</p>
      {!key && (
        <button type="button" class="primary" onClick={() => void start()}>
          {t('privacy_newKey')}
        </button>
      )}
      {key && (
        <form onSubmit={(event) => void save(event)} noValidate>
          <p>{t('privacy_keyShown')}</p>
          <p class="code" data-recovery-key={key}>
            {key}
          </p>
          <QrCode text={key} label={t('privacy_keyQr', { key })} />
          <label class="check">
            <input
              type="checkbox"
              checked={written}
              aria-describedby={error === 'privacy_errorNotWritten' ? 'backup-make-error' : undefined}
              onChange={(event) => setWritten(event.currentTarget.checked)}
            />
            {t('privacy_wroteDown')}
          </label>
          <button type="submit" class="primary" disabled={busy}>
            {t('privacy_saveBackup')}
          </button>
        </form>
      )}
      <p id="backup-make-error" class="error" role="alert" aria-live="assertive">
        {error ? t(error) : ''}
      </p>
      <p id="backup-make-status" role="status" aria-live="polite">
        {status}
      </p>
    </section>
  );
}

function Restore() {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<MessageKey | null>(null);

  const restore = async (event: Event) => {
    event.preventDefault();
    if (!typed.trim()) return setError('privacy_errorKeyMissing');
    setError(null);
    setBusy(true);
    setStatus(t('privacy_restoring'));
    try {
      const client = currentClient();
      const result = await client.backup.restore(typed);
      // Show the restored history at once: read each conversation again from the device.
      for (const channel of channels.value) {
        const history = await client.history(channel.id);
        messages.update((all) => ({ ...all, [channel.id]: history }));
      }
      setTyped('');
      setStatus(t('privacy_restored', { n: result.restored }));
    } catch (caught) {
      setStatus('');
      setError(explain(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="backup-restore-title">
      <h2 id="backup-restore-title">{t('privacy_restore')}</h2>
      <p>{t('privacy_restoreIntro')}</p>
      <form onSubmit={(event) => void restore(event)} noValidate>
        <label for="restore-key">{t('privacy_restoreKey')}</label>
        <p class="hint" id="restore-key-hint">
          {t('privacy_restoreKeyHint')}
        </p>
        <input
          id="restore-key"
          autocomplete="off"
          autocapitalize="characters"
          spellcheck={false}
          value={typed}
          aria-invalid={error ? true : undefined}
          aria-describedby={`restore-key-hint${error ? ' restore-error' : ''}`}
          onInput={(event) => setTyped(event.currentTarget.value)}
        />
        <p id="restore-error" class="error" role="alert" aria-live="assertive">
          {error ? t(error) : ''}
        </p>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t('privacy_restoring') : t('privacy_restoreButton')}
        </button>
      </form>
      <p role="status" aria-live="polite">
        {status}
      </p>
    </section>
  );
}

function LinkDevice() {
  const [link, setLink] = useState<CreatedInvite | null>(null);
  const [error, setError] = useState<MessageKey | null>(null);
  const make = async () => {
    setError(null);
    try {
      setLink(await currentClient().linkDeviceCode());
    } catch (caught) {
      setError(explain(caught));
    }
  };
  return (
    <section class="card" aria-labelledby="backup-link-title">
      <h2 id="backup-link-title">{t('privacy_link')}</h2>
      <p>{t('privacy_linkIntro')}</p>
      {!link && (
        <button type="button" onClick={() => void make()}>
          {t('privacy_linkButton')}
        </button>
      )}
      {link && (
        <>
          <p>{t('privacy_linkCode')}</p>
          <p class="code" data-link-code={link.code}>
            {link.code}
          </p>
          <p>
            <a href={link.joinUrl}>{link.joinUrl}</a>
          </p>
          <QrCode text={link.joinUrl} label={t('privacy_linkQr', { code: link.code })} />
        </>
      )}
      <p class="error" role="alert">
        {error ? t(error) : ''}
      </p>
    </section>
  );
}
