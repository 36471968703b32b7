import type { Channel } from '@spreekuur/protocol/chat';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n.ts';
import { tp } from './words.ts';
import { navigate } from '../../router.ts';
import { currentClient, me, pending, signedInOnce } from '../../state/session.ts';
import { useObservable } from '../../state/store.ts';
import { safetyPath } from './paths.ts';
import { acceptChanges, useTrust, type PersonTrust } from './trust-state.ts';

function othersIn(channel: Channel, selfId: string | undefined) {
  return channel.members.filter((member) => member.personId !== selfId);
}

type Problem = 'changed' | 'untrusted' | 'new';

function problemOf(trust: PersonTrust | undefined): Problem | null {
  if (!trust) return null;
  const states = trust.summary.devices.map((device) => device.state);
  if (states.includes('changed')) return 'changed';
  if (states.includes('untrusted')) return 'untrusted';
  return trust.newDevices.length > 0 ? 'new' : null;
}

const words = {
  changed: ['trust_noticeKeyChanged', 'trust_noticeKeyChangedExplain'],
  untrusted: ['trust_noticeUntrusted', 'trust_noticeUntrustedExplain'],
  new: ['trust_noticeNewDevice', 'trust_noticeNewDeviceExplain'],
} as const;

/**
 * Shown at the top of a conversation (issue 14): a contact's key changed, an unknown device
 * appeared, or the contact added a device. It says what that means in plain words and offers
 * two ways on: compare safety numbers, or accept (messages held back by the change then go).
 * In a 1:1 conversation it also links to the safety number.
 */
export function TrustNotice({ channel }: { channel: Channel }) {
  const selfId = useObservable(me)?.person.id;
  const others = othersIn(channel, selfId);
  const trust = useTrust(others.map((member) => member.personId));
  const [busy, setBusy] = useState(false);
  // A contact's new device or changed key shows when the conversation opens, before anything is sent.
  const live = useObservable(signedInOnce);
  useEffect(() => {
    if (!live) return;
    currentClient()
      .trust.check(channel.id)
      .catch(() => undefined);
  }, [channel.id, live]);
  const [failed, setFailed] = useState(false);

  const accept = (personId: string) => {
    setBusy(true);
    setFailed(false);
    acceptChanges(personId, channel.id)
      .catch(() => setFailed(true))
      .finally(() => setBusy(false));
  };

  const direct = channel.kind !== 'group' ? others[0] : undefined;
  return (
    <>
      <HeldNotice channel={channel} />
      <ResidentNotice channel={channel} />
      {direct && (
        <p class="trust-links">
          <a
            href={safetyPath(channel.id, direct.personId)}
            onClick={(event) => {
              event.preventDefault();
              navigate(safetyPath(channel.id, direct.personId));
            }}
          >
            {tp('trust_safetyLink')}
          </a>
        </p>
      )}
      {others.map((member) => {
        const problem = problemOf(trust[member.personId]);
        if (!problem) return null;
        const [title, explain] = words[problem];
        const name = member.displayName;
        return (
          <section
            key={member.personId}
            class={`trust-notice ${problem}`}
            role={problem === 'changed' ? 'alert' : 'status'}
            aria-labelledby={`trust-notice-${member.personId}`}
          >
            <p id={`trust-notice-${member.personId}`} class="trust-notice-title">
              {tp(title, { name })}
            </p>
            <p>{tp(explain, { name })}</p>
            <div class="actions">
              <button type="button" onClick={() => navigate(safetyPath(channel.id, member.personId))}>
                {tp('trust_viewSafetyNumber')}
              </button>
              <button type="button" class="primary" disabled={busy} onClick={() => accept(member.personId)}>
                {tp('trust_accept')}
              </button>
            </div>
            {failed && <p class="error">{t('trust_errorTryAgain')}</p>}
          </section>
        );
      })}
    </>
  );
}

/** "✓ Gecontroleerd" beside the contact's name in a 1:1 conversation's header. */
export function VerifiedMark({ channel }: { channel: Channel }) {
  const selfId = useObservable(me)?.person.id;
  const other = channel.kind !== 'group' ? othersIn(channel, selfId)[0] : undefined;
  const trust = useTrust(other ? [other.personId] : []);
  if (!other || !trust[other.personId]?.summary.verified) return null;
  return (
    <span class="verified">
      <span aria-hidden="true"> ✓ </span>
      <span class="visually-hidden"> — </span>
      {tp('trust_verified')}
    </span>
  );
}

const go = (channelId: string, personId: string) => navigate(safetyPath(channelId, personId));

/**
 * A sensitive team (crypto SPEC §13.7): the worker's messages to a resident not verified yet wait
 * in the SDK. Says so once per person, with the way to the safety number; after "Gelijk: markeer
 * als gecontroleerd" the SDK sends them by itself.
 */
function HeldNotice({ channel }: { channel: Channel }) {
  const held = useObservable(pending).filter(
    (item) => item.channelId === channel.id && item.state === 'held',
  );
  const personIds = [...new Set(held.flatMap((item) => item.personIds ?? []))];
  return (
    <>
      {personIds.map((personId) => {
        const name = channel.members.find((member) => member.personId === personId)?.displayName ?? '';
        return (
          <section
            key={personId}
            class="trust-notice held"
            role="status"
            aria-labelledby={`held-notice-${personId}`}
          >
            <p id={`held-notice-${personId}`} class="trust-notice-title">
              {tp('trust_heldTitle', { name })}
            </p>
            <p>{tp('trust_heldExplain', { name })}</p>
            <div class="actions">
              <button type="button" class="primary" onClick={() => go(channel.id, personId)}>
                {tp('trust_compareSafetyNumber')}
              </button>
            </div>
          </section>
        );
      })}
    </>
  );
}

/**
 * The resident's side of a sensitive team: their worker sends them nothing before the two
 * compared the safety number. The resident cannot see the worker's verification, so this shows
 * until the resident marked the worker as checked too (both compare the same number).
 */
function ResidentNotice({ channel }: { channel: Channel }) {
  const self = useObservable(me)?.person;
  const resident = self?.role === 'resident' && channel.kind !== 'group';
  const [sensitive, setSensitive] = useState(false);
  const worker = resident ? othersIn(channel, self.id)[0] : undefined;
  const trust = useTrust(worker ? [worker.personId] : []);
  useEffect(() => {
    if (!resident) return;
    let current = true;
    currentClient()
      .verification.teams()
      .then((teams) => current && setSensitive(teams.some((team) => team.server)))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [resident, channel.id]);
  if (!worker || !sensitive || trust[worker.personId]?.summary.verified !== false) return null;
  const name = worker.displayName;
  return (
    <section class="trust-notice held" role="status" aria-labelledby="resident-verify-notice">
      <p id="resident-verify-notice" class="trust-notice-title">
        {tp('trust_residentTitle')}
      </p>
      <p>{tp('trust_residentExplain', { name })}</p>
      <div class="actions">
        <button type="button" class="primary" onClick={() => go(channel.id, worker.personId)}>
          {tp('trust_viewSafetyNumber')}
        </button>
      </div>
    </section>
  );
}
