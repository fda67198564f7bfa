import { useMemo, useState } from 'react';
import { encodeQR } from '@paulmillr/qr';
import { bytesToHex } from '../../core/encoding/bytes.ts';
import { addressFromScriptHash } from '../../core/script/accounts.ts';
import type { Transaction } from '../../core/tx/transaction.ts';
import { encodeOffer, missingSigners, type MissingSigner } from '../../core/wallet/index.ts';
import { currentNode } from '../peer/browserNode.ts';
import { useContacts } from '../wallet/contacts.ts';
import { errorText, useT } from '../i18n.ts';

/**
 * A transaction signed by us that others must still sign (a swap's counterparty, a Share's
 * receiver or admin): shown as a link and a QR code, and sent straight to the wallet of each
 * signer still missing, who signs and passes it on; the last one sends it.
 */
export function PassOn({ tx }: { tx: Transaction }) {
  const t = useT();
  const node = currentNode();
  const offer = useMemo(() => encodeOffer(tx), [tx]);
  const missing = useMemo(() => (node ? missingSigners(node.chain.ledger, tx) : []), [node, tx]);
  const link = `${location.origin}${location.pathname}#${offer}`;
  const qr = useMemo(() => `data:image/svg+xml;utf8,${encodeURIComponent(encodeQR(link, 'svg', { ecc: 'low' }))}`, [link]);
  return (
    <div className="offer" data-testid="pass-on">
      <p>{t.offerReady}</p>
      {node && missing.length > 0 && (
        <ul className="inbox" data-testid="still-to-sign">
          {missing.map((m) => <Signer key={bytesToHex(m.scriptHash)} signer={m} offer={offer} address={addressFromScriptHash(m.scriptHash, node.settings.addressVersion)} />)}
        </ul>
      )}
      <textarea readOnly rows={3} value={link} data-testid="offer-link" aria-label={t.offerLink} />
      <div className="actions">
        <button type="button" onClick={() => navigator.clipboard.writeText(link)}>{t.copy}</button>
      </div>
      <img className="qr" src={qr} alt={t.offerLink} width={260} height={260} />
    </div>
  );
}

/** One signer still missing, and sending the offer straight to its wallet. */
function Signer({ signer, offer, address }: { signer: MissingSigner; offer: string; address: string }) {
  const t = useT();
  const name = useContacts((s) => s.contacts.find((c) => c.address === address)?.name);
  const [delivery, setDelivery] = useState<{ busy?: boolean; done?: boolean; error?: string }>({});
  return (
    <li data-address={address}>
      <span>{t.stillToSign} {name && <strong>{name} </strong>}<code>{address}</code> ({signer.roles.join(', ')})</span>
      <div className="actions">
        <button type="button" className="secondary" disabled={delivery.busy || delivery.done} onClick={async () => {
          const node = currentNode();
          if (!node) return;
          setDelivery({ busy: true });
          try {
            await node.sendOffer(signer.scriptHash, offer);
            setDelivery({ done: true });
          } catch (err) {
            setDelivery({ error: errorText(t, err) });
          }
        }}>{t.sendToWallet}</button>
      </div>
      {delivery.done && <p role="status" data-testid="offer-delivered">{t.offerDelivered}</p>}
      {delivery.error && <p className="error" role="alert">{delivery.error}</p>}
    </li>
  );
}
