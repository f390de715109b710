// Runs one server for the process that forked it (the CommonJS entry, see src/cjs/index.cts). The parent sends
// the start options; this answers with the endpoint or the start-up failure, and shuts the server down when the
// parent asks or goes away, so a forgotten close() leaves no server behind.
import { startServer, type RunningServer, type StartOptions } from '../server.js';

export type ParentMessage = { type: 'start'; options: StartOptions } | { type: 'close' };
export type ChildMessage = { type: 'started'; endpoint: string; port: number } | { type: 'failed'; message: string };

let running: RunningServer | undefined;
let stopping = false;

/** Resolves once the message is handed to the channel, so exiting right after cannot drop it. */
function reply(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected || !process.send) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });
}

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await running?.close();
  process.exit(0);
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'close') {
    void stop();
    return;
  }
  startServer(message.options).then(
    (server) => {
      running = server;
      void reply({ type: 'started', endpoint: server.endpoint, port: server.port });
    },
    (err: unknown) => {
      void reply({ type: 'failed', message: err instanceof Error ? err.message : String(err) }).then(() => process.exit(1));
    },
  );
});
process.on('disconnect', () => void stop());
