import type { MessageContent } from '@spreekuur/protocol/content';
import { useRef, useState } from 'preact/hooks';
import { t } from '../i18n.ts';
import { currentClient } from '../state/session.ts';

type FileContent = Extract<MessageContent, { type: 'file' }>;

/** The server's limit (MAX_FILE_BYTES default): checked here first, so nobody waits for a refusal. */
const MAX_FILE_MB = 25;
const CHUNK = 256 * 1024;

class Cancelled extends Error {}

/** Reads a picked file in chunks, so an upload can be stopped between chunks. */
function cancellable(file: File, cancelled: () => boolean) {
  return {
    size: file.size,
    stream: (async function* () {
      for (let offset = 0; offset < file.size; offset += CHUNK) {
        if (cancelled()) throw new Cancelled('cancelled');
        yield new Uint8Array(await file.slice(offset, offset + CHUNK).arrayBuffer());
      }
    })(),
  };
}

/** Pick a photo or document (camera on phones), send it encrypted with a progress bar and a stop button. */
export function Attach({ channelId }: { channelId: string }) {
  const [progress, setProgress] = useState<number | null>(null);
  const [message, setMessage] = useState('');
  const stop = useRef(false);

  const pick = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    setMessage('');
    if (file.size > MAX_FILE_MB * 1024 * 1024) return setMessage(t('fileTooLarge', { mb: MAX_FILE_MB }));
    stop.current = false;
    setProgress(0);
    try {
      await currentClient().sendFile(
        channelId,
        cancellable(file, () => stop.current),
        {
          name: file.name,
          mimeType: file.type || 'application/octet-stream',
          onProgress: ({ sentBytes, totalBytes }) =>
            setProgress(Math.round((100 * sentBytes) / Math.max(totalBytes, 1))),
        },
      );
    } catch (error) {
      if (!(error instanceof Cancelled) && !stop.current) setMessage(t('failed'));
    } finally {
      setProgress(null);
    }
  };

  return (
    <div class="attach">
      <label class="button" for="attach-file">
        {t('attach')}
      </label>
      <input
        id="attach-file"
        class="visually-hidden"
        type="file"
        accept="image/*,application/pdf,.pdf,.doc,.docx,.txt"
        onChange={(event) => void pick(event.currentTarget)}
      />
      {progress !== null && (
        <div class="progress" role="status">
          <label for="upload-progress">{t('uploading', { p: progress })}</label>
          <progress id="upload-progress" max={100} value={progress} />
          <button type="button" onClick={() => (stop.current = true)}>
            {t('cancel')}
          </button>
        </div>
      )}
      <p class="error" role="alert">
        {message}
      </p>
    </div>
  );
}

/** A file in a message: fetched and decrypted on request, then offered as a download. */
export function Download({ content }: { content: FileContent }) {
  const [progress, setProgress] = useState<number | null>(null);
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);

  const fetchFile = async () => {
    setFailed(false);
    setProgress(0);
    try {
      const bytes = await currentClient().downloadFile(content, ({ receivedBytes, totalBytes }) =>
        setProgress(Math.round((100 * receivedBytes) / Math.max(totalBytes, 1))),
      );
      const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: content.mimeType });
      setUrl(URL.createObjectURL(blob));
    } catch {
      setFailed(true);
    } finally {
      setProgress(null);
    }
  };

  const size =
    content.size > 1024 * 1024
      ? `${(content.size / 1024 / 1024).toFixed(1)} MB`
      : `${Math.ceil(content.size / 1024)} KB`;
  return (
    <div class="file">
      <span>
        📄 {content.name} ({size})
      </span>
      {url ? (
        <a class="button" href={url} download={content.name}>
          {t('download')}
        </a>
      ) : (
        <button type="button" onClick={() => void fetchFile()} disabled={progress !== null}>
          {progress === null ? t('download') : t('downloading', { p: progress })}
        </button>
      )}
      {failed && (
        <span class="error" role="alert">
          {t('errorNetwork')}
        </span>
      )}
    </div>
  );
}
