/** The address book: names for addresses, kept in this browser (public data only). */
import { create } from 'zustand';

export interface Contact {
  readonly name: string;
  readonly address: string;
}

const KEY = 'contacts';

function load(): Contact[] {
  try {
    return JSON.parse(globalThis.localStorage?.getItem(KEY) ?? '[]') as Contact[];
  } catch {
    return [];
  }
}

export const useContacts = create<{ contacts: Contact[] }>(() => ({ contacts: load() }));

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
