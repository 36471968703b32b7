import type { Person } from '@spreekuur/protocol/identity';
import { useEffect, useState } from 'preact/hooks';
import { locale, t } from '../i18n.ts';
import { navigate } from '../router.ts';
import {
  channels,
  currentClient,
  me,
  messages,
  openDirect,
  ownRead,
  signedInOnce,
  unreadCount,
} from '../state/session.ts';
import { useObservable } from '../state/store.ts';
import { Fragment } from 'preact';
import { AdminPanel } from './admin.tsx';
import { Booking } from './booking.tsx';
import { InvitePanel } from './invite.tsx';
import { ResidentsNewDevice } from './link-device-for.tsx';
import { NewGroup } from './new-group.tsx';
import { NotificationsButton } from './notifications.tsx';
import { OfficeHours } from './office-hours.tsx';
import { featureLinks } from './features.ts';
import { WorkerTeam } from './worker-console.tsx';
import { ClosedNotice } from './worker/conversation-tools.tsx';
import { QuietHours, Reachable } from './worker/quiet-hours.tsx';
import { Reminders } from './worker/reminders.tsx';

export function Home() {
  const person = useObservable(me);
  const list = useObservable(channels);
  useObservable(messages);
  useObservable(ownRead);
  const [people, setPeople] = useState<Person[]>([]);
  const selfId = person?.person.id;
  // After a reload the home screen shows what the device has before it signed in: the server's
  // panels wait until then (their calls would be refused without a token).
  const live = useObservable(signedInOnce);

  useEffect(() => {
    if (!live) return;
    currentClient()
      .people()
      .then((found) => setPeople(found.filter((p) => p.id !== selfId)))
      .catch(() => undefined);
  }, [selfId, live]);

  const title = (channelId: string) => {
    const channel = list.find((c) => c.id === channelId);
    if (!channel) return '';
    if (channel.kind === 'group') return channel.name ?? t('group');
    const other = channel.members.find((m) => m.personId !== selfId)?.displayName ?? '';
    if (channel.kind === 'office_hour') {
      return `${t('officeHours')}: ${other} (${new Date(channel.createdAt).toLocaleDateString(locale())})`;
    }
    return other;
  };
  const withDirect = new Set(
    list.filter((c) => c.kind === 'direct').flatMap((c) => c.members.map((m) => m.personId)),
  );
  const startable = people.filter(
    (p) => !withDirect.has(p.id) && (person?.person.role === 'resident' ? p.role !== 'resident' : true),
  );

  const role = person?.person.role;
  const teamIds = person?.person.teamIds ?? [];
  /** Residents see when a worker of their team reads a message sent now. */
  const reachableHint = (personId: string | undefined) => {
    const other = people.find((p) => p.id === personId);
    if (role !== 'resident' || other?.role !== 'worker' || !other.teamIds.some((id) => teamIds.includes(id)))
      return null;
    return <Reachable workerId={other.id} />;
  };
  return (
    <>
      <NotificationsButton />
      {live && role === 'resident' && <Reminders />}
      {live && role !== 'resident' && <ClosedNotice />}
      {live && role === 'worker' && <QuietHours />}
      {live &&
        role === 'resident' &&
        teamIds.map((id) => (
          <Fragment key={id}>
            <OfficeHours teamId={id} />
            <Booking teamId={id} />
          </Fragment>
        ))}
      {live &&
        role === 'worker' &&
        teamIds.map((id, index) => <WorkerTeam key={id} teamId={id} index={index} />)}
      <section aria-labelledby="conversations-title">
        <h1 id="conversations-title">{t('conversations')}</h1>
        {list.length === 0 && <p>{t('noConversations')}</p>}
        <ul class="list">
          {list.map((channel) => {
            const unread = unreadCount(channel.id);
            return (
              <li key={channel.id}>
                <a
                  class="row"
                  href={`/gesprek/${channel.id}`}
                  onClick={(event) => {
                    event.preventDefault();
                    navigate(`/gesprek/${channel.id}`);
                  }}
                >
                  <span>
                    {title(channel.id)}{' '}
                    {channel.kind === 'direct' &&
                      reachableHint(channel.members.find((m) => m.personId !== selfId)?.personId)}
                  </span>
                  {unread > 0 && (
                    <span class="badge" aria-label={t('unreadLabel', { n: unread })}>
                      {t('unread', { n: unread })}
                    </span>
                  )}
                </a>
              </li>
            );
          })}
        </ul>
      </section>
      {startable.length > 0 && (
        <section aria-labelledby="people-title">
          <h2 id="people-title">{t('startConversation')}</h2>
          <ul class="list">
            {startable.map((p) => (
              <li key={p.id}>
                <button
                  type="button"
                  class="row"
                  onClick={() => void openDirect(p.id).then((c) => navigate(`/gesprek/${c.id}`))}
                >
                  <span>{p.displayName}</span> {reachableHint(p.id)}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {role === 'worker' && <NewGroup people={people} />}
      {role === 'worker' && <ResidentsNewDevice people={people} />}
      {person?.person.role === 'worker' && (
        <InvitePanel role="resident" teams={person.person.teamIds.map((id) => ({ id, name: t('team') }))} />
      )}
      {live && person?.person.role === 'admin' && <AdminPanel />}
      <MoreLinks role={role} />
    </>
  );
}

/** Links to the features' own pages (devices, my data, …) that this person may use. */
function MoreLinks({ role }: { role: Person['role'] | undefined }) {
  const visible = featureLinks.filter((link) => !link.roles || (role && link.roles.includes(role)));
  if (visible.length === 0) return null;
  return (
    <nav aria-labelledby="more-title">
      <h2 id="more-title">{t('more')}</h2>
      <ul class="list">
        {visible.map((link) => (
          <li key={link.path}>
            <a
              class="row"
              href={link.path}
              onClick={(event) => {
                event.preventDefault();
                navigate(link.path);
              }}
            >
              {link.label()}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
