/**
 * What the extension tells the server of the developer's activity beyond documents, as `warmup/activity`: whether
 * this window has the focus, debug sessions, build and test tasks. Fixed kinds only, never a name, path or command
 * line. Each kind is a context the server's predictor learns like any other event: a developer back in this window
 * (another window's server sees them leave), a debug session or a build that analysis requests tend to follow.
 */
export type ActivityKind = 'windowFocused' | 'windowBlurred' | 'debugStarted' | 'debugStopped' | 'buildStarted'
  | 'testStarted' | 'taskStarted';

/** Every kind, for tests and the server's documentation. */
export const ACTIVITY_KINDS: readonly ActivityKind[] = ['windowFocused', 'windowBlurred', 'debugStarted',
  'debugStopped', 'buildStarted', 'testStarted', 'taskStarted'];

/** The kind for a task that starts, by the id of its group (VS Code's `TaskGroup`: build, rebuild, clean, test). */
export function taskStarted(groupId: string | undefined): ActivityKind {
  if (groupId === 'build' || groupId === 'rebuild') {
    return 'buildStarted';
  }
  return groupId === 'test' ? 'testStarted' : 'taskStarted';
}

/** Sends activity kinds; the window's focus only when it changes (VS Code also fires for other window state). */
export class ActivityReporter {
  private focused: boolean | undefined;

  constructor(private readonly send: (kind: ActivityKind) => void) {}

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
}
