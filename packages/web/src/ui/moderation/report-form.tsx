import type { Report } from '@spreekuur/protocol/chat';
import { useState } from 'preact/hooks';
import { tm, type ScreenKey } from '../../i18n/moderation-screens.ts';
import { currentClient } from '../../state/session.ts';
import { explain } from './explain.ts';

const REASONS: ReadonlyArray<Report['reason']> = ['harassment', 'threat', 'inappropriate', 'spam', 'other'];

/** Reports one message to the group's moderators: the reason, a note, and the proof the SDK kept (franking). */
export function ReportForm({ channelId, seq }: { channelId: string; seq: number }) {
  const [reason, setReason] = useState<Report['reason']>('harassment');
  const [note, setNote] = useState('');
  const [state, setState] = useState<'idle' | 'busy' | 'done'>('idle');
  const [error, setError] = useState('');
  const id = `report-${channelId}-${seq}`;

  const submit = async (event: Event) => {
    event.preventDefault();
    setError('');
    setState('busy');
    try {
      await currentClient().moderation.report(channelId, seq, { reason, note: note.trim() });
      setState('done');
    } catch (caught) {
      setError(explain(caught));
      setState('idle');
    }
  };

  if (state === 'done')
    return (
      <p class="card" role="status">
        {tm('moderation_reported')}
      </p>
    );
  return (
    <form class="card report-form" onSubmit={(event) => void submit(event)} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{tm('moderation_reportTitle')}</h3>
      <p class="hint">{tm('moderation_reportIntro')}</p>
      <label for={`${id}-reason`}>{tm('moderation_reason')}</label>
      <select
        id={`${id}-reason`}
        value={reason}
        onChange={(event) => setReason(event.currentTarget.value as Report['reason'])}
      >
        {REASONS.map((value) => (
          <option key={value} value={value}>
            {tm(`moderation_reason_${value}` as ScreenKey)}
          </option>
        ))}
      </select>
      <label for={`${id}-note`}>{tm('moderation_note')}</label>
      <textarea
        id={`${id}-note`}
        rows={2}
        maxLength={2000}
        value={note}
        onInput={(event) => setNote(event.currentTarget.value)}
      />
      <button type="submit" class="primary" disabled={state === 'busy'}>
        {tm('moderation_sendReport')}
      </button>
      <p class="error" role="alert">
        {error}
      </p>
    </form>
  );
}
