import type { ChatMessage, OutgoingUpdate } from '@spreekuur/client';
import type { Cast, Player } from './cast.ts';

/**
 * What was sent, what the server acknowledged, and what every recipient device was shown,
 * kept by message id (the SDK's clientId), so loss, duplicates and order can be counted.
 */
export interface Counts {
  sent: number;
  acked: number;
  /** Sends still waiting in an outbox (the SDK retries them; at the end this must be 0). */
  pending: number;
  /** Sends the SDK gave up on (rejected): they were never stored. */
  refused: number;
  /** Expected deliveries: every acked message × every other member device of its channel. */
  expected: number;
  delivered: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  /** Codes the outboxes reported while waiting (why a send had to be retried). */
  waitingCodes: Record<string, number>;
}

interface Sent {
  channelId: string;
  sender: Player;
  recipients: Player[];
  seq?: number;
  refused?: string;
}

export class Ledger {
  private readonly sent = new Map<string, Sent>();
  private readonly inflight = new Set<Promise<unknown>>();
  /** Per recipient device: how often each clientId was shown, and the seqs per channel in order. */
  private readonly shown = new Map<Player, Map<string, number>>();
  private readonly order = new Map<Player, Map<string, number[]>>();
  private readonly waiting: Record<string, number> = {};
  private nextNumber = 0;

  constructor(
    private readonly cast: Cast,
    /** Part of every text, so the canary searches know what to look for. */
    readonly canary: string,
  ) {
    for (const player of cast.everyone) {
      this.shown.set(player, new Map());
      this.order.set(player, new Map());
      player.client.on('message', (message) => this.onMessage(player, message));
      player.client.on('outgoing', (update) => this.onOutgoing(update));
    }
  }

  /** Sends one numbered text from `sender` in `channel`, without waiting for the ack. */
  send(sender: Player, channel: Cast['channels'][number]): void {
    const clientId = `fault-${String(this.nextNumber++).padStart(6, '0')}-${sender.client.account.deviceId.slice(0, 8)}`;
    const record: Sent = {
      channelId: channel.id,
      sender,
      recipients: channel.members.filter((m) => m !== sender),
    };
    this.sent.set(clientId, record);
    const attempt = sender.client
      .sendText(channel.id, `${this.canary} bericht ${clientId}`, { clientId })
      .then(
        (ack) => void (record.seq = ack.seq),
        (error: unknown) => void (record.refused = (error as { code?: string }).code ?? String(error)),
      );
    this.inflight.add(attempt);
    void attempt.finally(() => this.inflight.delete(attempt));
  }

  /** Resolves when every send has been acknowledged or refused. */
  async settled(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.inflight.size > 0 && Date.now() < deadline) {
      await Promise.race([Promise.all([...this.inflight]), sleep(500)]);
    }
  }

  /** Waits until every acked message reached every recipient (or the time is up), then counts. */
  async delivered(timeoutMs: number): Promise<Counts> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = this.counts();
      if ((counts.lost === 0 && counts.pending === 0) || Date.now() > deadline) return counts;
      await sleep(250);
    }
  }

  counts(): Counts {
    let acked = 0;
    let pending = 0;
    let refused = 0;
    let expected = 0;
    let delivered = 0;
    let lost = 0;
    let duplicated = 0;
    for (const [clientId, record] of this.sent) {
      if (record.refused) refused++;
      else if (record.seq === undefined) pending++;
      else acked++;
      if (record.seq === undefined) continue;
      for (const recipient of record.recipients) {
        expected++;
        const times = this.shown.get(recipient)?.get(clientId) ?? 0;
        if (times === 0) lost++;
        else delivered++;
        if (times > 1) duplicated += times - 1;
      }
    }
    let outOfOrder = 0;
    for (const channels of this.order.values()) {
      for (const seqs of channels.values()) {
        for (let i = 1; i < seqs.length; i++) if (seqs[i]! <= seqs[i - 1]!) outOfOrder++;
      }
    }
    return {
      sent: this.sent.size,
      acked,
      pending,
      refused,
      expected,
      delivered,
      lost,
      duplicated,
      outOfOrder,
      waitingCodes: { ...this.waiting },
    };
  }

  private onMessage(player: Player, message: ChatMessage): void {
    if (message.own) return;
    const shown = this.shown.get(player)!;
    shown.set(message.clientId, (shown.get(message.clientId) ?? 0) + 1);
    const channels = this.order.get(player)!;
    const seqs = channels.get(message.channelId) ?? [];
    seqs.push(message.seq);
    channels.set(message.channelId, seqs);
  }

  private onOutgoing(update: OutgoingUpdate): void {
    if (update.state === 'waiting' && update.code)
      this.waiting[update.code] = (this.waiting[update.code] ?? 0) + 1;
  }
}

/** Every player sends in each of their channels in turn, every `everyMs`, until stopped. */
export function steadyTraffic(ledger: Ledger, cast: Cast, everyMs: number): { stop(): void } {
  const timers = cast.everyone.map((player, index) => {
    const mine = cast.channels.filter((c) => c.members.includes(player));
    let turn = index;
    return setInterval(() => ledger.send(player, mine[turn++ % mine.length]!), everyMs);
  });
  return { stop: () => timers.forEach((timer) => clearInterval(timer)) };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One line for the log of the run, and for docs/reliability.md. */
export function describeCounts(phase: string, counts: Counts): string {
  const codes = Object.entries(counts.waitingCodes)
    .map(([code, n]) => `${code}×${n}`)
    .join(' ');
  return (
    `[faults] ${phase}: sent ${counts.sent}, acked ${counts.acked}, pending ${counts.pending}, refused ${counts.refused}, ` +
    `deliveries expected ${counts.expected}, delivered ${counts.delivered}, lost ${counts.lost}, ` +
    `duplicated ${counts.duplicated}, out of order ${counts.outOfOrder}${codes ? `; retried after: ${codes}` : ''}`
  );
}
