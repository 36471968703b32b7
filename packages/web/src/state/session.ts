import type {
  ChatMessage,
  HistoryReceived,
  SpreekuurClient,
  TrustChange,
  UnverifiedAddition,
} from '@spreekuur/client';
import type { Channel } from '@spreekuur/protocol/chat';
import type { Me } from '@spreekuur/protocol/identity';
import { locale, t } from '../i18n.ts';
import { SealedIndexedDbStore } from '../storage/sealed-store.ts';
import { becomeLeader, type Leadership } from './leader.ts';
import { isSpreekuurError, loadSdk, prefetchSdk } from './sdk.ts';
import { Observable } from './store.ts';

export type Phase = 'starting' | 'other-tab' | 'join' | 'ready' | 'revoked';

/** A message this device is sending, shown until the server's copy arrives. */
export interface Pending {
  clientId: string;
  channelId: string;
  text: string;
  /** `held`: kept by the SDK until a resident of a sensitive team is verified (it then goes by itself). */
  state: 'waiting' | 'held' | 'sent' | 'failed';
  /** Why it failed, when the app can say more than "not sent" (ui/trust: a changed key). */
  reason?: 'key-changed';
  /** For `held`: whose safety number to compare first (ui/trust shows the way there). */
  personIds?: string[];
}

export const phase = new Observable<Phase>('starting');
export const me = new Observable<Me | null>(null);
export const online = new Observable(true);
export const channels = new Observable<Channel[]>([]);
/** Decrypted messages per channel, in order. */
export const messages = new Observable<Record<string, ChatMessage[]>>({});
export const pending = new Observable<Pending[]>([]);
/** The highest message others have read, per channel (read marks on own messages). */
export const othersRead = new Observable<Record<string, number>>({});
export const othersDelivered = new Observable<Record<string, number>>({});
/**
 * Why the server refused this person's last message in a channel (a moderation rule: muted,
 * slow mode, locked), shown in the composer until a message there goes out again.
 */
export const sendRefusals = new Observable<Record<string, { code: string; retryAfter?: number } | undefined>>(
  {},
);
/** How far this person has read, per channel (unread counts). */
export const ownRead = new Observable<Record<string, number>>({});
/** The SDK's latest `trust:changed` event (keys and devices of contacts; ui/trust shows them). */
export const trustChanges = new Observable<TrustChange | null>(null);
/** Another device of this person sent its history here (SPEC §15.2); ui/trust says so. */
export const historyArrived = new Observable<HistoryReceived | null>(null);
/** Group members added without an owner's or moderator's signature (SPEC §13.5; ui/moderation says so). */
export const unverifiedAdditions = new Observable<UnverifiedAddition[]>([]);

let client: SpreekuurClient | null = null;
let store: SealedIndexedDbStore | null = null;
let leadership: Leadership | null = null;
let openChannel: string | null = null;
/** Signed in and connected at least once: receipts wait until then (no token before). */
let signedIn = false;
/** The same for screens: server calls wait for it (a reload shows what the device has first). */
export const signedInOnce = new Observable(false);

export function currentClient(): SpreekuurClient {
  if (!client) throw new Error('not signed in');
  return client;
}

/** This device's sealed store, for what a feature keeps beside the SDK (ui/trust: devices seen). */
export function deviceStore(): SealedIndexedDbStore | null {
  return store;
}

/** Takes the device lock, opens the sealed store and signs in silently when registered. */
export async function start(steal = false): Promise<void> {
  phase.set('starting');
  prefetchSdk();
  leadership = await becomeLeader(steal);
  if (!leadership) {
    phase.set('other-tab');
    return;
  }
  void leadership.lost.then(async () => {
    await client?.close().catch(() => undefined);
    client = null;
    phase.set('other-tab');
  });
  // A first visit has no database yet: show the join form at once, without making one (the
  // store opens when the person presses "Verder"); a device that never registered has an empty one.
  if (!(await mayHaveDevice())) {
    phase.set('join');
    return;
  }
  store ??= await SealedIndexedDbStore.open();
  if ((await store.keys('')).length === 0) {
    phase.set('join');
    return;
  }
  try {
    const { SpreekuurClient } = await loadSdk();
    client = await SpreekuurClient.open({ store, locale: locale() });
  } catch (error) {
    if (isSpreekuurError(error) && error.code === 'ERR_CLIENT_NOT_REGISTERED') {
      phase.set('join');
      return;
    }
    throw error;
  }
  await connected(client);
}

/** The database name `storage/idb.ts` opens by default. */
const DEVICE_DATABASE = 'spreekuur';

/** False only when this browser surely has no device database (so it is a first visit). */
async function mayHaveDevice(): Promise<boolean> {
  if (store || !('databases' in indexedDB)) return true;
  const names = await indexedDB.databases().catch(() => null);
  return !names || names.some((db) => db.name === DEVICE_DATABASE);
}

/**
 * Registers this device with an invite code; throws a SpreekuurError the form explains. Without
 * a name it links the device to an existing account (a device-link code, ui/trust): the server
 * then refuses a person's invite code (ERR_BAD_REQUEST) instead of making a nameless account.
 */
export async function join(inviteCode: string, displayName?: string): Promise<void> {
  store ??= await SealedIndexedDbStore.open();
  const { SpreekuurClient } = await loadSdk();
  const registered = await SpreekuurClient.register({
    serverUrl: location.origin,
    store,
    inviteCode,
    // Left out of the request when undefined (JSON); the SDK's type wants a name for new people.
    displayName: displayName as string,
    deviceName: deviceName(),
    locale: locale(),
  });
  client = registered;
  await connected(registered);
}

function deviceName(): string {
  const agent = navigator.userAgent;
  const browser = /Firefox/.test(agent)
    ? 'Firefox'
    : /Edg\//.test(agent)
      ? 'Edge'
      : /Chrome/.test(agent)
        ? 'Chrome'
        : /Safari/.test(agent)
          ? 'Safari'
          : 'Browser';
  return `${browser} (web)`;
}

async function connected(device: SpreekuurClient): Promise<void> {
  listen(device);
  // What this device already has shows at once (no round trip); the server's news follows.
  await showWhatThisDeviceHas();
  if (channels.value.length > 0) phase.set('ready');
  // Offline at start: keep showing that and connect when the network is back.
  try {
    await device.connect();
    signedIn = true;
    signedInOnce.set(true);
    me.set(await device.me());
  } catch (error) {
    if (isSpreekuurError(error) && error.code === 'ERR_AUTH_DEVICE_REVOKED') return revoked();
    online.set(false);
    phase.set('ready');
    retryConnect(device);
    return;
  }
  phase.set('ready');
  await refreshChannels();
  if (openChannel) markRead(openChannel);
}

const RETRY_MS = 5_000;

/**
 * Started offline: try again when the browser says it is online, and every few seconds anyway
 * (the `online` event can come before the network really works, or not at all on a captive Wi-Fi).
 */
function retryConnect(device: SpreekuurClient): void {
  let busy = false;
  const attempt = async () => {
    if (busy) return;
    busy = true;
    try {
      await device.connect();
      signedIn = true;
      signedInOnce.set(true);
      window.removeEventListener('online', onOnline);
      clearInterval(timer);
      online.set(true);
      sendUnsent();
      me.set(await device.me());
      await refreshChannels();
      if (openChannel) markRead(openChannel);
    } catch {
      // Still offline: the next event or tick tries again.
    } finally {
      busy = false;
    }
  };
  const onOnline = () => void attempt();
  window.addEventListener('online', onOnline);
  const timer = setInterval(onOnline, RETRY_MS);
}

const CHANNELS_KEY = 'web/channels';
const ME_KEY = 'web/me';

/**
 * Before the server answers (or offline): the channels and person last seen (kept by the app)
 * and the messages the SDK stored. The SDK has no offline history call yet, so this reads its `messages/<channel>/`
 * keys; see docs/web.md.
 */
async function showWhatThisDeviceHas(): Promise<void> {
  if (!store) return;
  me.set((await store.get<Me>(ME_KEY)) ?? null);
  const list = (await store.get<Channel[]>(CHANNELS_KEY)) ?? [];
  channels.set(list);
  const all: Record<string, ChatMessage[]> = {};
  for (const channel of list) {
    const stored: ChatMessage[] = [];
    for (const key of await store.keys(`messages/${channel.id}/`)) {
      const message = await store.get<ChatMessage>(key);
      if (message) stored.push(message);
    }
    all[channel.id] = stored.sort((a, b) => a.seq - b.seq);
  }
  messages.set(all);
}

async function revoked(): Promise<void> {
  await client?.close().catch(() => undefined);
  client = null;
  await store?.clear();
  phase.set('revoked');
}

function listen(device: SpreekuurClient): void {
  device.on('connection', ({ state }) => {
    online.set(state === 'online');
    if (state === 'online') sendUnsent();
  });
  device.on('message', (message) => {
    addMessage(message);
    if (!message.own) notify();
    if (!message.own && message.channelId === openChannel && document.visibilityState === 'visible') {
      markRead(message.channelId);
    }
  });
  device.on('outgoing', (update) => {
    pending.update((list) =>
      list.map((item) => (item.clientId === update.clientId ? { ...item, state: update.state } : item)),
    );
    // Held since before a reload (a sensitive team): the SDK still has it; show it again.
    if (update.state === 'held' && !pending.value.some((item) => item.clientId === update.clientId))
      void device.verification.held().then(showHeld, () => undefined);
  });
  device.on('receipt', (receipt) => {
    if (receipt.personId === me.value?.person.id) {
      ownRead.update((read) => ({
        ...read,
        [receipt.channelId]: Math.max(read[receipt.channelId] ?? 0, receipt.readSeq),
      }));
      return;
    }
    othersRead.update((read) => ({
      ...read,
      [receipt.channelId]: Math.max(read[receipt.channelId] ?? 0, receipt.readSeq),
    }));
    othersDelivered.update((seen) => ({
      ...seen,
      [receipt.channelId]: Math.max(seen[receipt.channelId] ?? 0, receipt.deliveredSeq),
    }));
  });
  device.on('membership', () => void refreshChannels());
  device.on('trust:changed', (change) => trustChanges.set(change));
  device.on('membership:unverified', (added) => unverifiedAdditions.update((all) => [...all, added]));
  device.on('revoked', () => void revoked());
  device.on('history:received', (received) => {
    historyArrived.set(received);
    // The imported conversations show at once: read them again from the device.
    void (async () => {
      for (const channelId of received.channelIds) {
        const history = await device.history(channelId);
        messages.update((all) => ({ ...all, [channelId]: history }));
      }
      await refreshChannels();
    })().catch(() => undefined);
  });
}

function showHeld(held: Awaited<ReturnType<SpreekuurClient['verification']['held']>>): void {
  const shown = new Set(pending.value.map((item) => item.clientId));
  const more: Pending[] = held
    .filter((item) => !shown.has(item.clientId) && item.content.type === 'text')
    .map(({ clientId, channelId, content, personIds }) => ({
      clientId,
      channelId,
      text: content.type === 'text' ? content.text : '',
      state: 'held',
      personIds,
    }));
  if (more.length > 0) pending.update((list) => [...list, ...more]);
}

function addMessage(message: ChatMessage): void {
  messages.update((all) => {
    const list = all[message.channelId] ?? [];
    if (list.some((m) => m.seq === message.seq)) return all;
    const next = [...list, message].sort((a, b) => a.seq - b.seq);
    return { ...all, [message.channelId]: next };
  });
  pending.update((list) => list.filter((item) => item.clientId !== message.clientId));
  if (!channels.value.some((channel) => channel.id === message.channelId)) void refreshChannels();
}

/** Lists the channels and catches up on each (from this device's store, then the server). */
async function refreshChannels(): Promise<void> {
  const device = currentClient();
  const list = await device.listChannels();
  channels.set(list);
  await store?.set(CHANNELS_KEY, list);
  if (me.value) await store?.set(ME_KEY, me.value);
  ownRead.update((read) => {
    const next = { ...read };
    for (const channel of list) next[channel.id] = Math.max(next[channel.id] ?? 0, channel.readSeq);
    return next;
  });
  for (const channel of list) {
    const history = await device.history(channel.id);
    messages.update((all) => ({ ...all, [channel.id]: history }));
  }
}

export function unreadCount(channelId: string): number {
  const read = ownRead.value[channelId] ?? 0;
  return (messages.value[channelId] ?? []).filter((m) => !m.own && m.seq > read).length;
}

export function setOpenChannel(channelId: string | null): void {
  openChannel = channelId;
  if (channelId) markRead(channelId);
}

function markRead(channelId: string): void {
  const last = (messages.value[channelId] ?? []).at(-1);
  if (!last || !client || !signedIn) return;
  if ((ownRead.value[channelId] ?? 0) >= last.seq) return;
  client.markRead(channelId, last.seq);
  ownRead.update((read) => ({ ...read, [channelId]: last.seq }));
}

export async function openDirect(personId: string): Promise<Channel> {
  const channel = await currentClient().openDirect(personId);
  if (!channels.value.some((c) => c.id === channel.id)) channels.update((list) => [...list, channel]);
  return channel;
}

/** Texts the SDK gave back because the network was gone: sent again (same id) once online. */
const unsent = new Map<string, { channelId: string; text: string }>();

function isNetworkError(error: unknown): boolean {
  return (
    !isSpreekuurError(error) || error.code === 'ERR_CLIENT_NETWORK' || error.code === 'ERR_CLIENT_TIMEOUT'
  );
}

function trySend(clientId: string, channelId: string, text: string): void {
  currentClient()
    .sendText(channelId, text, { clientId })
    .then(() => {
      unsent.delete(clientId);
      if (sendRefusals.value[channelId]) sendRefusals.update((all) => ({ ...all, [channelId]: undefined }));
    })
    .catch((error: unknown) => {
      if (isNetworkError(error) && !online.value) {
        // Still waiting: the SDK's outbox keeps most sends itself; this covers the ones it refuses offline.
        unsent.set(clientId, { channelId, text });
        return;
      }
      unsent.delete(clientId);
      if (isSpreekuurError(error) && error.code === 'ERR_CLIENT_UNVERIFIED_DEVICE') {
        // A sensitive team: the SDK keeps it and sends it after trust.verify (outgoing `sent`).
        const personIds = error.details.personIds ?? [];
        pending.update((items) =>
          items.map((item) => (item.clientId === clientId ? { ...item, state: 'held', personIds } : item)),
        );
        return;
      }
      const keyChanged = isSpreekuurError(error) && error.code === 'ERR_CLIENT_KEY_CHANGED';
      // Refused until the person accepts the changed key (block policy): kept for sendHeld().
      if (keyChanged) held.set(clientId, { channelId, text });
      if (isSpreekuurError(error))
        sendRefusals.update((all) => ({
          ...all,
          [channelId]: { code: error.code, retryAfter: error.details.retryAfter },
        }));
      pending.update((items) =>
        items.map((item) =>
          item.clientId === clientId
            ? { ...item, state: 'failed', ...(keyChanged ? { reason: 'key-changed' as const } : {}) }
            : item,
        ),
      );
    });
}

/** Texts refused with ERR_CLIENT_KEY_CHANGED: sent again (same id) by sendHeld() after trust.accept. */
const held = new Map<string, { channelId: string; text: string }>();

/** After a changed key was accepted: the texts it held back in this channel go out (ui/trust). */
export function sendHeld(channelId: string): void {
  for (const [clientId, item] of held) {
    if (item.channelId !== channelId) continue;
    held.delete(clientId);
    pending.update((items) =>
      items.map((p) =>
        p.clientId === clientId ? { clientId, channelId, text: item.text, state: 'waiting' } : p,
      ),
    );
    trySend(clientId, channelId, item.text);
  }
}

function sendUnsent(): void {
  for (const [clientId, { channelId, text }] of unsent) trySend(clientId, channelId, text);
}

export function sendText(channelId: string, text: string): void {
  const clientId = `web-${crypto.randomUUID()}`;
  pending.update((list) => [...list, { clientId, channelId, text, state: 'waiting' }]);
  trySend(clientId, channelId, text);
}

/** Whether desktop notices may show now: workers get none off duty (set by ui/worker/quiet-hours.tsx). */
export const notificationsAllowed = new Observable(true);

let notifyTimer: ReturnType<typeof setTimeout> | undefined;
/** A desktop notice while the tab is in the background; never the message itself. */
function notify(): void {
  if (document.visibilityState === 'visible' || !('Notification' in window)) return;
  if (Notification.permission !== 'granted' || notifyTimer || !notificationsAllowed.value) return;
  notifyTimer = setTimeout(() => (notifyTimer = undefined), 5_000);
  new Notification(t('notificationTitle'), { body: t('notificationBody'), tag: 'spreekuur-message' });
}
