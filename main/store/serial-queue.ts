/** Runs async jobs one at a time, in order, so reads never see a half-finished write. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private running = 0;

  /** No job is queued or running. */
  get idle(): boolean {
    return this.running === 0;
  }

  run<T>(job: () => Promise<T>): Promise<T> {
    this.running++;
    const result = this.tail.then(job, job);
    this.tail = result
      .catch(() => undefined)
      .finally(() => {
        this.running--;
      });
    return result;
  }
}
