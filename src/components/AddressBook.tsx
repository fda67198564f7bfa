import { useState } from 'react';
import { isValidAddress } from '../../core/script/accounts.ts';
import { imitated } from '../../core/wallet/lookalike.ts';
import { currentNode } from '../peer/browserNode.ts';
import { removeContact, saveContact, useContacts } from '../wallet/contacts.ts';
import { useT } from '../i18n.ts';

/** Warns when `address` looks like a known contact's (address poisoning); nothing otherwise. */
export function LookAlikeWarning({ address }: { address: string }) {
  const t = useT();
  const { contacts } = useContacts();
  const like = imitated(address.trim(), contacts);
  if (like.length === 0) return null;
  return <p className="error" role="alert" data-testid="lookalike">{t.looksLikeContact(like.map((c) => c.name).join(', '))}</p>;
}

/** The address book: list, add, rename, delete, copy (names are kept in this browser only). */
export function AddressBook() {
  const t = useT();
  const { contacts } = useContacts();
  const [name, setName] = useState('');
  const [address, setAddress] = useState('');
  const [renaming, setRenaming] = useState<{ address: string; name: string } | null>(null);
  const [copied, setCopied] = useState('');
  const version = currentNode()?.settings.addressVersion;
  const valid = address.trim() !== '' && isValidAddress(address.trim(), version);
  return (
    <section className="card" aria-labelledby="address-book-title">
      <h2 id="address-book-title">{t.addressBook}</h2>
      {contacts.length === 0 ? <p className="hint">{t.addressBookEmpty}</p> : (
        <ul className="contacts" data-testid="contacts">
          {contacts.map((c) => (
            <li key={c.address} data-address={c.address}>
              {renaming?.address === c.address ? (
                <form className="row" onSubmit={(e) => {
                  e.preventDefault();
                  if (renaming.name.trim()) saveContact({ name: renaming.name.trim(), address: c.address });
                  setRenaming(null);
                }}>
                  <input aria-label={t.contactName} value={renaming.name} onChange={(e) => setRenaming({ address: c.address, name: e.target.value })} autoFocus />
                  <button type="submit">{t.saveContact}</button>
                </form>
              ) : <strong className="contact-name">{c.name}</strong>}
              <code className="contact-address">{c.address}</code>
              <div className="actions">
                <button type="button" className="secondary" onClick={async () => { await navigator.clipboard.writeText(c.address); setCopied(c.address); }}>
                  {copied === c.address ? t.copied : t.copy}
                </button>
                <button type="button" className="secondary" onClick={() => setRenaming({ address: c.address, name: c.name })}>{t.rename}</button>
                <button type="button" className="secondary" onClick={() => removeContact(c.address)}>{t.remove}</button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={(e) => {
        e.preventDefault();
        if (!valid || name.trim() === '') return;
        saveContact({ name: name.trim(), address: address.trim() });
        setName('');
        setAddress('');
      }}>
        <label htmlFor="contact-address">{t.contactAddress}</label>
        <input id="contact-address" value={address} onChange={(e) => setAddress(e.target.value)} spellCheck={false} autoComplete="off" />
        {address.trim() !== '' && !valid && <p className="error" role="alert">{t.addressInvalid}</p>}
        {valid && <LookAlikeWarning address={address} />}
        <label htmlFor="contact-name">{t.contactName}</label>
        <input id="contact-name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        <button type="submit" disabled={!valid || name.trim() === ''}>{t.saveContact}</button>
      </form>
    </section>
  );
}
