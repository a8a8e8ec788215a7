// An SMTP server on loopback for the mail tests (smtp-server): no TLS, no authentication, a
// random port. It keeps each message with its envelope, and can refuse a recipient with the
// reply a real server would give (550 permanent, 451 try later), or keep a message and drop the
// connection before its reply, as a server that queued it and then failed would.
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  readonly envelopeFrom: string;
  readonly envelopeTo: readonly string[];
  readonly raw: Buffer;
}

export type RcptReply = { code: number; text: string } | undefined;

export interface LoopbackSmtp {
  readonly url: string;
  readonly received: ReceivedMail[];
  /** Decides the reply to RCPT TO, per address and per call (1-based, for that address). */
  refuse: (address: string, call: number) => RcptReply;
  /** Keeps the message, then closes the connection with no reply: per address and per message (1-based). */
  dropAfterData: (address: string, message: number) => boolean;
  /** Keeps the message and replies only once the promise settles (a slow server), per address. */
  holdReply: (address: string) => Promise<void> | undefined;
  /** Forgets the mail received and accepts every recipient again. */
  reset(): void;
  close(): Promise<void>;
}

export async function startLoopbackSmtp(): Promise<LoopbackSmtp> {
  const received: ReceivedMail[] = [];
  const calls = new Map<string, number>();
  const messages = new Map<string, number>();
  const state: Pick<LoopbackSmtp, 'refuse' | 'dropAfterData' | 'holdReply'> = {
    refuse: () => undefined,
    dropAfterData: () => false,
    holdReply: () => undefined,
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const call = (calls.get(address.address) ?? 0) + 1;
      calls.set(address.address, call);
      const reply = state.refuse(address.address, call);
      if (!reply) return callback();
      return callback(Object.assign(new Error(reply.text), { responseCode: reply.code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const envelopeTo = session.envelope.rcptTo.map((rcpt) => rcpt.address);
        received.push({
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          envelopeTo,
          raw: Buffer.concat(chunks),
        });
        const address = envelopeTo[0] ?? '';
        const message = (messages.get(address) ?? 0) + 1;
        messages.set(address, message);
        if (!state.dropAfterData(address, message)) {
          const held = state.holdReply(address);
          return held ? void held.then(() => callback()) : callback();
        }
        // No reply to the data: the client cannot know the message was kept.
        for (const connection of server.connections) if (connection.session === session) connection.close();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as { port: number };
  return Object.assign(state, {
    url: `smtp://127.0.0.1:${port}`,
    received,
    reset: () => {
      received.length = 0;
      calls.clear();
      messages.clear();
      state.refuse = () => undefined;
      state.dropAfterData = () => false;
      state.holdReply = () => undefined;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
