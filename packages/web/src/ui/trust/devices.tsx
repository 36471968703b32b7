import { keyEndpoints } from '@spreekuur/protocol/chat';
import type { CreatedInvite, Device } from '@spreekuur/protocol/identity';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../i18n.ts';
import { tp } from './words.ts';
import { navigate } from '../../router.ts';
import { channels, currentClient, historyArrived, me } from '../../state/session.ts';
import { useObservable } from '../../state/store.ts';
import { QrCode } from '../qr-code.tsx';
import { Dialog } from './dialog.tsx';
import { LINK_PATH } from './paths.ts';
import { dateTime, useTrust } from './trust-state.ts';
import { safetyPath } from './paths.ts';

/** While a link code is shown: how often to look for the new device. */
const POLL_MS = 2_000;
/** After this device was approved: how many times to look for the history its approver sends. */
const HISTORY_TRIES = 30;

/**
 * Devices of this person that wait for approval: linked with a code, vouched for only by
 * themselves (SPEC §13.2). A person's first device vouches for itself too: that is the oldest.
 */
async function waitingForApproval(devices: readonly Device[]): Promise<Set<string>> {
  const active = devices.filter((device) => !device.revokedAt);
  const first = [...active].sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0]?.id;
  const linked = active.filter((device) => device.id !== first);
  if (linked.length === 0) return new Set();
  const { certificates } = await currentClient().call(keyEndpoints.fetchCertificates, {
    body: { deviceIds: linked.map((device) => device.id) },
  });
  const signer = new Map(certificates.map((c) => [c.deviceId, c.signerDeviceId]));
  return new Set(
    linked.filter((device) => (signer.get(device.id) ?? device.id) === device.id).map((device) => device.id),
  );
}

/**
 * "Mijn apparaten": this person's devices (name, added, last used, "dit apparaat"), signing
 * another one out (after a question), linking a new device with a code and QR code, and the
 * approval of a linked device ("Is dit van u?"). Below: the people to compare safety numbers with.
 */
export function DevicesPage() {
  const [devices, setDevices] = useState<Device[] | null>(null);
  const [waiting, setWaiting] = useState<Set<string>>(new Set());
  const [link, setLink] = useState<CreatedInvite | null>(null);
  const [revoking, setRevoking] = useState<Device | null>(null);
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  /** Devices the person answered about on this page (the list may lag behind a moment). */
  const answered = useRef(new Set<string>());

  const load = async () => {
    const list = await currentClient().listDevices();
    setWaiting(await waitingForApproval(list));
    setDevices(list.filter((device) => !device.revokedAt));
  };
  const reload = () => load().catch(() => setError(t('trust_errorTryAgain')));
  useEffect(() => {
    heading.current?.focus();
    void reload();
  }, []);
  const selfWaitingNow = devices?.some((device) => device.current && waiting.has(device.id)) ?? false;
  const arrived = useObservable(historyArrived);
  /** This device waited for approval while the page was open: once approved, its history follows. */
  const wasWaiting = useRef(false);
  useEffect(() => {
    if (selfWaitingNow) {
      wasWaiting.current = true;
      return;
    }
    if (!wasWaiting.current || devices === null) return;
    wasWaiting.current = false;
    let tries = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const look = () => {
      if (historyArrived.value) return;
      void currentClient()
        .receiveHistory()
        .catch(() => null)
        .then((received) => {
          if (!received && ++tries < HISTORY_TRIES) timer = setTimeout(look, POLL_MS);
        });
    };
    look();
    return () => clearTimeout(timer);
  }, [selfWaitingNow, devices === null]);
  useEffect(() => {
    // A code is out (the new device may come any moment), or this device waits to be approved.
    if (!link && !selfWaitingNow) return;
    const timer = setInterval(() => void load().catch(() => undefined), POLL_MS);
    return () => clearInterval(timer);
  }, [link, selfWaitingNow]);

  const approving = devices?.find(
    (device) => !device.current && waiting.has(device.id) && !answered.current.has(device.id),
  );

  const run = async (work: () => Promise<void>, done: string | (() => string)) => {
    setBusy(true);
    setError('');
    try {
      await work();
      setStatus(typeof done === 'string' ? done : done());
      await load();
    } catch {
      setError(t('trust_errorTryAgain'));
    } finally {
      setBusy(false);
    }
  };
  const revoke = (device: Device, done: string) =>
    run(async () => {
      await currentClient().revokeDevice(device.id);
      answered.current.add(device.id);
    }, done);
  const approve = (device: Device) => {
    let history: 'trust_historySent' | 'trust_historyNotSent' = 'trust_historyNotSent';
    return run(
      async () => {
        await currentClient().trust.approveDevice(device.id);
        answered.current.add(device.id);
        setLink(null);
        // Then the history this device holds goes to the new one (SPEC §15.2); approval stands either way.
        await currentClient()
          .sendHistoryTo(device.id)
          .then(() => (history = 'trust_historySent'))
          .catch(() => undefined);
      },
      () => `${tp('trust_approvedDone', { name: device.name })} ${tp(history)}`,
    );
  };
  const makeLink = () => run(async () => setLink(await currentClient().linkDeviceCode()), '');

  const linkUrl = link ? `${location.origin}${LINK_PATH}#${link.code}` : '';
  return (
    <>
      <BackHome />
      <section aria-labelledby="devices-title">
        <h1 id="devices-title" class="trust-title" tabIndex={-1} ref={heading}>
          {tp('trust_devicesTitle')}
        </h1>
        {selfWaitingNow && (
          <p class="trust-notice new" role="status">
            {tp('trust_linkedWaiting')}
          </p>
        )}
        {arrived && !selfWaitingNow && (
          <p class="trust-notice" role="status" data-testid="history-arrived">
            {tp('trust_historyArrived')}
          </p>
        )}
        <p>{tp('trust_devicesIntro')}</p>
        {devices === null && !error && <p role="status">{t('loading')}</p>}
        <ul class="list">
          {devices?.map((device) => (
            <li key={device.id} class="card device" data-testid="device">
              <p class="device-name">
                <strong>{device.name}</strong>
                {device.current && <span class="tag"> ({tp('trust_thisDevice')})</span>}
              </p>
              <p class="hint">{tp('trust_added', { when: dateTime(device.createdAt) })}</p>
              <p class="hint">
                {device.lastSeenAt
                  ? tp('trust_lastSeen', { when: dateTime(device.lastSeenAt) })
                  : tp('trust_neverSeen')}
              </p>
              {waiting.has(device.id) && <p class="tag waiting">{tp('trust_waitsForApproval')}</p>}
              {waiting.has(device.id) && !device.current && answered.current.has(device.id) && (
                <button
                  type="button"
                  class="primary"
                  onClick={() => {
                    // Closed with Escape earlier: ask again.
                    answered.current.delete(device.id);
                    setDevices((list) => (list ? [...list] : list));
                  }}
                >
                  {tp('trust_decideNow', { name: device.name })}
                </button>
              )}
              {!device.current && (
                <button type="button" disabled={busy} onClick={() => setRevoking(device)}>
                  {tp('trust_revokeDevice', { name: device.name })}
                </button>
              )}
            </li>
          ))}
        </ul>
        <p role="status">{status}</p>
        <p class="error" role="alert">
          {error}
        </p>
      </section>

      <section class="card" aria-labelledby="link-title">
        <h2 id="link-title">{tp('trust_linkTitle')}</h2>
        <p>{tp('trust_linkIntro')}</p>
        {link ? (
          <>
            <p>{tp('trust_linkCodeShown')}</p>
            <p class="code" data-testid="link-code">
              {link.code}
            </p>
            <p>{tp('trust_linkScan')}</p>
            <QrCode text={linkUrl} label={tp('trust_linkQr', { code: link.code })} />
            <p role="status">{tp('trust_linkWaiting')}</p>
          </>
        ) : (
          <button type="button" class="primary" disabled={busy} onClick={() => void makeLink()}>
            {tp('trust_makeLinkCode')}
          </button>
        )}
      </section>

      <Contacts />

      {revoking && (
        <Dialog
          title={tp('trust_revokeTitle')}
          onClose={() => setRevoking(null)}
          actions={[
            {
              label: tp('trust_revokeYes'),
              primary: true,
              run: () => {
                const device = revoking;
                setRevoking(null);
                void revoke(device, tp('trust_revokedDone', { name: device.name }));
              },
            },
            { label: tp('trust_keep'), run: () => setRevoking(null) },
          ]}
        >
          <p>{tp('trust_revokeQuestion', { name: revoking.name })}</p>
        </Dialog>
      )}
      {approving && !revoking && (
        <Dialog
          key={approving.id}
          title={tp('trust_approveTitle')}
          onClose={() => {
            answered.current.add(approving.id);
            setDevices((list) => (list ? [...list] : list));
          }}
          actions={[
            { label: tp('trust_approveYes'), primary: true, run: () => void approve(approving) },
            {
              label: tp('trust_approveNo'),
              run: () => void revoke(approving, tp('trust_refusedDone', { name: approving.name })),
            },
          ]}
        >
          <p>{tp('trust_approveQuestion', { name: approving.name, when: dateTime(approving.createdAt) })}</p>
          <p>{tp('trust_approveExplain')}</p>
        </Dialog>
      )}
    </>
  );
}

function BackHome() {
  return (
    <p>
      <a
        href="/"
        onClick={(event) => {
          event.preventDefault();
          navigate('/');
        }}
      >
        ← {t('back')}
      </a>
    </p>
  );
}

/** The people this person talks to, each with a link to their safety number and whether it was verified. */
function Contacts() {
  const selfId = useObservable(me)?.person.id;
  const list = useObservable(channels);
  const people = new Map<string, { name: string; channelId: string }>();
  // A 1:1 conversation first: that is where people compare numbers.
  for (const channel of [...list].sort((a, b) => Number(b.kind === 'direct') - Number(a.kind === 'direct')))
    for (const member of channel.members)
      if (member.personId !== selfId && !people.has(member.personId))
        people.set(member.personId, { name: member.displayName, channelId: channel.id });
  const trust = useTrust([...people.keys()]);
  return (
    <section class="card" aria-labelledby="contacts-title">
      <h2 id="contacts-title">{tp('trust_contactsTitle')}</h2>
      <p>{tp('trust_contactsIntro')}</p>
      {people.size === 0 && <p>{tp('trust_noContacts')}</p>}
      <ul class="list">
        {[...people].map(([personId, { name, channelId }]) => (
          <li key={personId}>
            <a
              class="row"
              href={safetyPath(channelId, personId)}
              onClick={(event) => {
                event.preventDefault();
                navigate(safetyPath(channelId, personId));
              }}
            >
              <span>{tp('trust_safetyOf', { name })}</span>
              {trust[personId]?.summary.verified && <span class="verified">✓ {tp('trust_verified')}</span>}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
