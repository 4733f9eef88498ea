/**
 * Restarts a crashed server, but not more than `max` times in `windowMs`; after that, the user is told. Timed on the
 * monotonic clock: the wall clock set back an hour kept the crashes of that hour in the window.
 */
export class RestartPolicy {
  private readonly crashes: number[] = [];

  constructor(private readonly max = 3, private readonly windowMs = 3 * 60_000,
              private readonly now: () => number = () => performance.now()) {}

  /** Records a crash; true when the server should be restarted. */
  crashed(): boolean {
    const t = this.now();
    this.crashes.push(t);
    while (this.crashes.length > 0 && this.crashes[0] <= t - this.windowMs) {
      this.crashes.shift();
    }
    return this.crashes.length <= this.max;
  }
}
