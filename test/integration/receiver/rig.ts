// One receiver for one test: its own store, free loopback ports, both stopped and released afterwards.
import { OtlpReceiver, type OtlpReceiverOptions } from '../../../src/backends/receiver/receiver';
import { TraceStore } from '../../../src/backends/receiver/store';

export async function withReceiver(
  options: Omit<OtlpReceiverOptions, 'store' | 'port'>,
  fn: (receiver: OtlpReceiver, store: TraceStore) => Promise<void>,
): Promise<void> {
  const store = new TraceStore({ autoSweep: false });
  const receiver = new OtlpReceiver({ store, port: 0, ...options });
  await receiver.start();
  try {
    await fn(receiver, store);
  } finally {
    await receiver.stop();
    store.dispose();
  }
}
