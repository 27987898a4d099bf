export interface ShutdownStep {
  name: string;
  run(): Promise<void> | void;
}

export interface Shutdown {
  /** Runs every step once, in order; later calls return the same promise. Never rejects. */
  run(): Promise<void>;
  readonly finished: boolean;
}

/**
 * A clean quit: stop the API, stop the sampler, flush history, end the powermetrics stream. A step
 * that fails or hangs past `stepTimeoutMs` is logged and skipped, so quitting always completes.
 */
export function createShutdown(
  steps: readonly ShutdownStep[],
  options: { stepTimeoutMs?: number; log?(line: string): void } = {},
): Shutdown {
  const timeoutMs = options.stepTimeoutMs ?? 5_000;
  let running: Promise<void> | null = null;
  let finished = false;

  const runStep = async (step: ShutdownStep): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const result = await Promise.race([Promise.resolve().then(() => step.run()), timeout]);
      if (result === 'timeout')
        options.log?.(`IdleWatt: quitting without waiting for ${step.name} (over ${timeoutMs} ms)`);
    } catch (error) {
      options.log?.(`IdleWatt: ${step.name} failed while quitting: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    run() {
      running ??= (async () => {
        for (const step of steps) await runStep(step);
        finished = true;
      })();
      return running;
    },
    get finished() {
      return finished;
    },
  };
}
