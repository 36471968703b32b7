import { dutyEndpoints, type Reachability } from '@spreekuur/protocol/scheduling';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n.ts';
import { currentClient, me, notificationsAllowed } from '../../state/session.ts';
import { Observable, useObservable } from '../../state/store.ts';
import { whenInWords } from '../../time-words.ts';

/** Raised when the worker switches duty, so the do-not-disturb state is asked again at once. */
export const dutyChanged = new Observable(0);

const RECHECK_MS = 60_000;

/**
 * Do-not-disturb outside duty hours. The server keeps it for its own notifications (pushed to a
 * worker only while on duty) and says so in `reachability`; the app follows the same answer for
 * its desktop notices of new messages: none while the worker cannot be reached. Asked again every
 * minute (a duty switch ends with the opening) and after every switch.
 */
export function QuietHours() {
  const person = useObservable(me)?.person;
  const changed = useObservable(dutyChanged);
  const [state, setState] = useState<Reachability | null>(null);
  const workerId = person?.role === 'worker' ? person.id : null;

  useEffect(() => {
    if (!workerId) return;
    let stopped = false;
    const check = () =>
      currentClient()
        .call(dutyEndpoints.reachability, { params: { workerId }, query: {} })
        .then((answer) => {
          if (stopped) return;
          setState(answer);
          notificationsAllowed.set(answer.reachable);
        })
        .catch(() => undefined);
    void check();
    const timer = setInterval(() => void check(), RECHECK_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [workerId, changed]);

  if (!workerId || !state) return null;
  return (
    <p class="notice quiet" role="status">
      {state.reachable
        ? t('worker_notifying')
        : state.seenFrom
          ? t('worker_quietNext', { when: whenInWords(state.seenFrom) })
          : t('worker_quiet')}
    </p>
  );
}

/** For residents: when a worker reads a message sent now ("bereikbaar", or from their next duty). */
export function Reachable({ workerId }: { workerId: string }) {
  const [state, setState] = useState<Reachability | null>(null);
  useEffect(() => {
    currentClient()
      .call(dutyEndpoints.reachability, { params: { workerId }, query: {} })
      .then(setState)
      .catch(() => undefined);
  }, [workerId]);
  if (!state) return null;
  return (
    <span class="hint reach">
      {state.reachable
        ? t('worker_reachableNow')
        : state.seenFrom
          ? t('worker_reachableFrom', { when: whenInWords(state.seenFrom) })
          : t('worker_reachableLater')}
    </span>
  );
}
