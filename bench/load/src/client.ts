/**
 * One load-client process: holds many sockets (one per simulated device), sends in a closed
 * loop when told to, and records what it acknowledged and received. Run by main.ts with
 * `fork`; it talks to its parent only over the IPC channel.
 *
 * The ciphertext is random bytes of a realistic size, not real encryption: the server never
 * decrypts, so real crypto would only measure this process. Its first 9 bytes carry the send
 * time (float64, ms since the epoch with sub-ms precision) and the phase, so the recipient can
 * measure send → push latency (all processes share this machine's clock).
 */
import { randomBytes } from 'node:crypto';
import { Agent, get } from 'node:http';
import { io, type Socket } from 'socket.io-client';
import { newHistogram, record } from './histogram.ts';
import type {
  DevicePlan,
  FromClient,
  Ledger,
  PhaseResult,
  RunSpec,
  SoakPlan,
  StormResult,
  ToClient,
} from './wire.ts';

const now = () => performance.timeOrigin + performance.now();
const send = (message: FromClient) => process.send!(message);

interface Device {
  plan: DevicePlan;
  socket: Socket;
}

interface Ack {
  ok: boolean;
  data?: { seq: number };
  error?: { code: string };
}

interface PushedEvent {
  kind: string;
  channelId: string;
  seq: number;
  ciphertext?: string | null;
}

const devices: Device[] = [];
const ledger: Ledger = { acked: {}, received: {} };
let phase: PhaseResult | null = null;

function newPhase(number: number): PhaseResult {
  return {
    phase: number,
    firstSend: Infinity,
    lastAck: 0,
    lastDelivery: 0,
    acked: 0,
    failed: 0,
    errors: {},
    deliveries: 0,
    latencies: newHistogram(),
    ackLatencies: newHistogram(),
    clientCpuMs: 0,
  };
}

function onPush(device: Device, event: PushedEvent): void {
  if (event.kind !== 'message' || !event.ciphertext) return;
  const channels = (ledger.received[device.plan.deviceId] ??= {});
  (channels[event.channelId] ??= []).push(event.seq);
  const header = Buffer.from(event.ciphertext.slice(0, 12), 'base64url');
  const sentAt = header.readDoubleLE(0);
  const sentInPhase = header[8];
  const at = now();
  if (!phase || sentInPhase !== phase.phase) return;
  phase.deliveries++;
  phase.lastDelivery = at;
  record(phase.latencies, at - sentAt);
}

async function connectAll(url: string, plans: DevicePlan[]): Promise<number> {
  let failures = 0;
  // A few at a time: the server authenticates each handshake with a token lookup.
  for (let i = 0; i < plans.length; i += 20) {
    await Promise.all(
      plans.slice(i, i + 20).map(
        (plan) =>
          new Promise<void>((resolve) => {
            const socket = io(url, {
              transports: ['websocket'],
              forceNew: true,
              auth: { token: plan.token },
              query: { device: plan.deviceId },
              reconnection: false,
            });
            const device = { plan, socket };
            socket.on('chat:event', (event: PushedEvent) => onPush(device, event));
            socket.on('disconnect', (reason) => {
              if (phase)
                phase.errors[`disconnect: ${reason}`] = (phase.errors[`disconnect: ${reason}`] ?? 0) + 1;
            });
            socket.once('connect', () => {
              devices.push(device);
              resolve();
            });
            socket.once('connect_error', () => {
              failures++;
              resolve();
            });
          }),
      ),
    );
  }
  return failures;
}

/** An ack that has not come by then counts as failed (a lost socket must not hang the run). */
const ACK_TIMEOUT_MS = 30_000;

let clientIds = 0;
const clientPrefix = randomBytes(6).toString('base64url');

/**
 * Sends from every sending device for `durationMs`: closed loop (each keeps `window` messages
 * in flight, the next sent when one is acked) or, with `ratePerSender`, open loop (a message
 * every 1/rate s whatever the acks, so latency is read at a fixed load).
 */
async function run(spec: RunSpec): Promise<PhaseResult> {
  const result = newPhase(spec.phase);
  phase = result;
  const cpuBefore = process.cpuUsage();
  const stopAt = now() + spec.durationMs;
  const senders = devices.filter((device) => device.plan.sends);
  await Promise.all(
    senders.map(
      (device) =>
        new Promise<void>((resolve) => {
          const target = device.plan.sends!;
          const body = randomBytes(spec.ciphertextBytes);
          let inFlight = 0;
          const sendOne = () => {
            inFlight++;
            const sentAt = now();
            if (sentAt < result.firstSend) result.firstSend = sentAt;
            body.writeDoubleLE(sentAt, 0);
            body[8] = spec.phase;
            const ciphertext = body.toString('base64url');
            const clientId = `${clientPrefix}${(clientIds++).toString(36)}`;
            const envelope =
              target.kind === 'pairwise'
                ? {
                    kind: 'pairwise',
                    channelId: target.channelId,
                    clientId,
                    payloads: target.recipients.map((deviceId) => ({ deviceId, ciphertext })),
                  }
                : {
                    kind: 'group',
                    channelId: target.channelId,
                    clientId,
                    ciphertext,
                    recipientDeviceIds: target.recipients,
                  };
            device.socket
              .timeout(ACK_TIMEOUT_MS)
              .emit('chat:send', envelope, (timedOut: Error | null, ack: Ack) => {
                inFlight--;
                const at = now();
                if (timedOut) {
                  result.failed++;
                  result.errors.timeout = (result.errors.timeout ?? 0) + 1;
                } else if (ack.ok && ack.data) {
                  result.acked++;
                  result.lastAck = at;
                  record(result.ackLatencies, at - sentAt);
                  const senders = (ledger.acked[target.channelId] ??= {});
                  (senders[device.plan.deviceId] ??= []).push(ack.data.seq);
                } else {
                  result.failed++;
                  const code = ack.error?.code ?? 'unknown';
                  result.errors[code] = (result.errors[code] ?? 0) + 1;
                }
                const more = now() < stopAt && device.socket.connected;
                if (more && !spec.ratePerSender) sendOne();
                else if (!more && inFlight === 0) resolve();
              });
          };
          if (spec.ratePerSender) {
            const interval = 1000 / spec.ratePerSender;
            // Senders start at random offsets, so the load is even rather than in bursts.
            setTimeout(() => {
              const timer = setInterval(() => {
                if (now() >= stopAt || !device.socket.connected) {
                  clearInterval(timer);
                  if (inFlight === 0) resolve();
                  return;
                }
                sendOne();
              }, interval);
            }, Math.random() * interval);
          } else {
            for (let i = 0; i < spec.window; i++) sendOne();
          }
        }),
    ),
  );
  const rest = stopAt - now();
  if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
  // Let the pushes of the last messages arrive: until nothing came for half a second.
  let seen = -1;
  while (seen !== result.deliveries) {
    seen = result.deliveries;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const cpu = process.cpuUsage(cpuBefore);
  result.clientCpuMs = (cpu.user + cpu.system) / 1000;
  phase = null;
  return result;
}

// ---- Connection soak and reconnect storm ---------------------------------------------------

interface SoakSocket {
  plan: SoakPlan;
  socket: Socket;
  /** channel → the last seq this socket has (from its syncs and history fetches). */
  cursors: Map<string, number>;
}

interface SyncAck {
  ok: boolean;
  data?: { channels: Array<{ id: string; lastSeq: number }> };
  error?: { code: string };
}

let soakUrl = '';
let soakCatchUp = true;
const soakSockets: SoakSocket[] = [];
const countError = (errors: Record<string, number>, code: string) => {
  errors[code] = (errors[code] ?? 0) + 1;
};

/**
 * Few HTTP connections per process: 20,000 sockets plus one HTTP connection each would run out
 * of loopback ports; a real device has its own address. Requests queue here instead.
 */
const httpAgent = new Agent({ keepAlive: true, maxSockets: 64 });

function getJson(path: string, token: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const request = get(
      `${soakUrl}${path}`,
      { agent: httpAgent, headers: { authorization: `Bearer ${token}` } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: response.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : null });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
  });
}

/**
 * What the SDK does on every (re)connect: `chat:sync`, then the history after its cursor of
 * every channel whose last seq is beyond it. Resolves with the entries fetched.
 */
async function syncAndCatchUp(soak: SoakSocket, errors: Record<string, number>): Promise<number | null> {
  const ack = await new Promise<SyncAck | null>((resolve) =>
    soak.socket
      .timeout(ACK_TIMEOUT_MS)
      .emit('chat:sync', {}, (timedOut: Error | null, answer: SyncAck) => resolve(timedOut ? null : answer)),
  );
  if (!ack) {
    countError(errors, 'sync timeout');
    return null;
  }
  if (!ack.ok || !ack.data) {
    countError(errors, `sync ${ack.error?.code ?? 'unknown'}`);
    return null;
  }
  let fetched = 0;
  for (const channel of ack.data.channels) {
    const known = soak.cursors.get(channel.id);
    if (known === undefined) {
      // First sync of this socket: it starts from what the server has now.
      soak.cursors.set(channel.id, channel.lastSeq);
      continue;
    }
    let cursor: number = known;
    while (cursor < channel.lastSeq) {
      const page: { status: number; body: unknown } | null = await getJson(
        `/v1/channels/${channel.id}/events?after=${cursor}&limit=500`,
        soak.plan.token,
      ).catch(() => null);
      if (!page || page.status !== 200) {
        countError(errors, `history ${page?.status ?? 'network'}`);
        return null;
      }
      const events: Array<{ seq: number }> = (page.body as { events: Array<{ seq: number }> }).events;
      if (events.length === 0) {
        countError(errors, 'history gap');
        return null;
      }
      const before: number = cursor;
      for (const event of events) if (event.seq === cursor + 1) cursor = event.seq;
      if (cursor === before) {
        countError(errors, 'history gap');
        return null;
      }
      fetched += events.length;
      soak.cursors.set(channel.id, cursor);
    }
  }
  return fetched;
}

/**
 * Source addresses of the soak's sockets, spread over 127.0.0.2–127.0.0.61: one address has
 * only ~28,000 ephemeral ports, and 20,000 sockets coming back while the ports of the 20,000
 * that dropped are still in TIME_WAIT would run out of them (the storm would measure that).
 */
let soakSocketCount = 0;
const nextSourceAddress = () => `127.0.0.${2 + (soakSocketCount++ % 60)}`;

function openSoakSocket(plan: SoakPlan): SoakSocket {
  const options = {
    transports: ['websocket'],
    forceNew: true,
    auth: { token: plan.token },
    query: { device: plan.deviceId },
    reconnection: false,
    autoConnect: false,
  };
  // engine.io-client passes `localAddress` on to ws; socket.io-client's types do not list it.
  const socket = io(soakUrl, Object.assign(options, { localAddress: nextSourceAddress() }));
  return { plan, socket, cursors: new Map() };
}

/** Connects (or reconnects) one soak socket and lets it catch up; null if that failed. */
function connectAndCatchUp(soak: SoakSocket, errors: Record<string, number>): Promise<number | null> {
  return new Promise((resolve) => {
    const onError = (error: Error & { data?: { code?: string } }) => {
      soak.socket.off('connect', onConnect);
      countError(errors, `connect ${error.data?.code ?? error.message}`);
      resolve(null);
    };
    const onConnect = () => {
      soak.socket.off('connect_error', onError);
      if (!soakCatchUp) return resolve(0);
      void syncAndCatchUp(soak, errors).then(resolve);
    };
    soak.socket.once('connect', onConnect);
    soak.socket.once('connect_error', onError);
    soak.socket.connect();
  });
}

async function soak(url: string, plans: SoakPlan[], catchUp: boolean): Promise<FromClient> {
  soakUrl = url;
  soakCatchUp = catchUp;
  const errors: Record<string, number> = {};
  const all = plans.flatMap((plan) => Array.from({ length: plan.sockets }, () => openSoakSocket(plan)));
  let connected = 0;
  let failures = 0;
  // 100 handshakes at a time: the soak measures holding sockets, the storm measures the rush.
  for (let i = 0; i < all.length; i += 100) {
    const batch = all.slice(i, i + 100);
    const outcomes = await Promise.all(batch.map((one) => connectAndCatchUp(one, errors)));
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome === null) failures++;
      else {
        connected++;
        soakSockets.push(batch[index]!);
      }
    }
  }
  return { type: 'soaked', connected, failures, errors };
}

async function storm(): Promise<StormResult> {
  const cpuBefore = process.cpuUsage();
  const errors: Record<string, number> = {};
  let lastCaughtUp = 0;
  let caughtUp = 0;
  let fetched = 0;
  await Promise.all(
    soakSockets.map((one) =>
      connectAndCatchUp(one, errors).then((outcome) => {
        if (outcome === null) return;
        caughtUp++;
        fetched += outcome;
        lastCaughtUp = Math.max(lastCaughtUp, now());
      }),
    ),
  );
  const cpu = process.cpuUsage(cpuBefore);
  return { lastCaughtUp, caughtUp, fetched, errors, clientCpuMs: (cpu.user + cpu.system) / 1000 };
}

process.on('message', (message: ToClient) => {
  switch (message.type) {
    case 'soak':
      void soak(message.url, message.devices, message.catchUp).then(send);
      return;
    case 'drop':
      for (const one of soakSockets) one.socket.disconnect();
      send({ type: 'dropped' });
      return;
    case 'storm':
      void storm().then((result) => send({ type: 'stormed', result }));
      return;
    case 'close-soak':
      for (const one of soakSockets.splice(0)) one.socket.close();
      send({ type: 'closed' });
      return;
    case 'connect':
      void connectAll(message.url, message.devices).then((failures) => send({ type: 'connected', failures }));
      return;
    case 'run':
      void run(message.spec).then((result) => send({ type: 'phase', result }));
      return;
    case 'report':
      send({ type: 'ledger', ledger });
      return;
    case 'exit':
      for (const device of devices) device.socket.close();
      for (const one of soakSockets) one.socket.close();
      process.exit(0);
  }
});
