import { isApiError } from '@monozu/api';

export type SaveStatus = 'saved' | 'dirty' | 'saving' | 'conflict' | 'error';

export interface SaverState {
  status: SaveStatus;
  /** The version the next save is sent with (the last one read or saved). */
  version: number;
  /** The failure of the last save (conflict or error). */
  error: unknown;
}

export interface SaverOptions<C> {
  version: number;
  /** Stores content at version; resolves with the new version. A 409 means someone else saved. */
  save: (content: C, version: number) => Promise<number>;
  /** The version now stored (for "overwrite"). */
  currentVersion: () => Promise<number>;
  /** Auto-save this long after the first unsaved change (so at least this often while editing); 0 switches auto-save off. */
  delayMs: number;
}

/**
 * Saves an editor's content with optimistic concurrency: a change marks it dirty and, unless one
 * is pending, schedules a save `delayMs` later (further changes join that save, so steady editing
 * still saves every `delayMs`); one save runs at a time (changes made meanwhile are saved after it); a 409
 * stops auto-saving and keeps the changes until the user reloads or overwrites.
 */
export class Saver<C> {
  private state: SaverState;
  private latest: C | undefined;
  private dirty = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private listeners = new Set<() => void>();

  constructor(private readonly opts: SaverOptions<C>) {
    this.state = { status: 'saved', version: opts.version, error: null };
  }

  getState = (): SaverState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The content changed: remember it and schedule a save. */
  change(content: C): void {
    this.latest = content;
    this.dirty = true;
    if (this.state.status === 'conflict') return;
    if (this.state.status !== 'saving') this.set({ status: 'dirty', error: null });
    this.schedule();
  }

  /** Saves now (the Save button); resolves when the content is stored or failed. */
  async flush(): Promise<void> {
    this.clearTimer();
    if (this.running) {
      await this.running;
      if (this.dirty && this.state.status !== 'conflict') return this.flush();
      return;
    }
    if (!this.dirty || this.latest === undefined) return;
    this.running = this.run(this.latest);
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
    if (this.dirty && this.state.status === 'dirty') this.schedule();
  }

  /** After a conflict: save this content over the other person's, at their version. */
  async overwrite(): Promise<void> {
    const version = await this.opts.currentVersion();
    this.set({ status: 'dirty', version, error: null });
    this.dirty = true;
    await this.flush();
  }

  /** After a reload: the content of version is what is stored now; nothing is pending. */
  reset(version: number): void {
    this.clearTimer();
    this.dirty = false;
    this.latest = undefined;
    this.set({ status: 'saved', version, error: null });
  }

  /** Whether changes are not stored yet (for a "leave page?" warning). */
  hasUnsaved(): boolean {
    return this.dirty || this.state.status === 'saving';
  }

  dispose(): void {
    this.clearTimer();
    this.listeners.clear();
  }

  private async run(content: C): Promise<void> {
    this.dirty = false;
    this.set({ status: 'saving', error: null });
    try {
      const version = await this.opts.save(content, this.state.version);
      this.set({ status: this.dirty ? 'dirty' : 'saved', version });
    } catch (e) {
      this.dirty = true;
      this.set({ status: isApiError(e) && e.status === 409 ? 'conflict' : 'error', error: e });
    }
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    if (this.opts.delayMs > 0) this.timer = setTimeout(() => void this.flush(), this.opts.delayMs);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private set(patch: Partial<SaverState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }
}
