import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { bytesToHex } from '../../core/encoding/bytes.ts';
import { formatFixed8 } from '../../core/encoding/primitives.ts';
import { ANTCOIN_ID } from '../../core/block/genesis.ts';
import { addressFromScriptHash } from '../../core/script/accounts.ts';
import type { Transaction } from '../../core/tx/transaction.ts';
import { accountScriptHash, explainTransaction, unspentInputs, type AccountRecord, type Explanation, type Movement } from '../../core/wallet/index.ts';
import { currentNode } from '../peer/browserNode.ts';
import { AssetName, assetText, useAssetInfo, type AssetInfo } from '../wallet/assets.tsx';
import { useContacts } from '../wallet/contacts.ts';
import { readAssetName } from '../../core/wallet/asset-names.ts';
import { useLang, useT } from '../i18n.ts';

/** The script hashes (hex) a wallet account answers for. */
export function holderOf(account: AccountRecord): Set<string> {
  return new Set([bytesToHex(accountScriptHash(account))]);
}

/** Whether this account and `other` appear in a transaction together (either paid the other). */
export function dealtWith(ledger: { historyOf: (h: Uint8Array, p: { limit: number }) => { items: { txHash: Uint8Array }[] } }, account: AccountRecord, other: Uint8Array): boolean {
  const mine = new Set(ledger.historyOf(accountScriptHash(account), { limit: 2000 }).items.map((i) => bytesToHex(i.txHash)));
  return ledger.historyOf(other, { limit: 2000 }).items.some((i) => mine.has(bytesToHex(i.txHash)));
}

/**
 * An account's address, with its name from the address book when it has one; with `newTo` (the
 * holder, in a review), an address it never dealt with is said to be a first payment.
 */
export function Counterparty({ hash, newTo }: { hash: Uint8Array; newTo?: AccountRecord }) {
  const t = useT();
  const { contacts } = useContacts();
  const node = currentNode();
  const address = addressFromScriptHash(hash, node?.settings.addressVersion);
  const name = contacts.find((c) => c.address === address)?.name;
  const first = newTo && !name && node && !dealtWith(node.chain.ledger, newTo, hash);
  return <span className="counterparty"><code>{address}</code>{name && <> ({name})</>}{first && <em className="first" data-testid="first-payment-review"> ({t.firstPaymentShort})</em>}</span>;
}

/** Movements as one line of text: "12 AntShare, 3 Alice Points · #1a2b3c4d" (history lines, the inbox). */
export function movementsText(list: readonly Movement[], info: (hex: string) => AssetInfo, noName: string): string {
  return list.map((m) => `${formatFixed8(m.value)} ${assetText(info(bytesToHex(m.assetId)), noName)}`).join(', ');
}

/** Units of an asset, and where they go or come from. */
function Moves({ list, way, newTo }: { list: readonly Movement[]; way: 'to' | 'from'; newTo?: AccountRecord }) {
  const t = useT();
  const info = useAssetInfo();
  return (
    <ul className="moves">
      {list.map((m) => (
        <li key={bytesToHex(m.assetId)}>
          <strong className="amount">{formatFixed8(m.value)}</strong> <AssetName info={info(bytesToHex(m.assetId))} />
          {m.counterparties.length > 0 && <> {way === 'to' ? t.toWhom : t.fromWhom} {m.counterparties.map((h, i) => <span key={bytesToHex(h)}>{i > 0 && ', '}<Counterparty hash={h} newTo={way === 'to' ? newTo : undefined} /></span>)}</>}
        </li>
      ))}
    </ul>
  );
}

/** What leaves in all, per asset: what goes to others and, in AntCoin, the fee the holder pays. */
function totals(e: Explanation): Movement[] {
  const out = new Map(e.leaves.map((m) => [bytesToHex(m.assetId), { ...m }]));
  const fee = e.feeFromHolder ?? 0n;
  if (fee > 0n) {
    const k = bytesToHex(ANTCOIN_ID);
    out.set(k, { assetId: ANTCOIN_ID, value: (out.get(k)?.value ?? 0n) + fee, counterparties: [] });
  }
  return [...out.values()].map((m) => ({ ...m, counterparties: [] }));
}

/** The transaction's explanation as a definition list: what a review and a history entry show. */
export function Explained({ e, testId, depositTo = true, newTo }: { e: Explanation; testId?: string; depositTo?: boolean; newTo?: AccountRecord }) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const info = useAssetInfo();
  const total = totals(e);
  return (
    <dl className="summary" data-testid={testId}>
      {e.registered && <><dt>{t.registersAsset}</dt><dd>{readAssetName(e.registered.name, lang) || t.noAssetName} · {t.assetTypes[e.registered.assetType as keyof typeof t.assetTypes] ?? e.registered.assetType} · {t.totalSupply} {e.registered.amount < 0n ? t.unlimited : formatFixed8(e.registered.amount)}</dd></>}
      {e.issued.length > 0 && <><dt>{t.newUnits}</dt><dd><Moves list={e.issued} way="to" /></dd></>}
      {e.enrolled && <><dt>{t.depositLocked}</dt><dd>{formatFixed8(e.enrolled.deposit)} AntCoin{depositTo && <> {t.toWhom} <Counterparty hash={e.enrolled.depositTo} /></>}</dd></>}
      {e.votes && <><dt>{t.votesFor}</dt><dd>{t.candidateCount(e.votes.length)}</dd></>}
      <dt>{t.leavesYou}</dt>
      <dd data-testid={testId && `${testId}-leaves`}>{e.leaves.length ? <Moves list={depositTo ? e.leaves : e.leaves.map((m) => ({ ...m, counterparties: [] }))} way="to" newTo={newTo} /> : '—'}</dd>
      {e.arrives.length > 0 && <><dt>{t.arrivesYou}</dt><dd data-testid={testId && `${testId}-arrives`}><Moves list={e.arrives} way="from" /></dd></>}
      <dt>{t.fee}</dt>
      <dd data-testid={testId && `${testId}-fee`}>{formatFixed8(e.fee)} AntCoin{e.fee > 0n && <> ({e.feeFromHolder === undefined ? t.feeShared : e.feeFromHolder > 0n ? t.feeYouPay : t.feeOthersPay})</>}</dd>
      {total.length > 0 && <><dt>{t.totalLeaving}</dt><dd data-testid={testId && `${testId}-total`}>{total.map((m, i) => <span key={bytesToHex(m.assetId)}>{i > 0 && ' + '}<strong className="amount">{formatFixed8(m.value)}</strong> <AssetName info={info(bytesToHex(m.assetId))} /></span>)}</dd></>}
      {e.unresolved > 0 && <p className="hint">{t.unresolvedInputs(e.unresolved)}</p>}
    </dl>
  );
}

/**
 * The step before every signature: what the transaction does for this account (read from the
 * transaction itself, not from the form), then the pay password. `onSign` signs and sends;
 * it says whether it did (the password is cleared then). `children`: anything the form adds.
 */
export function ReviewAndSign({ tx, account, id, signLabel, onSign, onBack, busy, done, depositTo, children }: {
  tx: Transaction; account: AccountRecord; id: string; signLabel: string; depositTo?: boolean;
  onSign: (payPassword: string) => Promise<boolean>; onBack: () => void; busy: boolean; done?: boolean; children?: ReactNode;
}) {
  const t = useT();
  const [payPassword, setPayPassword] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []); // once: a screen reader starts at what will be signed
  const e = useMemo(() => {
    const ledger = currentNode()?.chain.ledger;
    return ledger ? explainTransaction(tx, unspentInputs(ledger, tx), holderOf(account)) : null;
  }, [tx, account]);
  return (
    <form className="review" aria-labelledby={`${id}-review-title`} onSubmit={async (ev) => {
      ev.preventDefault();
      if (await onSign(payPassword)) setPayPassword('');
    }}>
      <h3 id={`${id}-review-title`} tabIndex={-1} ref={heading}>{t.reviewTitle}</h3>
      {e && <Explained e={e} testId={`${id}-review`} depositTo={depositTo} newTo={account} />}
      {children}
      <label htmlFor={`${id}-pay-password`}>{t.payPassword}</label>
      <input id={`${id}-pay-password`} type="password" autoComplete="off" value={payPassword} onChange={(ev) => setPayPassword(ev.target.value)} />
      <div className="row">
        <button type="submit" disabled={payPassword === '' || busy || done}>{signLabel}</button>
        <button type="button" className="secondary" onClick={onBack} disabled={busy}>{t.back}</button>
      </div>
    </form>
  );
}
