/**
 * Address poisoning: an attacker makes an address whose first and last characters match one the
 * victim pays often, sends a dust payment from it, and waits for the victim to copy the wrong one
 * from the history. Wallets that show addresses shortened ("AK2n…x9Qz") make it work. Antshares
 * addresses all begin with "A", so a match of the 4 first and 4 last characters is what an
 * attacker buys (about 58^6 tries: hours on a laptop), and what this check looks for.
 */

/** How many characters at each end an address is compared by. */
export const LOOKALIKE_ENDS = 4;

/** Whether two different addresses share their first and last LOOKALIKE_ENDS characters. */
export function looksAlike(a: string, b: string): boolean {
  if (a === b || a.length < LOOKALIKE_ENDS * 2 || b.length < LOOKALIKE_ENDS * 2) return false;
  return a.slice(0, LOOKALIKE_ENDS) === b.slice(0, LOOKALIKE_ENDS) && a.slice(-LOOKALIKE_ENDS) === b.slice(-LOOKALIKE_ENDS);
}

/** The known addresses (contacts, own accounts) that `address` imitates, if any. */
export function imitated<T extends { readonly address: string }>(address: string, known: readonly T[]): T[] {
  return known.filter((k) => looksAlike(address, k.address));
}
