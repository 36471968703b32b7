import type { Channel, GroupLink, JoinRequest } from '@spreekuur/protocol/chat';
import { useEffect, useRef, useState } from 'preact/hooks';
import { tm } from '../../i18n/moderation-screens.ts';
import { currentClient, me } from '../../state/session.ts';
import { useObservable } from '../../state/store.ts';
import { QrCode } from '../qr-code.tsx';
import { explain } from './explain.ts';
import {
  applyRole,
  clockTime,
  dayAndTime,
  groupStates,
  refreshGroupState,
  watchGroup,
} from './group-state.ts';

const MUTE_CHOICES = [
  { seconds: 15 * 60, label: () => tm('moderation_minutes', { n: 15 }) },
  { seconds: 3600, label: () => tm('moderation_hour') },
  { seconds: 24 * 3600, label: () => tm('moderation_day') },
  { seconds: 7 * 24 * 3600, label: () => tm('moderation_week') },
];
const SLOW_CHOICES = [0, 10, 30, 60, 300];

/** Everything an owner or moderator does to a group: members, settings, the group link, who waits to join. */
export function GroupPanel({ channel }: { channel: Channel }) {
  const state = useObservable(groupStates)[channel.id];
  const [error, setError] = useState('');
  useEffect(() => watchGroup(channel.id), [channel.id]);

  /** Runs one action; its refusal is said in words, under the panel's heading. */
  const run = async (action: () => Promise<unknown>) => {
    setError('');
    try {
      await action();
      await refreshGroupState(channel.id);
    } catch (caught) {
      setError(explain(caught));
    }
  };

  return (
    <section class="group-tools" aria-labelledby={`tools-${channel.id}`}>
      <h2 id={`tools-${channel.id}`}>{tm('moderation_tools')}</h2>
      <p class="error" role="alert">
        {error}
      </p>
      <Members channel={channel} run={run} mutes={state?.mutes ?? []} />
      {state && state.bans.length > 0 && <Bans channel={channel} bans={state.bans} run={run} />}
      {state && <Settings channel={channel} state={state} run={run} />}
      <Links channel={channel} run={run} />
      <Requests channel={channel} run={run} />
    </section>
  );
}

type Run = (action: () => Promise<unknown>) => Promise<void>;

function Members({
  channel,
  run,
  mutes,
}: {
  channel: Channel;
  run: Run;
  mutes: Array<{ personId: string; until: string }>;
}) {
  const selfId = useObservable(me)?.person.id;
  const selfRole = channel.members.find((member) => member.personId === selfId)?.role;
  // Moderators act on members; the owner on moderators too; nobody on the owner or themselves.
  const targets = channel.members.filter(
    (member) =>
      member.personId !== selfId &&
      member.role !== 'owner' &&
      (member.role === 'member' || selfRole === 'owner'),
  );
  const moderation = currentClient().moderation;
  return (
    <div>
      {targets.map((member) => {
        const mute = mutes.find((entry) => entry.personId === member.personId);
        const id = `mute-${channel.id}-${member.personId}`;
        return (
          <fieldset key={member.personId} class="member-tools">
            <legend>{tm('moderation_memberActions', { name: member.displayName })}</legend>
            {mute ? (
              <p>
                {tm('moderation_mutedUntil', { time: clockTime(mute.until) })}{' '}
                <button
                  type="button"
                  onClick={() => void run(() => moderation.unmute(channel.id, member.personId))}
                >
                  {tm('moderation_unmute')}
                </button>
              </p>
            ) : (
              <MuteChoice
                id={id}
                onMute={(seconds) => run(() => moderation.mute(channel.id, member.personId, seconds))}
              />
            )}
            <button
              type="button"
              onClick={() => void run(() => moderation.remove(channel.id, member.personId))}
            >
              {tm('moderation_remove')}
            </button>{' '}
            <button
              type="button"
              aria-describedby={`${id}-ban`}
              onClick={() => void run(() => moderation.ban(channel.id, member.personId))}
            >
              {tm('moderation_ban')}
            </button>
            <p class="hint" id={`${id}-ban`}>
              {tm('moderation_banHint')}
            </p>
            {selfRole === 'owner' && (
              <RoleChange
                id={`role-${channel.id}-${member.personId}`}
                name={member.displayName}
                moderator={member.role === 'moderator'}
                onConfirm={() =>
                  run(async () => {
                    const role = member.role === 'moderator' ? 'member' : 'moderator';
                    await moderation.setRole(channel.id, member.personId, role);
                    applyRole(channel.id, member.personId, role);
                  })
                }
              />
            )}
          </fieldset>
        );
      })}
    </div>
  );
}

/**
 * The owner makes a member moderator, or back: asked once more before it is done, by keyboard
 * too (the question takes the focus, Escape or "Annuleren" goes back to the button).
 */
function RoleChange({
  id,
  name,
  moderator,
  onConfirm,
}: {
  id: string;
  name: string;
  moderator: boolean;
  onConfirm: () => Promise<void>;
}) {
  const [asking, setAsking] = useState(false);
  const yes = useRef<HTMLButtonElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  /** Set when the question closes: the focus goes back to the button (with its new words after a yes). */
  const back = useRef(false);
  useEffect(() => {
    if (asking) yes.current?.focus();
    else if (back.current) trigger.current?.focus();
    back.current = false;
  }, [asking]);
  const cancel = () => {
    back.current = true;
    setAsking(false);
  };
  if (!asking)
    return (
      <p>
        <button type="button" ref={trigger} onClick={() => setAsking(true)}>
          {moderator ? tm('moderation_makeMember') : tm('moderation_makeModerator')}
        </button>
      </p>
    );
  return (
    <div
      id={id}
      role="group"
      aria-labelledby={`${id}-question`}
      class="confirm"
      onKeyDown={(event) => {
        if (event.key === 'Escape') cancel();
      }}
    >
      <p id={`${id}-question`}>
        {moderator ? tm('moderation_confirmMember', { name }) : tm('moderation_confirmModerator', { name })}
      </p>
      <button
        type="button"
        class="primary"
        ref={yes}
        onClick={() => {
          back.current = true;
          setAsking(false);
          void onConfirm();
        }}
      >
        {moderator ? tm('moderation_yesMember') : tm('moderation_yesModerator')}
      </button>{' '}
      <button type="button" onClick={cancel}>
        {tm('moderation_cancel')}
      </button>
    </div>
  );
}

/** Who is kept out of the group, by name where this person knows it, each to let back. */
function Bans({
  channel,
  bans,
  run,
}: {
  channel: Channel;
  bans: Array<{ personId: string; bannedAt: string }>;
  run: Run;
}) {
  const [names, setNames] = useState<Record<string, string>>({});
  const moderation = currentClient().moderation;
  useEffect(() => {
    void currentClient()
      .people()
      .then(
        (people) => setNames(Object.fromEntries(people.map((person) => [person.id, person.displayName]))),
        () => undefined,
      );
  }, [bans.length]);
  const id = `bans-${channel.id}`;
  return (
    <section aria-labelledby={id}>
      <h3 id={id}>{tm('moderation_bans')}</h3>
      <ul class="list" data-testid="bans">
        {bans.map((ban) => {
          const name = names[ban.personId] ?? tm('moderation_someone');
          return (
            <li key={ban.personId}>
              {tm('moderation_bannedSince', { name, date: dayAndTime(ban.bannedAt) })}{' '}
              <button
                type="button"
                aria-label={`${tm('moderation_unban')}: ${name}`}
                onClick={() => void run(() => moderation.unban(channel.id, ban.personId))}
              >
                {tm('moderation_unban')}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function MuteChoice({ id, onMute }: { id: string; onMute: (seconds: number) => Promise<void> }) {
  const [seconds, setSeconds] = useState(MUTE_CHOICES[1]!.seconds);
  return (
    <p>
      <label for={id}>{tm('moderation_muteFor')}</label>{' '}
      <select id={id} value={seconds} onChange={(event) => setSeconds(Number(event.currentTarget.value))}>
        {MUTE_CHOICES.map((choice) => (
          <option key={choice.seconds} value={choice.seconds}>
            {choice.label()}
          </option>
        ))}
      </select>{' '}
      <button type="button" onClick={() => void onMute(seconds)}>
        {tm('moderation_mute')}
      </button>
    </p>
  );
}

function Settings({
  channel,
  state,
  run,
}: {
  channel: Channel;
  state: { slowModeSeconds: number; locked: boolean; approvalRequired: boolean };
  run: Run;
}) {
  const [slow, setSlow] = useState(state.slowModeSeconds);
  const [locked, setLocked] = useState(state.locked);
  const [approval, setApproval] = useState(state.approvalRequired);
  const [saved, setSaved] = useState(false);
  const id = `settings-${channel.id}`;
  const choices = SLOW_CHOICES.includes(state.slowModeSeconds)
    ? SLOW_CHOICES
    : [...SLOW_CHOICES, state.slowModeSeconds].sort((a, b) => a - b);

  const save = async (event: Event) => {
    event.preventDefault();
    setSaved(false);
    const moderation = currentClient().moderation;
    await run(async () => {
      if (slow !== state.slowModeSeconds) await moderation.setSlowMode(channel.id, slow);
      if (locked !== state.locked) await moderation.setLocked(channel.id, locked);
      if (approval !== state.approvalRequired) await moderation.setApprovalRequired(channel.id, approval);
      setSaved(true);
    });
  };

  return (
    <form onSubmit={(event) => void save(event)} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{tm('moderation_settings')}</h3>
      <label for={`${id}-slow`}>{tm('moderation_slowMode')}</label>
      <select id={`${id}-slow`} value={slow} onChange={(event) => setSlow(Number(event.currentTarget.value))}>
        {choices.map((seconds) => (
          <option key={seconds} value={seconds}>
            {seconds === 0 ? tm('moderation_slowModeOff') : tm('moderation_slowModeEvery', { n: seconds })}
          </option>
        ))}
      </select>
      <p>
        <input
          type="checkbox"
          id={`${id}-locked`}
          checked={locked}
          onChange={(event) => setLocked(event.currentTarget.checked)}
        />{' '}
        <label for={`${id}-locked`}>{tm('moderation_locked')}</label>
      </p>
      <p>
        <input
          type="checkbox"
          id={`${id}-approval`}
          checked={approval}
          onChange={(event) => setApproval(event.currentTarget.checked)}
        />{' '}
        <label for={`${id}-approval`}>{tm('moderation_approval')}</label>
      </p>
      <button type="submit" class="primary">
        {tm('moderation_save')}
      </button>
      <p role="status">{saved ? tm('moderation_saved') : ''}</p>
    </form>
  );
}

function Links({ channel, run }: { channel: Channel; run: Run }) {
  const [links, setLinks] = useState<GroupLink[]>([]);
  const [made, setMade] = useState<string | null>(null);
  const version = useObservable(groupStates)[channel.id];
  const moderation = currentClient().moderation;
  useEffect(() => {
    void moderation.links(channel.id).then(setLinks, () => undefined);
  }, [channel.id, version]);
  const id = `links-${channel.id}`;

  return (
    <section aria-labelledby={id}>
      <h3 id={id}>{tm('moderation_link')}</h3>
      <p class="hint">{tm('moderation_linkIntro')}</p>
      <button
        type="button"
        class="primary"
        onClick={() =>
          void run(async () => {
            const { token } = await moderation.createLink(channel.id);
            setMade(`${location.origin}/groepslink#${token}`);
          })
        }
      >
        {tm('moderation_makeLink')}
      </button>
      {made && (
        <div role="status">
          <p>{tm('moderation_linkMade')}</p>
          <p class="code" data-testid="group-link">
            {made}
          </p>
          <QrCode text={made} label={tm('moderation_linkQr')} />
        </div>
      )}
      {links.length > 0 && (
        <ul class="list">
          {links.map((link) => (
            <li key={link.id}>
              {link.revokedAt
                ? tm('moderation_linkRevoked', { date: dayAndTime(link.createdAt) })
                : tm('moderation_linkOpen', { date: dayAndTime(link.createdAt), n: link.uses })}{' '}
              {!link.revokedAt && (
                <button
                  type="button"
                  onClick={() => void run(() => moderation.revokeLink(channel.id, link.id))}
                >
                  {tm('moderation_revokeLink')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Requests({ channel, run }: { channel: Channel; run: Run }) {
  const [requests, setRequests] = useState<JoinRequest[]>([]);
  const version = useObservable(groupStates)[channel.id];
  const moderation = currentClient().moderation;
  useEffect(() => {
    void moderation.joinRequests(channel.id).then(setRequests, () => undefined);
  }, [channel.id, version]);
  const id = `requests-${channel.id}`;
  return (
    <section aria-labelledby={id}>
      <h3 id={id}>{tm('moderation_requests')}</h3>
      {requests.length === 0 ? (
        <p class="hint">{tm('moderation_noRequests')}</p>
      ) : (
        <ul class="list">
          {requests.map((request) => (
            <li key={request.personId}>
              {request.displayName}{' '}
              <button
                type="button"
                aria-label={`${tm('moderation_approve')}: ${request.displayName}`}
                onClick={() => void run(() => moderation.approveJoin(channel.id, request.personId))}
              >
                {tm('moderation_approve')}
              </button>{' '}
              <button
                type="button"
                aria-label={`${tm('moderation_refuse')}: ${request.displayName}`}
                onClick={() => void run(() => moderation.refuseJoin(channel.id, request.personId))}
              >
                {tm('moderation_refuse')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
