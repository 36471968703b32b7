import { io, type Socket } from 'socket.io-client';
import type { z } from 'zod';
import { ready } from '@spreekuur/crypto/ready';
import { computeSafetyNumber } from '@spreekuur/crypto/safety-number';
import { signDeviceCertificate } from '@spreekuur/crypto/device-certificate';
import { fromBase64Url, toBase64Url } from '@spreekuur/crypto/encoding';
import {
  chatEndpoints,
  keyEndpoints,
  type Channel,
  type SendAck,
  type SendMessage,
} from '@spreekuur/protocol/chat';
import type { MessageContent } from '@spreekuur/protocol/content';
import type { EndpointDefinition, EndpointResult } from '@spreekuur/protocol/endpoint';
import { identityEndpoints as identity, type Role } from '@spreekuur/protocol/identity';
import {
  clientEvents,
  serverEvents,
  type Ack,
  type ClientEventAck,
  type ClientEventName,
  type ClientEventPayload,
  type ClientToServerEvents,
  type ServerEventName,
  type ServerToClientEvents,
} from '@spreekuur/protocol/realtime';
import { loadAccount, logIn, registerDevice, type Account } from './account.ts';
import { GroupKeys } from './crypto/group-keys.ts';
import { PairwiseSessions } from './crypto/pairwise-sessions.ts';
import { ONE_TIME_PREKEY_BATCH, PrekeyStore } from './crypto/prekey-store.ts';
import { TrustStore, type PersonTrustSummary, type TrustPolicy } from './crypto/trust-store.ts';
import { Emitter } from './emitter.ts';
import { SpreekuurError } from './errors.ts';
import { downloadDecrypted, uploadEncrypted, type FileSource } from './files.ts';
import { HttpClient, type CallArguments } from './http.ts';
import { ModerationClient } from './moderation.ts';
import type { KeyValueStore } from './storage/key-value-store.ts';
import { proveAddition } from './sync/membership-proofs.ts';
import { DeviceDirectory } from './sync/device-directory.ts';
import { DeviceTrustPolicy, type TrustPolicyState } from './sync/trust-policy.ts';
import { KeyBackupClient } from './backup/key-backup.ts';
import { HistoryTransferClient, type HistoryReceived, type HistorySent } from './backup/history-transfer.ts';
import type { KdfParams } from './backup/sealed-backup.ts';
import { EventProcessor } from './sync/event-processor.ts';
import { Inbox } from './sync/inbox.ts';
import { DeviceVerifier } from './sync/device-verifier.ts';
import { MembershipView } from './sync/membership-view.ts';
import { Outbox } from './sync/outbox.ts';
import { VerificationPolicy, type SensitiveTeam } from './sync/verification-policy.ts';
import type { ChatMessage, ClientEvents, UploadProgress } from './types.ts';
import type { TeamQueue } from '@spreekuur/protocol/scheduling';
import { privacyEndpoints, type PersonExport } from '@spreekuur/protocol/privacy';

export interface ClientOptions {
  /** Where this device keeps its keys, sessions and messages. */
  store: KeyValueStore;
  /** Defaults to the server the device registered with. */
  serverUrl?: string;
  locale?: 'nl' | 'en';
  /** socket.io transports; Node clients default to WebSocket only (no sticky sessions needed). */
  transports?: Array<'websocket' | 'polling'>;
  /** Time allowed for an acknowledgement before a send is retried. */
  ackTimeoutMs?: number;
  /**
   * When a contact device shows another identity key than the one pinned: `block` (default)
   * refuses to send to that person until `trust.accept`; `warn` takes the new key and only
   * emits `trust:changed`. Without it the device follows its organisation's setting, never
   * lowered to `warn` by the server alone (SPEC §13.8); see docs/chat.md.
   */
  trustPolicy?: TrustPolicy;
  /** The HTTP transport (defaults to the platform's fetch); tests put a scripted server here. */
  fetch?: typeof fetch;
  /** Argon2id cost of key backups (defaults: 3 passes over 64 MiB); tests make it cheap. */
  backupKdf?: KdfParams;
}

export interface RegisterOptions extends ClientOptions {
  serverUrl: string;
  inviteCode: string;
  displayName: string;
  deviceName: string;
}

/** The server's acknowledgement, with the id the message was sent under. */
export type SentMessage = SendAck & { clientId: string };

type Push<E extends ServerEventName> = z.output<(typeof serverEvents)[E]>;
type PushHandlers = { [E in ServerEventName]: (payload: Push<E>) => void };
/** What the server's socket handshake says when it refuses a connection. */
type HandshakeError = Error & { data?: { code?: string; retryAfter?: number } };

const RECEIPT_DELAY_MS = 150;
/** How long a new device looks for a history transfer on connecting (the server keeps one 7 days). */
const HISTORY_LOOK_MS = 7 * 24 * 60 * 60 * 1000;
const isBrowser = 'document' in globalThis;

/**
 * A Spreekuur device: everything the user should never see — keys, sessions, sender-key
 * distribution and rotation, retries with the same id, ordering by sequence number,
 * catch-up after reconnecting, prekey refills — behind a small API with typed events.
 */
export class SpreekuurClient extends Emitter<ClientEvents> {
  private token: string | null = null;
  private tokenExpiresAt: string | null = null;
  /** Teams whose live queue this device watches; watched again after every reconnect. */
  private readonly watchedQueues = new Set<string>();
  private tokenTimer: ReturnType<typeof setTimeout> | undefined;
  private tokenRefresh: Promise<void> | null = null;
  private socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
  private closed = false;
  /** The catch-up of the latest (re)connect (see settled()). */
  private catchingUp: Promise<void> = Promise.resolve();
  private retryWaiters: Array<{
    resolve: () => void;
    reject: (error: Error) => void;
    timer?: ReturnType<typeof setTimeout>;
  }> = [];
  private receipts = new Map<string, { deliveredSeq: number; readSeq: number }>();
  private receiptTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly http: HttpClient;
  private readonly devices: DeviceDirectory;
  private readonly trustPolicy: DeviceTrustPolicy;
  private readonly inbox: Inbox;
  private readonly outbox: Outbox;
  /** Moderating groups and reporting messages (moderation.ts). */
  readonly moderation: ModerationClient;
  private readonly sessions: PairwiseSessions;
  private readonly groups: GroupKeys;
  private readonly historyTransfers: HistoryTransferClient;
  private receivingHistory: Promise<HistoryReceived | null> | null = null;
  private readonly policy: VerificationPolicy;

  private constructor(
    readonly account: Account,
    private readonly store: KeyValueStore,
    private readonly prekeys: PrekeyStore,
    private readonly options: ClientOptions,
    http?: HttpClient,
  ) {
    super();
    this.http =
      http ??
      new HttpClient({
        baseUrl: options.serverUrl ?? account.serverUrl,
        locale: options.locale ?? 'nl',
        token: () => this.token,
        refresh: () => this.refreshToken(),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      });
    this.moderation = new ModerationClient(this.http, account, store);
    const membership = new MembershipView(store, this.http);
    this.trustPolicy = new DeviceTrustPolicy(store, this.http, options.trustPolicy, (state) =>
      this.emit('trust:policy', state),
    );
    const verifier = new DeviceVerifier(this.http, membership, {
      personId: account.personId,
      deviceId: account.deviceId,
      identity: account.identity,
    });
    this.devices = new DeviceDirectory(
      this.http,
      store,
      account.deviceId,
      (change) => {
        this.emit('trust:changed', change);
        if (change.change === 'device-added' && change.deviceId && change.identityKey)
          this.emit('contact-device-added', {
            deviceId: change.deviceId,
            personId: change.personId,
            identityKey: change.identityKey,
          });
      },
      { policy: () => this.trustPolicy.current(), verifier, membership },
    );
    const sessions = new PairwiseSessions(store, account.identity, prekeys);
    const groups = new GroupKeys(store);
    this.sessions = sessions;
    this.groups = groups;
    const processor = new EventProcessor({
      store,
      sessions,
      groups,
      devices: this.devices,
      membership,
      self: { personId: account.personId, deviceId: account.deviceId },
      selfIdentityKey: account.identity.publicKey,
      channelKind: (channelId) => this.channelKind(channelId),
      emit: (event, value) => this.emit(event, value),
      delivered: (channelId, seq) => this.queueReceipt(channelId, { deliveredSeq: seq }),
    });
    this.inbox = new Inbox(this.http, store, {
      process: (event) => processor.process(event),
      committed: (event) => processor.committed(event),
      refused: (channelId, cursor, buffered) => processor.refused(channelId, cursor, buffered),
      onError: (error, channelId) =>
        this.emit('error', { code: errorCode(error), message: 'catching up failed', channelId }),
    });
    this.historyTransfers = new HistoryTransferClient(this.http, store, account, async () =>
      (await this.devices.trust.pinsOf(account.personId))
        .filter((pin) => TrustStore.state(pin) === 'trusted')
        .map((pin) => ({ deviceId: pin.deviceId, identityKey: pin.identityKey })),
    );
    this.policy = new VerificationPolicy(this.http, store, account, this.devices.trust);
    this.outbox = new Outbox({
      policy: this.policy,
      store,
      self: { personId: account.personId, deviceId: account.deviceId },
      http: this.http,
      devices: this.devices,
      sessions,
      groups,
      transport: (envelope) => this.sendOverSocket(envelope),
      waitToRetry: (delayMs) => this.waitToRetry(delayMs),
      notify: (update) => this.emit('outgoing', update),
      channelKind: (channelId) => this.channelKind(channelId),
    });
  }

  // ---- Lifecycle -----------------------------------------------------------------------

  /** Registers a new device with an invite code and publishes its prekeys. */
  static async register(options: RegisterOptions): Promise<SpreekuurClient> {
    await ready();
    const locale = options.locale ?? 'nl';
    let token: string | null = null;
    const http = new HttpClient({
      baseUrl: options.serverUrl,
      locale,
      token: () => token,
      refresh: async () => undefined,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    const account = await registerDevice(http, options.store, { ...options, locale });
    const created = await PrekeyStore.create(options.store, account.identity);
    const client = new SpreekuurClient(account, options.store, created.prekeys, options);
    await client.refreshToken();
    token = client.token;
    await client.http.call(keyEndpoints.publishSignedPrekeys, { body: created.signed });
    await client.http.call(keyEndpoints.addOneTimePrekeys, { body: { prekeys: created.oneTime } });
    await client.certifySelf();
    return client;
  }

  /** Opens a device registered earlier (its state is in the store). */
  static async open(options: ClientOptions): Promise<SpreekuurClient> {
    await ready();
    const account = await loadAccount(options.store);
    const prekeys = await PrekeyStore.load(options.store);
    if (!account || !prekeys)
      throw new SpreekuurError('ERR_CLIENT_NOT_REGISTERED', 'this store holds no registered device');
    return new SpreekuurClient(account, options.store, prekeys, options);
  }

  /** Signs in, connects the live channel, catches up and sends whatever was waiting. */
  async connect(): Promise<void> {
    if (this.closed) throw new SpreekuurError('ERR_CLIENT_CLOSED', 'client is closed');
    if (!this.token) await this.refreshToken();
    await this.trustPolicy.refresh();
    // A caller trying again (the web app, after a refusal) replaces the socket it gave up on.
    this.socket?.close();
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(
      this.options.serverUrl ?? this.account.serverUrl,
      {
        auth: (callback) => callback({ token: this.token ?? '', locale: this.options.locale ?? 'nl' }),
        // Browsers: socket.io's default (long-polling, then upgrade), which survives proxies that
        // block WebSockets; Node clients go straight to WebSocket (no sticky sessions needed).
        ...(this.options.transports
          ? { transports: this.options.transports }
          : isBrowser
            ? {}
            : { transports: ['websocket'] }),
        reconnectionDelay: 500,
        reconnectionDelayMax: 5_000,
      },
    );
    this.socket = socket;
    // Every push the server may send has a handler here (the compiler checks the map is complete).
    const pushes: PushHandlers = {
      'chat:event': (event) => {
        if (!this.closed) void this.inbox.receive(event);
      },
      'chat:receipt': (receipt) => this.emit('receipt', receipt),
      'chat:typing': (typing) => this.emit('typing', typing),
      'presence:changed': (presence) => this.emit('presence', presence),
      'keys:low': () => void this.refillPrekeys().catch(() => undefined),
      // The disconnect that follows is what counts: recover() signs in again or stops for good.
      'session:revoked': () => undefined,
      'scheduling:queue': (queue) => this.emit('queue', queue),
      'scheduling:queue:entry': (entry) => this.emit('queue-entry', entry),
      'scheduling:notification': (notification) => this.emit('notification', notification),
      'moderation:report': (notice) => this.emit('report', notice),
    };
    for (const event of Object.keys(pushes) as ServerEventName[]) this.onPush(socket, event, pushes[event]);
    socket.on('connect', () => {
      this.catchingUp = this.onConnected();
    });
    socket.on('disconnect', (reason) => {
      this.emit('connection', { state: 'offline' });
      // The server closed us (token expired, or this device was revoked): sign in again, or stop.
      if (reason === 'io server disconnect' && !this.closed) void this.recover();
    });
    let connectedOnce = false;
    let refusals = 0;
    socket.on('connect', () => {
      refusals = 0;
    });
    // Transport errors (server unreachable) leave the socket active: socket.io retries them. A
    // refusal in the server's handshake does not, so the client decides when to try again.
    socket.on('connect_error', (error: HandshakeError) => {
      if (this.closed || socket.active) return;
      const code = error.data?.code;
      if (code === 'ERR_UNAUTHENTICATED') return void this.recover();
      // Refused before the first connection: connect() reports it to the caller instead.
      if (code === 'ERR_RATE_LIMITED' && !connectedOnce) return;
      refusals += 1;
      const delay =
        code === 'ERR_RATE_LIMITED' || error.data?.retryAfter
          ? (error.data?.retryAfter ?? 5) * 1000
          : Math.min(5_000, 500 * 2 ** Math.min(refusals, 4));
      const timer = setTimeout(() => this.closed || socket.connected || socket.connect(), delay);
      (timer as { unref?: () => void }).unref?.();
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => {
        connectedOnce = true;
        resolve();
      });
      const onError = (error: HandshakeError) => {
        const code = error.data?.code;
        // Only a refusal the caller must act on ends the wait; the rest is retried above.
        if (socket.active || (code !== 'ERR_RATE_LIMITED' && code !== 'ERR_UNAUTHENTICATED')) return;
        socket.off('connect_error', onError);
        reject(
          code === 'ERR_RATE_LIMITED'
            ? new SpreekuurError('ERR_RATE_LIMITED', error.message, {
                ...(error.data?.retryAfter ? { retryAfter: error.data.retryAfter } : {}),
              })
            : error,
        );
      };
      socket.on('connect_error', onError);
      socket.once('connect', () => socket.off('connect_error', onError));
    });
    await this.refillPrekeys().catch(() => undefined);
    await this.rotatePrekeys().catch(() => undefined);
    await this.certifyIfUncertified().catch(() => undefined);
    void this.receiveHistoryOnStart();
  }

  /**
   * A device linked in the last week looks once per connection for history another device of
   * the person left for it (SPEC §15.2); after it arrived, or after a week, it stops looking.
   */
  private async receiveHistoryOnStart(): Promise<void> {
    if (await this.store.get('history-transfer/received')) return;
    let since = await this.store.get<string>('history-transfer/since');
    if (!since) await this.store.set('history-transfer/since', (since = new Date().toISOString()));
    if (Date.now() - new Date(since).getTime() > HISTORY_LOOK_MS) return;
    await this.receiveHistory().catch((error: unknown) => {
      if (!this.closed) this.emit('error', { code: errorCode(error), message: 'receiving history failed' });
    });
  }

  /** Weekly signed and ML-KEM prekeys (kept locally first, published after; see PrekeyStore). */
  private async rotatePrekeys(): Promise<void> {
    const fresh = await this.prekeys.rotateIfDue(this.account.identity);
    if (!fresh) return;
    await this.http.call(keyEndpoints.publishSignedPrekeys, { body: fresh });
    await this.prekeys.published();
  }

  /** Devices registered before certificates existed vouch for themselves once (TOFU for their contacts). */
  private async certifyIfUncertified(): Promise<void> {
    if (await this.store.get('certified')) return;
    const { certificates } = await this.http.call(keyEndpoints.fetchCertificates, {
      body: { deviceIds: [this.account.deviceId] },
    });
    if (certificates.length === 0) await this.certifySelf();
    await this.store.set('certified', true);
  }

  /**
   * Stops everything: no more events are taken in, what is being processed finishes, the
   * last receipts go out, and nothing touches the store afterwards. Messages not yet
   * acknowledged stay in the outbox for the next time this device opens.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.tokenTimer);
    this.socket?.close();
    for (const waiter of this.retryWaiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new SpreekuurError('ERR_CLIENT_CLOSED', 'client closed'));
    }
    await this.inbox.idle();
    await this.flushReceipts();
  }

  /** Drops the live connection (as a flaky network would); reconnect with {@link reconnect}. */
  disconnect(): void {
    this.socket?.disconnect();
  }

  reconnect(): void {
    this.socket?.connect();
  }

  get online(): boolean {
    return this.socket?.connected ?? false;
  }

  /** Resolves when all received events have been processed (useful for tests and UIs). */
  async settled(): Promise<void> {
    // The catch-up a (re)connect started first: until it asked, the inbox may look idle.
    await this.catchingUp;
    await this.inbox.idle();
  }

  // ---- Privacy ----------------------------------------------------------------------------

  /**
   * The encrypted key backup under a recovery key (`generateRecoveryKey()`): `save`, `restore`
   * on a new device, `remove`. The server only ever holds ciphertext (docs/privacy.md).
   */
  get backup(): KeyBackupClient {
    return new KeyBackupClient(this.http, this.store, this.account, this.options.backupKdf);
  }

  /**
   * Sends this device's decrypted history (conversations and messages, not keys or sessions) to
   * another device of this person that this device trusts: call it after
   * {@link trust}.approveDevice. Sealed to that device's identity key and signed by this one
   * (packages/crypto SPEC §15.2); the server keeps it at most 7 days. The oldest messages are
   * left out if everything does not fit (`omitted`).
   */
  sendHistoryTo(deviceId: string): Promise<HistorySent> {
    return this.historyTransfers.sendTo(deviceId);
  }

  /**
   * Fetches, checks and imports the history another device of this person left for this one
   * (null when none waits), and deletes it from the server; emits `history:received`. The SDK
   * looks by itself on every connect during a device's first week; an app that knows the device
   * was just approved may call this at once.
   */
  receiveHistory(): Promise<HistoryReceived | null> {
    // One at a time: a call while the connect-time look runs waits for that one.
    this.receivingHistory ??= (async () => {
      try {
        const received = await this.historyTransfers.receive();
        if (received) {
          await this.store.set('history-transfer/received', received.createdAt);
          this.emit('history:received', received);
        }
        return received;
      } finally {
        this.receivingHistory = null;
      }
    })();
    return this.receivingHistory;
  }

  /** Everything the server holds about this person (AVG art. 15/20); message content is on the device. */
  exportMyData(): Promise<PersonExport> {
    return this.http.call(privacyEndpoints.exportOwnData);
  }

  // ---- Any REST endpoint ------------------------------------------------------------------

  /**
   * Calls any endpoint of `@spreekuur/protocol` that a signed-in device may call (identity,
   * organisation, scheduling…), with this device's token; the answer is parsed with the
   * endpoint's schema. The SDK's own methods cover what needs more (encryption, sockets).
   */
  call<E extends EndpointDefinition & { access: 'device' }>(
    endpoint: E,
    ...input: CallArguments<E>
  ): Promise<EndpointResult<E>> {
    return this.http.call(endpoint, ...input);
  }

  /** Like {@link call}, for an endpoint that answers with text, not JSON (the audit log's CSV). */
  callText<E extends EndpointDefinition & { access: 'device'; responseContentType: string }>(
    endpoint: E,
    ...input: CallArguments<E>
  ): Promise<string> {
    return this.http.text(endpoint, ...input);
  }

  /** A valid access token for scripts that call the HTTP API themselves (signs in if needed). */
  async accessToken(): Promise<{ token: string; expiresAt: string }> {
    const fresh = this.tokenExpiresAt && new Date(this.tokenExpiresAt).getTime() - Date.now() > 30_000;
    if (!this.token || !fresh) await this.refreshToken();
    return { token: this.token!, expiresAt: this.tokenExpiresAt! };
  }

  // ---- Account and devices ----------------------------------------------------------------

  me() {
    return this.http.call(identity.me);
  }

  async people(filter: { teamId?: string; role?: Role } = {}) {
    return (await this.http.call(identity.listPeople, { query: filter })).people;
  }

  async listDevices() {
    return (await this.http.call(identity.listOwnDevices)).devices;
  }

  async revokeDevice(deviceId: string): Promise<void> {
    await this.http.call(identity.revokeOwnDevice, { params: { id: deviceId } });
  }

  /**
   * Vouches for this device with its own signature (SPEC §13.2), as a person's first device
   * does at registration. A device linked to an existing account needs the approval of one of
   * the person's devices ({@link trust}.approveDevice) before contacts encrypt to it; the
   * server never lets a self-signature replace such an approval.
   */
  private async certifySelf(): Promise<void> {
    const subject = {
      personId: this.account.personId,
      deviceId: this.account.deviceId,
      identityKey: this.account.identity.publicKey,
    };
    await this.http.call(keyEndpoints.publishCertificate, {
      body: {
        deviceId: this.account.deviceId,
        signature: toBase64Url(signDeviceCertificate(this.account.identity, subject)),
      },
    });
  }

  /** A one-time code to link another device to this account. */
  linkDeviceCode() {
    return this.http.call(identity.createDeviceLink);
  }

  // ---- Office hours: the live queue --------------------------------------------------------

  /**
   * Follows a team's live queue (workers and admins of the team): answers the queue now, then
   * every change arrives as a `queue` event, also after reconnecting.
   */
  async watchQueue(teamId: string): Promise<TeamQueue> {
    const queue = await this.request('scheduling:queue:watch', { teamId });
    this.watchedQueues.add(teamId);
    return queue;
  }

  async unwatchQueue(teamId: string): Promise<void> {
    this.watchedQueues.delete(teamId);
    if (this.socket?.connected) await this.request('scheduling:queue:unwatch', { teamId });
  }

  // ---- Channels ---------------------------------------------------------------------------

  async listChannels(): Promise<Channel[]> {
    const { channels } = await this.http.call(chatEndpoints.listChannels);
    for (const channel of channels) await this.store.set(`channel-kind/${channel.id}`, channel.kind);
    return channels;
  }

  async openDirect(personId: string): Promise<Channel> {
    const channel = await this.http.call(chatEndpoints.openDirect, { body: { personId } });
    await this.store.set(`channel-kind/${channel.id}`, channel.kind);
    return channel;
  }

  /**
   * Creates a group. This device picks the channel id and signs every founding member (itself
   * as owner), so the other members can check who made the group (SPEC §13.5).
   */
  async createGroup(name: string, memberIds: string[] = []): Promise<Channel> {
    const channelId = crypto.randomUUID();
    const self = this.signer();
    const founders = [
      { personId: this.account.personId, role: 'owner' as const },
      ...[...new Set(memberIds)]
        .filter((personId) => personId !== this.account.personId)
        .map((personId) => ({ personId, role: 'member' as const })),
    ];
    const memberProofs = founders.map(({ personId, role }) => ({
      personId,
      proof: proveAddition(self, { channelId, personId, role, afterSeq: 0 }),
    }));
    await this.store.set(`channel-kind/${channelId}`, 'group');
    const channel = await this.http.call(chatEndpoints.createGroup, {
      body: { name, memberIds, channelId, memberProofs },
    });
    await this.store.set(`channel-kind/${channel.id}`, channel.kind);
    return channel;
  }

  /** Adds a member (owners and moderators), signed by this device after the last entry it knows of. */
  async addMember(channelId: string, personId: string, role: 'member' | 'moderator' = 'member') {
    const { lastSeq } = await this.http.call(chatEndpoints.getChannel, { params: { id: channelId } });
    const proof = proveAddition(this.signer(), { channelId, personId, role, afterSeq: lastSeq });
    return this.http.call(chatEndpoints.addMember, {
      params: { id: channelId },
      body: { personId, role, proof },
    });
  }

  private signer() {
    return {
      personId: this.account.personId,
      deviceId: this.account.deviceId,
      identity: this.account.identity,
    };
  }

  async removeMember(channelId: string, personId: string): Promise<void> {
    await this.http.call(chatEndpoints.removeMember, { params: { id: channelId, personId } });
  }

  async setDisappearing(channelId: string, seconds: number | null) {
    return this.http.call(chatEndpoints.changeSettings, {
      params: { id: channelId },
      body: { disappearingSeconds: seconds },
    });
  }

  private async channelKind(channelId: string): Promise<Channel['kind']> {
    const known = await this.store.get<Channel['kind']>(`channel-kind/${channelId}`);
    if (known) return known;
    const channel = await this.http.call(chatEndpoints.getChannel, { params: { id: channelId } });
    await this.store.set(`channel-kind/${channelId}`, channel.kind);
    return channel.kind;
  }

  // ---- Messages ---------------------------------------------------------------------------

  /**
   * Encrypts and sends. Resolves with the server's acknowledgement once the message is
   * stored; while offline or while the server is busy it keeps the message and tries again
   * (the `outgoing` event says `waiting`). Rejects only when the message will not be sent,
   * except ERR_CLIENT_CLOSED: closed while waiting, it is sent at the next connect.
   * `clientId` (8-64 letters, digits, `_` or `-`; unique per message) lets the app match
   * `outgoing` events and its own `message` to this call.
   */
  sendText(
    channelId: string,
    text: string,
    options: { replacesSeq?: number; clientId?: string } = {},
  ): Promise<SentMessage> {
    return this.outbox.send(channelId, { type: 'text', text }, options);
  }

  /** Like {@link sendText}, for any content. */
  send(
    channelId: string,
    content: MessageContent,
    options: { replacesSeq?: number; fileIds?: string[]; clientId?: string } = {},
  ): Promise<SentMessage> {
    return this.outbox.send(channelId, content, options);
  }

  /** Encrypts a file while uploading it (with progress), then sends a message that carries its key. */
  async sendFile(
    channelId: string,
    source: FileSource,
    details: {
      name: string;
      mimeType: string;
      caption?: string;
      expiresInSeconds?: number;
      onProgress?: (progress: UploadProgress) => void;
    },
  ): Promise<SentMessage & { fileId: string }> {
    const content = await uploadEncrypted(this.http, { channelId, source, ...details }, details.onProgress);
    const ack = await this.outbox.send(
      channelId,
      details.caption ? { ...content, caption: details.caption } : content,
      {
        fileIds: [content.fileId],
      },
    );
    return { ...ack, fileId: content.fileId };
  }

  /** Downloads and decrypts a file from a message; throws if it was altered or cut short. */
  downloadFile(
    content: Extract<MessageContent, { type: 'file' }>,
    onProgress?: (progress: { receivedBytes: number; totalBytes: number }) => void,
    /** `maxBytes`: refuse files whose descriptor claims more (default MAX_DOWNLOAD_BYTES, 100 MiB). */
    options?: { maxBytes?: number },
  ) {
    return downloadDecrypted(this.http, content, onProgress, options);
  }

  async deleteMessage(channelId: string, seq: number): Promise<void> {
    await this.http.call(chatEndpoints.deleteMessage, { params: { id: channelId, seq } });
  }

  /**
   * Messages of a channel after a sequence number, decrypted, from this device's store —
   * after catching up with the server, so nothing is missing.
   */
  async history(channelId: string, afterSeq = 0): Promise<ChatMessage[]> {
    const channel = await this.http
      .call(chatEndpoints.getChannel, { params: { id: channelId } })
      .catch((error: unknown) => {
        // A former member keeps what this device received up to their removal.
        if (error instanceof SpreekuurError && error.code === 'ERR_CHAT_NOT_MEMBER') return null;
        throw error;
      });
    if (channel) await this.inbox.catchUp(channelId, channel.lastSeq);
    const messages: ChatMessage[] = [];
    for (const key of await this.store.keys(`messages/${channelId}/`)) {
      const message = await this.store.get<ChatMessage>(key);
      if (message && message.seq > afterSeq) messages.push(message);
    }
    return messages.sort((a, b) => a.seq - b.seq);
  }

  /** Marks everything up to `seq` as read (sent batched). */
  markRead(channelId: string, seq: number): void {
    this.queueReceipt(channelId, { deliveredSeq: seq, readSeq: seq });
  }

  async setTyping(channelId: string, typing: boolean): Promise<void> {
    await this.request('chat:typing', { channelId, typing });
  }

  async watchPresence(personIds: string[]) {
    return this.request('presence:watch', { personIds });
  }

  async setPresence(update: { status?: 'online' | 'away'; hidden?: boolean }) {
    return this.request('presence:set', update);
  }

  /**
   * Safety numbers with each device of a person you share this channel with (compare them in
   * person). Computed from the keys this device pinned (the ones its sessions use), never from
   * what the server lists now; `state` says whether the server lists another key (`changed`)
   * or the device gets nothing from us (`untrusted`), `verified` whether you compared them.
   */
  async safetyNumbers(channelId: string, personId: string) {
    const listed = (await this.devices.refresh(channelId)).filter((device) => device.personId === personId);
    const summary = await this.devices.trust.summary(personId);
    return summary.devices
      .filter((pin) => listed.some((device) => device.deviceId === pin.deviceId))
      .map((pin) => ({
        deviceId: pin.deviceId,
        state: pin.state,
        verified: summary.verified,
        ...computeSafetyNumber(
          { id: this.account.deviceId, identityKey: this.account.identity.publicKey },
          { id: pin.deviceId, identityKey: fromBase64Url(pin.identityKey) },
        ),
      }));
  }

  /**
   * Whom this device trusts: the identity key pinned for each device of the people it talks to
   * (trust on first use), whether each person was verified, and the changes waiting for a
   * decision. Changes arrive as `trust:changed` events. See docs/chat.md, "Verifying".
   */
  readonly trust = {
    /**
     * The trust policy this device follows and what its organisation's setting says now
     * (read from the server; SPEC §13.8). Changes arrive as `trust:policy` events.
     */
    policy: (): Promise<TrustPolicyState> => this.trustPolicy.refresh(),
    /**
     * The person agrees to the `warn` their organisation now offers: this device then takes
     * changed keys at once and only reports them. Nothing changes while nothing is offered.
     */
    followOrganisationPolicy: (): Promise<TrustPolicyState> => this.trustPolicy.follow(),
    /**
     * Looks at a channel's devices now, as the server lists them, so that a contact's new device or
     * changed key shows (`trust:changed`) when the conversation opens, not only at the next send.
     */
    check: async (channelId: string): Promise<void> => {
      await this.devices.refresh(channelId);
    },
    /** Every person with pinned devices (or one person), with their devices' state. */
    list: async (personId?: string): Promise<PersonTrustSummary[]> => {
      const people = personId ? [personId] : await this.devices.trust.people();
      return Promise.all(people.map((id) => this.devices.trust.summary(id)));
    },
    /**
     * Marks a person verified after both compared safety numbers (in person or by QR). Refused
     * with ERR_CLIENT_KEY_CHANGED while a change waits: accept it (and compare again) first.
     */
    verify: async (personId: string): Promise<void> => {
      const { devices } = await this.devices.trust.summary(personId);
      if (devices.some((device) => device.state === 'changed'))
        throw new SpreekuurError('ERR_CLIENT_KEY_CHANGED', 'accept the changed key before verifying', {
          personIds: [personId],
        });
      await this.devices.trust.verify(personId);
      // Messages held for this person's safety number (a sensitive team, SPEC §13.7) go now.
      if (this.online) void this.outbox.flush();
    },
    /**
     * Approves a device linked to this account (the second step of linking): this device signs
     * its certificate, so contacts start encrypting to it. Compare the device's name and time
     * with what you just linked; `deviceId` comes from `listDevices()`.
     */
    approveDevice: async (deviceId: string): Promise<void> => {
      const device = (await this.listDevices()).find((candidate) => candidate.id === deviceId);
      if (!device || device.revokedAt)
        throw new SpreekuurError('ERR_NOT_FOUND', 'no such active device of yours');
      const subject = {
        personId: this.account.personId,
        deviceId,
        identityKey: fromBase64Url(device.identityKey),
      };
      await this.http.call(keyEndpoints.publishCertificate, {
        body: { deviceId, signature: toBase64Url(signDeviceCertificate(this.account.identity, subject)) },
      });
    },
    /**
     * Accepts a person's pending changes: a changed key becomes the pin (sessions with that
     * device start again) and untrusted devices are trusted. The person is unverified after.
     */
    accept: async (personId: string): Promise<void> => {
      for (const deviceId of await this.devices.trust.accept(personId)) {
        await this.sessions.forget(deviceId);
        await this.groups.forgetHolder(deviceId);
      }
    },
  };

  /**
   * Sensitive teams (crypto SPEC §13.7): in a team that requires it, a worker's device sends
   * nothing to a resident whose safety number the worker has not compared on this device
   * (`trust.verify`); such a message is held (`outgoing` `held`, ERR_CLIENT_UNVERIFIED_DEVICE)
   * and goes after the verification. A team once seen as sensitive stays so on this device until
   * this device switches it off: the server cannot downgrade it.
   */
  readonly verification = {
    /** The teams this device holds as sensitive, read again from the server first. */
    teams: async (): Promise<SensitiveTeam[]> => {
      await this.policy.refresh();
      return this.policy.teams();
    },
    /**
     * Switches a team's setting on the server (the team's workers and admins). Switching it off
     * here also stops this device holding it; other workers' devices keep it until they do too.
     */
    set: async (teamId: string, required: boolean) => {
      const team = await this.http.call(identity.setTeamVerification, {
        params: { id: teamId },
        body: { verifiedDevicesRequired: required },
      });
      if (!required) await this.forgetSensitiveTeam(teamId);
      else await this.policy.refresh();
      return team;
    },
    /** Stops holding a team sensitive on this device only (the server's flag is left as it is). */
    forget: (teamId: string) => this.forgetSensitiveTeam(teamId),
    /** The messages held for a resident's safety number, oldest first (to show after a restart). */
    held: () => this.outbox.held(),
  };

  private async forgetSensitiveTeam(teamId: string): Promise<void> {
    await this.policy.forget(teamId);
    if (this.online) void this.outbox.flush();
  }

  // ---- Internals --------------------------------------------------------------------------

  /**
   * Listens to a server push, parsed with the protocol's schema of that event: the server is not
   * trusted to send well-formed data, and a push that does not parse is dropped (and reported).
   */
  private onPush<E extends ServerEventName>(
    socket: Socket<ServerToClientEvents, ClientToServerEvents>,
    event: E,
    handler: PushHandlers[E],
  ): void {
    const schema: z.ZodType = serverEvents[event];
    const listener = (payload: unknown) => {
      const parsed = schema.safeParse(payload);
      if (parsed.success) handler(parsed.data as Push<E>);
      else this.emit('error', { code: 'ERR_CLIENT_BAD_RESPONSE', message: `malformed ${event} push` });
    };
    (socket.on.bind(socket) as (event: E, listener: (payload: unknown) => void) => void)(event, listener);
  }

  /** Emits a client event and waits for its ack, parsed with the protocol's ack schema. */
  private async request<E extends ClientEventName>(
    event: E,
    payload: ClientEventPayload<E>,
  ): Promise<ClientEventAck<E>> {
    const socket = this.socket;
    if (!socket?.connected) throw new SpreekuurError('ERR_CLIENT_NETWORK', 'not connected');
    const schema: z.ZodType = clientEvents[event].ack;
    let answer: Ack<unknown>;
    try {
      // socket.io's typed emitWithAck resolves only a literal event name; the map still types E.
      const timed = socket.timeout(this.options.ackTimeoutMs ?? 15_000);
      const emit = timed.emitWithAck.bind(timed) as (
        event: E,
        payload: ClientEventPayload<E>,
      ) => Promise<Ack<unknown>>;
      answer = await emit(event, payload);
    } catch {
      throw new SpreekuurError('ERR_CLIENT_TIMEOUT', `no answer to ${event}`);
    }
    if (!answer.ok) {
      const { code, message, issues, mismatch, retryAfter } = answer.error;
      throw new SpreekuurError(code, message, {
        ...(issues ? { issues } : {}),
        ...(mismatch ? { mismatch } : {}),
        ...(retryAfter ? { retryAfter } : {}),
      });
    }
    const parsed = schema.safeParse(answer.data);
    if (!parsed.success) throw new SpreekuurError('ERR_CLIENT_BAD_RESPONSE', `unexpected answer to ${event}`);
    return parsed.data as ClientEventAck<E>;
  }

  private sendOverSocket(envelope: SendMessage): Promise<SendAck> {
    return this.request('chat:send', envelope);
  }

  /** Online: after `delayMs`. Offline: once connected and caught up again. Closed: rejects. */
  private waitToRetry(delayMs: number): Promise<void> {
    if (this.closed) return Promise.reject(new SpreekuurError('ERR_CLIENT_CLOSED', 'client closed'));
    return new Promise((resolve, reject) => {
      const waiter: (typeof this.retryWaiters)[number] = { resolve, reject };
      if (this.socket?.connected) {
        waiter.timer = setTimeout(() => {
          this.retryWaiters = this.retryWaiters.filter((other) => other !== waiter);
          resolve();
        }, delayMs);
      }
      this.retryWaiters.push(waiter);
    });
  }

  private async onConnected(): Promise<void> {
    if (this.closed) return;
    this.emit('connection', { state: 'online' });
    await this.trustPolicy.refresh();
    try {
      const { channels } = await this.request('chat:sync', {});
      for (const summary of channels) void this.inbox.catchUp(summary.id, summary.lastSeq);
      // Channels this device knows that the server no longer lists: we were removed while away.
      const listed = new Set(channels.map((summary) => summary.id));
      for (const key of await this.store.keys('cursor/')) {
        const channelId = key.slice('cursor/'.length);
        if (!listed.has(channelId) && (await this.store.get(`left/${channelId}`)) === undefined)
          void this.inbox.recheck(channelId);
      }
      await this.inbox.idle();
    } catch (error) {
      this.emit('error', { code: errorCode(error), message: 'catching up after connecting failed' });
    }
    for (const waiter of this.retryWaiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.resolve();
    }
    // Sensitive teams (SPEC §13.7) are read again before held and new messages go out.
    await this.policy.connected().catch(() => undefined);
    void this.outbox.flush();
    // A new connection is in no team's room yet: watch again, and hand the app the queue as it is now.
    for (const teamId of this.watchedQueues) {
      this.request('scheduling:queue:watch', { teamId }).then(
        (queue) => this.emit('queue', queue),
        (error: unknown) =>
          this.emit('error', { code: errorCode(error), message: 'watching the queue failed' }),
      );
    }
  }

  /** Signs in again after the server closed the socket; stops for good if the device was revoked. */
  private async recover(): Promise<void> {
    try {
      await this.refreshToken();
      if (!this.socket?.connected) this.socket?.connect();
    } catch (error) {
      if (error instanceof SpreekuurError && error.code === 'ERR_AUTH_DEVICE_REVOKED') {
        this.emit('revoked', { reason: 'device_revoked' });
        await this.close();
        return;
      }
      setTimeout(() => void this.recover(), 2_000);
    }
  }

  /** One login at a time: calls made while signing in wait for it instead of each logging in. */
  private refreshToken(): Promise<void> {
    this.tokenRefresh ??= this.logInNow().finally(() => {
      this.tokenRefresh = null;
    });
    return this.tokenRefresh;
  }

  private async logInNow(): Promise<void> {
    const session = await logIn(this.http, this.account);
    this.token = session.accessToken;
    this.tokenExpiresAt = session.expiresAt;
    clearTimeout(this.tokenTimer);
    // Renew a minute before expiry, and hand the new token to the live socket.
    const renewIn = Math.max(5_000, new Date(session.expiresAt).getTime() - Date.now() - 60_000);
    this.tokenTimer = setTimeout(() => {
      this.refreshToken()
        .then(() =>
          this.socket?.connected ? this.request('session:refresh', { token: this.token ?? '' }) : undefined,
        )
        .catch(() => undefined);
    }, renewIn);
    (this.tokenTimer as { unref?: () => void }).unref?.();
  }

  private async refillPrekeys(): Promise<void> {
    const status = await this.http.call(keyEndpoints.status);
    if (status.oneTimePrekeys >= status.lowWatermark) return;
    const prekeys = await this.prekeys.refill(Math.min(ONE_TIME_PREKEY_BATCH, 200 - status.oneTimePrekeys));
    await this.http.call(keyEndpoints.addOneTimePrekeys, { body: { prekeys } });
  }

  private queueReceipt(channelId: string, receipt: { deliveredSeq: number; readSeq?: number }): void {
    const current = this.receipts.get(channelId) ?? { deliveredSeq: 0, readSeq: 0 };
    this.receipts.set(channelId, {
      deliveredSeq: Math.max(current.deliveredSeq, receipt.deliveredSeq),
      readSeq: Math.max(current.readSeq, receipt.readSeq ?? 0),
    });
    // After close() the final flush takes what is queued; no new timers.
    if (!this.receiptTimer && !this.closed)
      this.receiptTimer = setTimeout(() => void this.flushReceipts(), RECEIPT_DELAY_MS);
  }

  private async flushReceipts(): Promise<void> {
    clearTimeout(this.receiptTimer);
    this.receiptTimer = undefined;
    if (this.receipts.size === 0) return;
    const receipts = [...this.receipts].map(([channelId, cursor]) => ({
      channelId,
      deliveredSeq: cursor.deliveredSeq,
      ...(cursor.readSeq > 0 ? { readSeq: cursor.readSeq } : {}),
    }));
    this.receipts.clear();
    try {
      for (let start = 0; start < receipts.length; start += 200) {
        await this.http.call(chatEndpoints.recordReceipts, {
          body: { receipts: receipts.slice(start, start + 200) },
        });
      }
    } catch {
      // Receipts are a courtesy; the next batch carries the higher cursor anyway.
    }
  }
}

function errorCode(error: unknown): string {
  return error instanceof SpreekuurError ? error.code : 'ERR_CLIENT_INTERNAL';
}
