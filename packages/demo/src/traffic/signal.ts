/** A small seeded generator (the resilience module's mulberry32), so a demo run is reproducible from its seed. */
export { seededRandom } from '@vigil/instrumentation/resilience';

/**
 * The daily shape at `nowSeconds`, between -1 (the night's trough, 03:00 of the demo day) and
 * 1 (the afternoon's peak, 15:00), for a day `dayLengthSeconds` long: the demo may compress it.
 */
export function dailyShape(nowSeconds: number, dayLengthSeconds: number): number {
  const phase = (nowSeconds % dayLengthSeconds) / dayLengthSeconds;
  return Math.sin(2 * Math.PI * (phase - 0.375));
}

/** Occasional traffic bursts: a factor of 1 most of the time, 1.6 to 2.4 for 20 to 80 s. */
export class Bursts {
  private until = 0;
  private factor = 1;
  constructor(
    private readonly random: () => number,
    /** Mean seconds between bursts. */
    private readonly everySeconds = 900,
  ) {}

  /** The factor at `nowSeconds`, `stepSeconds` after the previous call. */
  at(nowSeconds: number, stepSeconds: number): number {
    if (nowSeconds < this.until) return this.factor;
    if (this.random() < stepSeconds / this.everySeconds) {
      this.until = nowSeconds + 20 + this.random() * 60;
      this.factor = 1.6 + this.random() * 0.8;
      return this.factor;
    }
    return 1;
  }
}
