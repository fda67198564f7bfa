import { useState } from 'react';
import { hexToBytes } from '../../core/encoding/bytes.ts';
import { decodeTransaction, transactionToJson } from '../../core/tx/index.ts';
import { blockToJson, decodeBlock } from '../../core/block/index.ts';

type Kind = 'transaction' | 'block';

function decode(kind: Kind, hex: string): { ok: true; json: string } | { ok: false; reason: string } {
  try {
    const bytes = hexToBytes(hex.trim().replace(/^0x/, ''));
    const view = kind === 'transaction' ? transactionToJson(decodeTransaction(bytes)) : blockToJson(decodeBlock(bytes));
    return { ok: true, json: JSON.stringify(view, null, 2) };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}

/** Decodes a transaction or block from hex and shows every field with its hash. */
export function DecodeTool() {
  const [kind, setKind] = useState<Kind>('transaction');
  const [hex, setHex] = useState('');
  const result = hex.trim() === '' ? null : decode(kind, hex);
  return (
    <section className="card" aria-labelledby="decode-title">
      <h2 id="decode-title">Decode</h2>
      <div className="row" role="radiogroup" aria-label="What to decode">
        {(['transaction', 'block'] as const).map((k) => (
          <label key={k} className="choice">
            <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} /> {k}
          </label>
        ))}
      </div>
      <label htmlFor="decode-input">Hex</label>
      <textarea id="decode-input" rows={5} value={hex} onChange={(e) => setHex(e.target.value)} spellCheck={false} />
      {result && (result.ok
        ? <pre className="json" data-testid="decoded">{result.json}</pre>
        : <p className="error" role="alert" data-testid="decode-error">{result.reason}</p>)}
    </section>
  );
}
