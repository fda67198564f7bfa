import { useState } from 'react';
import { addressToScriptHash } from '../../core/script/accounts.ts';
import { uintToString } from '../../core/encoding/primitives.ts';

type Check = { ok: true; scriptHash: string } | { ok: false; reason: string } | null;

/** Checks an address: Base58, checksum, version byte; shows its script hash. */
export function AddressTool() {
  const [text, setText] = useState('');
  const check: Check = text.trim() === '' ? null : (() => {
    try {
      return { ok: true, scriptHash: uintToString(addressToScriptHash(text.trim())) };
    } catch (e) {
      return { ok: false, reason: (e as Error).message };
    }
  })();
  return (
    <section className="card" aria-labelledby="address-title">
      <h2 id="address-title">Check an address</h2>
      <label htmlFor="address-input">Address</label>
      <input id="address-input" value={text} onChange={(e) => setText(e.target.value)} placeholder="A…" spellCheck={false} autoComplete="off" />
      {check && (check.ok
        ? <p className="ok" data-testid="address-ok">Valid address. Script hash <code>{check.scriptHash}</code></p>
        : <p className="error" role="alert" data-testid="address-error">Not a valid address: {check.reason}</p>)}
    </section>
  );
}
