import type { Histogram } from './histogram.ts';

/** What the orchestrator and its client processes tell each other (over the fork IPC channel). */

/** One simulated device: a socket, and what it sends when it is a sender. */
export interface DevicePlan {
  deviceId: string;
  token: string;
  sends?: {
    channelId: string;
    kind: 'pairwise' | 'group';
    /** Every device the envelope must address (the channel's other member devices). */
    recipients: string[];
  };
}

export interface RunSpec {
  phase: number;
  durationMs: number;
  /** Unacknowledged messages each sender keeps in flight (closed loop). */
  window: number;
  /** Open loop instead: messages per second each sender sends, acked or not. */
  ratePerSender?: number;
  /** Ciphertext bytes per recipient device (pairwise) or for all (group). */
  ciphertextBytes: number;
}

/** A device of the connection soak: `sockets` sockets of its own, idle, in these channels. */
export interface SoakPlan {
  deviceId: string;
  token: string;
  sockets: number;
}

/** What one client process saw of a reconnect storm. */
export interface StormResult {
  /** Wall-clock ms when the last of its sockets had caught up (0 if none did). */
  lastCaughtUp: number;
  /** Sockets that reconnected and caught up with every channel the server listed. */
  caughtUp: number;
  /** Channel entries fetched by history requests during the catch-up. */
  fetched: number;
  errors: Record<string, number>;
  clientCpuMs: number;
}

export type ToClient =
  | { type: 'connect'; url: string; devices: DevicePlan[] }
  /** Soak: opens the devices' sockets (many at once), each syncing once like the SDK does. */
  | { type: 'soak'; url: string; devices: SoakPlan[]; catchUp: boolean }
  /** Storm, part 1: every soak socket drops (as a network outage would). */
  | { type: 'drop' }
  /** Storm, part 2: every soak socket comes back at once and catches up. */
  | { type: 'storm' }
  /** Closes the soak sockets. */
  | { type: 'close-soak' }
  | { type: 'run'; spec: RunSpec }
  | { type: 'report' }
  | { type: 'exit' };

export interface PhaseResult {
  phase: number;
  /** Wall-clock ms (performance.timeOrigin + now) of the first send and last ack or delivery. */
  firstSend: number;
  lastAck: number;
  lastDelivery: number;
  acked: number;
  failed: number;
  errors: Record<string, number>;
  deliveries: number;
  /** Send → recipient's receipt of the push, ms, for messages of this phase. */
  latencies: Histogram;
  ackLatencies: Histogram;
  clientCpuMs: number;
}

/** For the lost/duplicated check, over the whole run: acked seqs per channel and sender, seqs seen per device. */
export interface Ledger {
  /** channel → sending device → acknowledged seqs. */
  acked: Record<string, Record<string, number[]>>;
  /** receiving device → channel → seqs pushed to it (a seq twice is a duplicate). */
  received: Record<string, Record<string, number[]>>;
}

export type FromClient =
  | { type: 'connected'; failures: number }
  | { type: 'soaked'; connected: number; failures: number; errors: Record<string, number> }
  | { type: 'dropped' }
  | { type: 'stormed'; result: StormResult }
  | { type: 'closed' }
  | { type: 'phase'; result: PhaseResult }
  | { type: 'ledger'; ledger: Ledger };
