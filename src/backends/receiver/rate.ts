// Spans per second over a moving window of one-second buckets (what the status bar shows).

export class RateMeter {
  private readonly buckets: Float64Array;
  private readonly stamps: Float64Array;

  constructor(private readonly windowSeconds = 10, private readonly now: () => number = Date.now) {
    this.buckets = new Float64Array(windowSeconds);
    this.stamps = new Float64Array(windowSeconds).fill(-1);
  }

  record(count: number): void {
    const sec = Math.floor(this.now() / 1000);
    const i = sec % this.windowSeconds;
    if (this.stamps[i] !== sec) {
      this.stamps[i] = sec;
      this.buckets[i] = 0;
    }
    this.buckets[i]! += count;
  }

  /** Average per second over the last `windowSeconds` full seconds plus the current partial one. */
  perSecond(): number {
    const nowMs = this.now();
    const sec = Math.floor(nowMs / 1000);
    let total = 0;
    for (let k = 0; k < this.windowSeconds; k++) {
      if (this.stamps[k]! > sec - this.windowSeconds && this.stamps[k]! <= sec) total += this.buckets[k]!;
    }
    const elapsed = this.windowSeconds - 1 + (nowMs % 1000) / 1000;
    return total / Math.max(elapsed, 1);
  }
}
