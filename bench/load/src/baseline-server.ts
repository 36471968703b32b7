/**
 * The baseline: a bare socket.io relay with Spreekuur's wire shape and nothing else. It takes
 * `chat:send`, numbers it per channel in memory, pushes `chat:event` to the addressed devices'
 * rooms and acks — no validation, no authentication, no storage. The load client drives it
 * exactly as it drives Spreekuur, so the ratio of the two is what the real server costs.
 * Run as its own process; prints `{"port":N}` on stdout once listening.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

interface Envelope {
  kind: 'pairwise' | 'group';
  channelId: string;
  clientId: string;
  payloads?: Array<{ deviceId: string; ciphertext: string }>;
  ciphertext?: string;
  recipientDeviceIds?: string[];
}

const http = createServer();
const io = new Server(http, { serveClient: false, maxHttpBufferSize: 1 << 20 });
const seqs = new Map<string, number>();

io.on('connection', (socket) => {
  const deviceId = String(socket.handshake.query.device);
  void socket.join(`device:${deviceId}`);
  socket.on('chat:send', (envelope: Envelope, ack: (answer: unknown) => void) => {
    const seq = (seqs.get(envelope.channelId) ?? 0) + 1;
    seqs.set(envelope.channelId, seq);
    const createdAt = new Date().toISOString();
    const event = {
      kind: 'message',
      channelId: envelope.channelId,
      seq,
      createdAt,
      senderDeviceId: deviceId,
      clientId: envelope.clientId,
      envelopeKind: envelope.kind,
      replacesSeq: null,
      fileIds: [],
      expiresAt: null,
      deleted: false,
    };
    if (envelope.kind === 'pairwise') {
      for (const payload of envelope.payloads ?? [])
        io.to(`device:${payload.deviceId}`).emit('chat:event', { ...event, ciphertext: payload.ciphertext });
    } else {
      const rooms = (envelope.recipientDeviceIds ?? []).map((id) => `device:${id}`);
      if (rooms.length > 0) io.to(rooms).emit('chat:event', { ...event, ciphertext: envelope.ciphertext });
    }
    ack({ ok: true, data: { channelId: envelope.channelId, seq, createdAt, duplicate: false } });
  });
});

http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  process.stdout.write(
    `${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`,
  );
});
process.on('SIGTERM', () => {
  void io.close();
  process.exit(0);
});
