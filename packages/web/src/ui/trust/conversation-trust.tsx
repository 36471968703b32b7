import type { Channel } from '@spreekuur/protocol/chat';
import { useState } from 'preact/hooks';
import { t } from '../../i18n.ts';
import { tp } from './words.ts';
import { navigate } from '../../router.ts';
import { me } from '../../state/session.ts';
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
