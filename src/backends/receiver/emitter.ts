// A minimal typed event, shaped like `vscode.Event<T>` so the host can hand it to its Disposable plumbing
// without this folder importing `vscode`.

export interface Subscription {
  dispose(): void;
}

export type Listener<T> = (value: T) => void;
export type Event<T> = (listener: Listener<T>) => Subscription;

export class Emitter<T> {
  private listeners: Listener<T>[] = [];

  readonly event: Event<T> = listener => {
    this.listeners.push(listener);
    return {
      dispose: () => {
        this.listeners = this.listeners.filter(l => l !== listener);
      },
    };
  };

  get hasListeners(): boolean {
    return this.listeners.length > 0;
  }

  fire(value: T): void {
    // A throwing listener must not stop the others or the ingest path that fired the event.
    for (const l of this.listeners.slice()) {
      try {
        l(value);
      } catch (err) {
        console.error('spanscope: an event listener threw', err);
      }
    }
  }

  dispose(): void {
    this.listeners = [];
  }
}
