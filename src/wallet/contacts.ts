/** The address book: names for addresses, kept in this browser (public data only). */
import { create } from 'zustand';

export interface Contact {
  readonly name: string;
  readonly address: string;
}

const KEY = 'contacts';

/** The stored list, entries that are not a name and an address left out (another tab, an older version, a hand edit). */
function load(): Contact[] {
  try {
    const list = JSON.parse(globalThis.localStorage?.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(list) ? list.filter((c): c is Contact => typeof c?.name === 'string' && typeof c?.address === 'string') : [];
  } catch {
    return [];
  }
}

export const useContacts = create<{ contacts: Contact[] }>(() => ({ contacts: load() }));
// Another tab changed the book: the same list here.
globalThis.addEventListener?.('storage', (e) => {
  if (e.key === KEY) useContacts.setState({ contacts: load() });
});

/** Adds or renames the contact of `address`. */
export function saveContact(contact: Contact): void {
  const contacts = [...useContacts.getState().contacts.filter((c) => c.address !== contact.address), contact].sort((a, b) => a.name.localeCompare(b.name));
  localStorage.setItem(KEY, JSON.stringify(contacts));
  useContacts.setState({ contacts });
}

export function removeContact(address: string): void {
  const contacts = useContacts.getState().contacts.filter((c) => c.address !== address);
  localStorage.setItem(KEY, JSON.stringify(contacts));
  useContacts.setState({ contacts });
}
