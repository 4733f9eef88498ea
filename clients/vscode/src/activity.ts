/**
 * What the extension tells the server of the developer's activity beyond documents, as `warmup/activity`: whether
 * this window has the focus, debug sessions, build and test tasks, and reading (switching editors, moving the caret,
 * scrolling). Fixed kinds only, never a name, path or command line. Each kind is a context the server's predictor
 * learns like any other event: a developer back in this window (another window's server sees them leave), a debug
 * session or a build that analysis requests tend to follow.
 */
export type ActivityKind = 'windowFocused' | 'windowBlurred' | 'debugStarted' | 'debugStopped' | 'buildStarted'
  | 'testStarted' | 'taskStarted' | 'editorChanged' | 'caretMoved' | 'scrolled';

/** Every kind, for tests and the server's documentation. */
export const ACTIVITY_KINDS: readonly ActivityKind[] = ['windowFocused', 'windowBlurred', 'debugStarted',
  'debugStopped', 'buildStarted', 'testStarted', 'taskStarted', 'editorChanged', 'caretMoved', 'scrolled'];

/**
 * Reading code (moving the caret, scrolling) is activity the documents do not show, and the predictor's sense of
 * how long the developer has been idle depends on it: the traces it was tuned on log caret moves and scrolling as
 * events. They come many a second, so each is sent at most once in this many milliseconds.
 */
export const READING_INTERVAL_MS = 5_000;

/** The kind for a task that starts, by the id of its group (VS Code's `TaskGroup`: build, rebuild, clean, test). */
export function taskStarted(groupId: string | undefined): ActivityKind {
  if (groupId === 'build' || groupId === 'rebuild') {
    return 'buildStarted';
  }
  return groupId === 'test' ? 'testStarted' : 'taskStarted';
}

/**
 * Sends activity kinds: the window's focus only when it changes (VS Code also fires for other window state), reading
 * events at most once per {@link READING_INTERVAL_MS} each, timed on the monotonic clock: on the wall clock, set back
 * an hour, no reading event went out for that hour, and the server took the developer for idle.
 */
export class ActivityReporter {
  private focused: boolean | undefined;
  private readonly lastSent = new Map<ActivityKind, number>();

  constructor(private readonly send: (kind: ActivityKind) => void,
    private readonly now: () => number = () => performance.now()) {}

  /** The window's focus as it is now; {@code again}: say it even if unchanged (a server that has just started). */
  focus(focused: boolean, again = false): void {
    if (focused === this.focused && !again) {
      return;
    }
    this.focused = focused;
    this.send(focused ? 'windowFocused' : 'windowBlurred');
  }

  report(kind: ActivityKind): void {
    this.send(kind);
  }

  /** A reading event (caret moved, view scrolled): sent unless one of its kind went out in the last interval. */
  reading(kind: 'caretMoved' | 'scrolled'): void {
    const t = this.now();
    const last = this.lastSent.get(kind);
    // an injected clock gone back: sent, and throttled again from there
    if (last !== undefined && t >= last && t - last < READING_INTERVAL_MS) {
      return;
    }
    this.lastSent.set(kind, t);
    this.send(kind);
  }
}
