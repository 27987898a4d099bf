export interface HistoryHealth {
  writable: boolean;
  error: string | null;
  tornLines: number;
  /** Segment files moved aside as corrupt (their valid lines were kept). */
  quarantined: string[];
  /** Invalid lines skipped where the store could not quarantine (read-only mode). */
  corruptLines: number;
  /** Lines longer than the store reads (skipped, their file quarantined). */
  oversizeLines: number;
  /** Lines accepted but not on disk yet. */
  unsavedLines: number;
  /** Lines dropped (oldest first) while the disk failed. */
  lostLines: number;
}

/** What the store's parts report about the disk, read by `HistoryStore.health()`. */
export class StoreHealth {
  writable = true;
  /** A problem to show that is not a failing write (e.g. a resumed write that lost lines). */
  error: string | null = null;
  /** Why writes fail, while they do; the shown error adds the current counts. */
  failure: string | null = null;
  retrySeconds = 30;
  unsavedLines = 0;
  lostLines = 0;
  tornLines = 0;
  corruptLines = 0;
  oversizeLines = 0;
  readonly quarantined: string[] = [];

  /** Records a problem unless an earlier one is still shown. */
  note(message: string): void {
    this.error ??= message;
  }

  snapshot(): HistoryHealth {
    const lost = this.lostLines > 0 ? `, ${this.lostLines} lost` : '';
    const error =
      !this.writable && this.failure !== null
        ? `${this.failure}; keeping history in memory (${this.unsavedLines} lines unsaved${lost}), retrying every ${this.retrySeconds} s`
        : this.error;
    return {
      writable: this.writable,
      error,
      unsavedLines: this.unsavedLines,
      lostLines: this.lostLines,
      tornLines: this.tornLines,
      quarantined: [...this.quarantined],
      corruptLines: this.corruptLines,
      oversizeLines: this.oversizeLines,
    };
  }
}

/**
 * The history problems a user should see, one sentence each: a failing disk, lines cut short by a
 * crash, files moved aside as corrupt. Shown in the status notices and printed by the monitor.
 */
export function historyNotices(health: HistoryHealth): string[] {
  const notices: string[] = [];
  if (health.error) notices.push(`History: ${health.error}`);
  if (health.tornLines > 0) {
    notices.push(
      `History: ${health.tornLines} ${health.tornLines === 1 ? 'line' : 'lines'} cut short by a crash ${health.tornLines === 1 ? 'was' : 'were'} dropped`,
    );
  }
  if (health.oversizeLines > 0) {
    notices.push(
      `History: ${health.oversizeLines} ${health.oversizeLines === 1 ? 'line was' : 'lines were'} too long to read and ${health.oversizeLines === 1 ? 'was' : 'were'} skipped`,
    );
  }
  for (const file of health.quarantined) {
    notices.push(`History: a corrupt file was moved to ${file}; its valid lines were kept`);
  }
  if (health.corruptLines > 0 && health.quarantined.length === 0) {
    notices.push(`History: ${health.corruptLines} corrupt lines were skipped`);
  }
  return notices;
}
