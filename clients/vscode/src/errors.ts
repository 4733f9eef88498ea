/** What to tell a person of a thrown value: an Error's message, or the value itself as text. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
