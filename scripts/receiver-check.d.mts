// Types for scripts/receiver-check.mjs (the demo's "are the traces received?" check; its tests import it).
export declare const HUB_PATH: string;
export declare function hubKeyFile(userDataDir: string, extensionId?: string): string;
export interface ReceiverCheck {
  readonly state: 'receiving' | 'waiting' | 'no-traces' | 'wrong-receiver';
  readonly message: string;
  readonly traces?: number;
}
export declare function checkReceiver(options: { host?: string; port: number; keyFile: string; service: string }): Promise<ReceiverCheck>;
