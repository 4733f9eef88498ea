/**
 * Runs pieces of work one after the other: each starts when the one before it has ended (failed or not), or once it
 * has waited `maxWaitMs` for it, so that one that hangs does not hold up the rest for ever.
 */
export function serialRunner(maxWaitMs: number): (work: () => Promise<void>) => Promise<void> {
  let last: Promise<void> = Promise.resolve();
  return work => {
    const previous = last;
    const next = new Promise<void>(resolve => {
      const timer = setTimeout(resolve, maxWaitMs);
      void previous.then(() => { clearTimeout(timer); resolve(); });
    }).then(work);
    last = next.catch(() => undefined);
    return next;
  };
}
