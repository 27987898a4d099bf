export interface HistoryHealth {
  writable: boolean;
  error: string | null;
  tornLines: number;
  /** Segment files moved aside as corrupt (their valid lines were kept). */
  quarantined: string[];
  /** Invalid lines skipped where the store could not quarantine (read-only mode). */
  corruptLines: number;
}

/** What the store's parts report about the disk, read by `HistoryStore.health()`. */
export class StoreHealth {
  writable = true;
  error: string | null = null;
  tornLines = 0;
  corruptLines = 0;
  readonly quarantined: string[] = [];

  /** Records a problem unless an earlier one is still shown. */
  note(message: string): void {
    this.error ??= message;
  }

  snapshot(): HistoryHealth {
    return {
      writable: this.writable,
      error: this.error,
      tornLines: this.tornLines,
      quarantined: [...this.quarantined],
      corruptLines: this.corruptLines,
    };
  }
}
