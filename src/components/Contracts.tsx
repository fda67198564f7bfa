import { useEffect, useMemo, useState } from 'react';
import { create } from 'zustand';
import { bytesToHex, hexToBytes } from '../../core/encoding/bytes.ts';
import { formatFixed8, uintFromString, uintToString } from '../../core/encoding/primitives.ts';
import { useQuery } from '@tanstack/react-query';
import { addressFromScriptHash, addressToScriptHash, isValidAddress } from '../../core/script/accounts.ts';
import { transactionHash, type Transaction } from '../../core/tx/transaction.ts';
import {
  accountScript, accountScriptHash, buildSwap, readAmount, type AmountReading, checkPresentWitnesses, decodeOffer, explainTransaction, feeOf, missingSigners, netFlows, unspentInputs, type AccountRecord, type Movement,
} from '../../core/wallet/index.ts';
import { equalBytes } from '../../core/encoding/bytes.ts';
import { adminReview } from '../wallet/policy.ts';
import { currentNode, usePeer } from '../peer/browserNode.ts';
import { errorText, useT, type Strings } from '../i18n.ts';
import { acceptAssets, AssetName, assetText, listAssets, useAssetInfo, type AssetInfo } from '../wallet/assets.tsx';
import { pendingSpends, SubmitStatus, useSubmit } from './submit.tsx';
import { Counterparty, holderOf, movementsText, ReviewAndSign } from './Review.tsx';
import { dismissOffer, setReceiving, useInbox } from '../wallet/inbox.ts';
import { useContacts } from '../wallet/contacts.ts';

/**
 * An offer opened from a link (`…/#ans-offer:…`), waiting for the wallet to be unlocked. A link
 * cut short or mangled on its way (`#ans-offer:%E0%A4%A`, `#%`) is `damaged`: said so, not thrown.
 */
export function offerFromLink(): { text: string; damaged: boolean } {
  const hash = globalThis.location?.hash ?? '';
  if (hash.length <= 1) return { text: '', damaged: false };
  let decoded: string;
  try {
    decoded = decodeURIComponent(hash.slice(1));
  } catch {
    return { text: '', damaged: true };
  }
  return decoded.includes('ans-offer:') ? { text: decoded, damaged: false } : { text: '', damaged: false };
}

/** The offer of the page's link, also when a link is opened in a page already open. */
export const useOfferLink = create<{ text: string; damaged: boolean }>(() => offerFromLink());
globalThis.addEventListener?.('hashchange', () => useOfferLink.setState(offerFromLink()));

/** Every asset on chain, as the lists of a contract show them: native first, each with its identity. */
function useAssets() {
  const t = useT();
  const version = usePeer((s) => s.version);
  const info = useAssetInfo();
  return useMemo(() => {
    const ledger = currentNode()?.chain.ledger;
    if (!ledger) return [];
    return listAssets([...ledger.assets.entries()].map(([hex, a]) => ({ hex, precision: a.precision })), info, t.noAssetName);
  }, [version, info, t]);
}

/** Contracts between parties: propose a swap (signed by us, shared as a link or QR code), or review and sign one. */
export function Contracts({ account, queryKey }: { account: AccountRecord; queryKey: Uint8Array }) {
  return (
    <>
      <Inbox account={account} />
      <Review account={account} queryKey={queryKey} />
      <Propose account={account} queryKey={queryKey} />
    </>
  );
}

/** A role the ledger asks a signature for (its English words, with asset ids), in the user's words with the asset's name. */
export function roleText(role: string, t: Strings, info: (hex: string) => AssetInfo): string {
  const name = (display: string) => assetText(info(bytesToHex(uintFromString(display, 32))), t.noAssetName);
  const receiver = /^receiver of \w+ ([0-9a-f]{64})$/.exec(role);
  if (receiver) return t.roles.receiver(name(receiver[1]));
  const admin = /^admin of (?:Share )?([0-9a-f]{64})$/.exec(role);
  if (admin) return t.roles.admin(name(admin[1]));
  const plain: Record<string, string> = {
    'owner of a spent output': t.roles.owner, 'named by a Script attribute': t.roles.named, 'issuer of the asset': t.roles.issuer,
    'the candidate': t.roles.candidate, 'voter (owner of the voting AntShare)': t.roles.voter, 'agent of the exchange': t.roles.agent,
  };
  return plain[role] ?? role;
}

/** Offers sent straight to this browser, and whether it takes them: each says who offers what, and opens reviewed. */
function Inbox({ account }: { account: AccountRecord }) {
  const t = useT();
  const { enabled, offers } = useInbox();
  return (
    <section className="card" aria-labelledby="inbox-title">
      <h2 id="inbox-title">{t.offersReceived}</h2>
      <label className="choice">
        <input type="checkbox" checked={enabled} onChange={(e) => setReceiving(e.target.checked)} />
        {t.receiveOffers}
      </label>
      <p className="hint">{t.receiveOffersHint}</p>
      {offers.length > 0 && (
        <ul className="inbox" data-testid="inbox">
          {offers.map((o) => (
            <li key={o.text}>
              <OfferLine text={o.text} at={o.at} account={account} />
              <div className="actions">
                <button type="button" onClick={() => useOfferLink.setState({ text: o.text, damaged: false })}>{t.openOffer}</button>
                <button type="button" className="secondary" onClick={() => dismissOffer(o.text)}>{t.dismiss}</button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** An offer in one line: who signed it (signatures checked), what this account would give and get. */
function OfferLine({ text, at, account }: { text: string; at: number; account: AccountRecord }) {
  const t = useT();
  const info = useAssetInfo();
  const q = useQuery({
    queryKey: ['offer-line', text, account.address],
    queryFn: async () => {
      const tx = decodeOffer(text);
      const signers = await checkPresentWitnesses(tx);
      const ledger = currentNode()?.chain.ledger;
      return { signers, e: ledger ? explainTransaction(tx, unspentInputs(ledger, tx), holderOf(account)) : undefined };
    },
    retry: false,
  });
  const amounts = (list: readonly Movement[]) => movementsText(list, info, t.noAssetName) || '—';
  const when = <time dateTime={new Date(at).toISOString()}>{new Date(at).toLocaleString()}</time>;
  if (q.isError) return <span>{when} · {t.offerUnreadable}</span>;
  if (!q.data) return <span>{when}</span>;
  return (
    <span className="offer-line">
      {when} · {q.data.signers.map((h, i) => <span key={bytesToHex(h)}>{i > 0 && ', '}<Counterparty hash={h} /></span>)}{' '}
      {t.offerSays} {q.data.e && <>{t.youGive} {amounts(q.data.e.leaves)}; {t.youGet} {amounts(q.data.e.arrives)}</>}
    </span>
  );
}

/** An amount and the asset it is of: one side of a swap; what is wrong with the amount, said under it. */
function AmountOf(p: {
  id: string; label: string; assetLabel: string; assets: { hex: string; name: string }[];
  amount: string; setAmount: (v: string) => void; asset: string; setAsset: (v: string) => void; reading: AmountReading; assetName: string;
}) {
  const t = useT();
  return (
    <>
      <label htmlFor={p.id}>{p.label}</label>
      <div className="row">
        <input id={p.id} inputMode="decimal" value={p.amount} onChange={(e) => p.setAmount(e.target.value)} aria-label={p.label} />
        <select aria-label={p.assetLabel} value={p.asset} onChange={(e) => p.setAsset(e.target.value)}>
          {p.assets.map((a) => <option key={a.hex} value={a.hex}>{a.name}</option>)}
        </select>
      </div>
      {'problem' in p.reading && p.reading.problem !== 'empty' && <p className="error" role="alert" data-testid={`${p.id}-error`}>{t.amountProblem(p.reading, p.assetName)}</p>}
    </>
  );
}

function Propose({ account, queryKey }: { account: AccountRecord; queryKey: Uint8Array }) {
  const t = useT();
  const node = currentNode();
  const assets = useAssets();
  const version = usePeer((s) => s.version);
  const [who, setWho] = useState('');
  const [giveAsset, setGiveAsset] = useState('');
  const [give, setGive] = useState('');
  const [getAsset, setGetAsset] = useState('');
  const [get, setGet] = useState('');
  const [reviewing, setReviewing] = useState<Transaction | null>(null);
  const { state, submit, busy } = useSubmit(account, queryKey);
  const { contacts } = useContacts();
  const ga = assets.find((a) => a.hex === giveAsset) ?? assets[0];
  const gb = assets.find((a) => a.hex === getAsset) ?? assets[0];
  const giving = readAmount(give, { precision: ga?.precision });
  // Nothing asked back: a transfer that needs the counterparty's signature (Share, Invoice).
  const getting = get.trim() === '' ? { value: 0n } : readAmount(get, { precision: gb?.precision });
  const gv = 'value' in giving ? giving.value : null;
  const tv = 'value' in getting ? getting.value : null;
  const plan = useMemo(() => {
    if (!node || !ga || !gb || !isValidAddress(who.trim(), node.settings.addressVersion)) return null;
    if (gv === null || tv === null) return null;
    try {
      return buildSwap({
        ledger: node.chain.ledger, settings: node.settings, script: accountScript(account), skip: pendingSpends,
        counterparty: addressToScriptHash(who.trim(), node.settings.addressVersion),
        give: { assetId: hexToBytes(ga.hex), value: gv }, get: { assetId: hexToBytes(gb.hex), value: tv },
      });
    } catch (e) {
      return { error: errorText(t, e) };
    }
  }, [node, ga, gb, who, gv, tv, account, t, version]);
  return (
    <section className="card" aria-labelledby="propose-title">
      <h2 id="propose-title">{t.proposeSwap}</h2>
      <form onSubmit={(e) => {
        e.preventDefault();
        if (plan && 'tx' in plan) setReviewing(plan.tx);
      }}>
        <fieldset disabled={reviewing !== null}>
        <label htmlFor="swap-who">{t.counterparty}</label>
        <input id="swap-who" list="swap-contacts" value={who} onChange={(e) => setWho(contacts.find((c) => c.name === e.target.value)?.address ?? e.target.value)} spellCheck={false} autoComplete="off" />
        <datalist id="swap-contacts">{contacts.map((c) => <option key={c.address} value={c.address}>{c.name}</option>)}</datalist>
        {who.trim() !== '' && node && !isValidAddress(who.trim(), node.settings.addressVersion) && <p className="error">{t.addressInvalid}</p>}
        {contacts.some((c) => c.address === who.trim()) && <p className="hint">{contacts.find((c) => c.address === who.trim())!.name}</p>}
        <AmountOf id="swap-give" label={t.youGive} assetLabel={`${t.youGive}: ${t.asset}`} assets={assets} amount={give} setAmount={setGive} asset={ga?.hex ?? ''} setAsset={setGiveAsset} reading={giving} assetName={ga?.info.name || t.noAssetName} />
        <AmountOf id="swap-get" label={t.youGet} assetLabel={`${t.youGet}: ${t.asset}`} assets={assets} amount={get} setAmount={setGet} asset={gb?.hex ?? ''} setAsset={setGetAsset} reading={getting} assetName={gb?.info.name || t.noAssetName} />
        {plan && 'fee' in plan && <p data-testid="swap-fee">{t.fee} ({t.youPay}): {formatFixed8(plan.fee)} AntCoin</p>}
        {plan && 'error' in plan && <p className="error" role="alert">{plan.error}</p>}
        {!reviewing && <button type="submit" data-testid="swap-check" disabled={!plan || 'error' in plan}>{t.review}</button>}
        </fieldset>
      </form>
      {reviewing && (
        // Signed, then passed on to whoever must still sign; sent at once when nobody must.
        <ReviewAndSign tx={reviewing} account={account} id="swap" signLabel={t.signOffer} busy={busy} onBack={() => setReviewing(null)}
          done={state.phase === 'signed'}
          onSign={(password) => submit(reviewing, password)} />
      )}
      <SubmitStatus state={state} testId="propose" />
    </section>
  );
}

type Reviewed = { tx: Transaction; gives: [string, bigint][]; gets: [string, bigint][]; fee: bigint; from: string[]; roles: readonly string[] } | { error: string };

function Review({ account, queryKey }: { account: AccountRecord; queryKey: Uint8Array }) {
  const t = useT();
  const node = currentNode();
  const linked = useOfferLink((s) => s.text);
  const [text, setText] = useState(linked);
  const [reviewed, setReviewed] = useState<Reviewed | null>(null);
  // An offer opened (a link, the inbox) is reviewed at once: one step from the offer to what it asks.
  useEffect(() => {
    if (!linked) return;
    setText(linked);
    setReviewed(null);
    void review(linked);
  }, [linked, node !== undefined]);
  const [payPassword, setPayPassword] = useState('');
  const { state, submit, busy } = useSubmit(account, queryKey);
  const info = useAssetInfo();
  const amounts = (list: [string, bigint][]) => list.map(([k, v], i) => <span key={k}>{i > 0 && ', '}{formatFixed8(v)} <AssetName info={info(k)} /></span>);
  const { contacts } = useContacts();
  const contactOf = (address: string) => contacts.find((c) => c.address === address)?.name;
  const review = async (offer = text) => {
    if (!node) return;
    try {
      const tx = decodeOffer(offer);
      const signers = await checkPresentWitnesses(tx);
      const me = accountScriptHash(account);
      const flows = netFlows(node.chain.ledger, tx, me);
      // Our signature is asked for what we give or get, or as a Share's admin approving a transfer.
      const roles = missingSigners(node.chain.ledger, tx).find((m) => equalBytes(m.scriptHash, me))?.roles ?? [];
      if (flows.size === 0 && roles.length === 0) throw Object.assign(new Error(t.errors.CONTRACT_NOT_FOR_US), { code: 'CONTRACT_NOT_FOR_US' });
      adminReview(node.chain.ledger, tx, me, node.settings.addressVersion); // the compliance policy, before anything is shown to sign
      setReviewed({
        tx, fee: feeOf(node.chain.ledger, tx), roles,
        gives: [...flows].filter(([, v]) => v < 0n).map(([k, v]) => [k, -v]),
        gets: [...flows].filter(([, v]) => v > 0n),
        from: signers.map((h) => addressFromScriptHash(h, node.settings.addressVersion)),
      });
    } catch (e) {
      setReviewed({ error: errorText(t, e) });
    }
  };
  return (
    <section className="card" aria-labelledby="review-title">
      <h2 id="review-title">{t.reviewOffer}</h2>
      <label htmlFor="offer-text">{t.offerText}</label>
      <textarea id="offer-text" rows={3} value={text} onChange={(e) => { setText(e.target.value); setReviewed(null); }} spellCheck={false} />
      <button type="button" className="secondary" data-testid="offer-check" disabled={text.trim() === ''} onClick={() => void review()}>{t.review}</button>
      {reviewed && 'error' in reviewed && <p className="error" role="alert" data-testid="offer-error">{reviewed.error}</p>}
      {reviewed && 'tx' in reviewed && (
        <form onSubmit={async (e) => {
          e.preventDefault();
          if (await submit(reviewed.tx, payPassword)) {
            // What this account takes in a contract it signed, it asked for.
            acceptAssets(account.address, reviewed.gets.map(([k]) => k));
            setPayPassword('');
            dismissOffer(text);
          }
        }}>
          <dl className="summary" data-testid="offer-summary">
            <dt>{t.youGive}</dt>
            <dd>{reviewed.gives.length ? amounts(reviewed.gives) : '—'}</dd>
            <dt>{t.youGet}</dt>
            <dd>{amounts(reviewed.gets)}</dd>
            <dt>{t.fee}</dt>
            <dd>{formatFixed8(reviewed.fee)} AntCoin ({t.paidByProposer})</dd>
            {reviewed.roles.length > 0 && <><dt>{t.yourRoles}</dt><dd data-testid="offer-roles">{reviewed.roles.map((r) => roleText(r, t, info)).join('; ')}</dd></>}
            <dt>{t.signedBy}</dt>
            <dd>{reviewed.from.map((a) => <span key={a}><code>{a}</code>{contactOf(a) && ` (${contactOf(a)})`} </span>)}</dd>
            <dt>{t.transaction}</dt>
            <dd><code data-testid="offer-hash">{uintToString(transactionHash(reviewed.tx))}</code></dd>
          </dl>
          <label htmlFor="review-pay-password">{t.payPassword}</label>
          <input id="review-pay-password" type="password" autoComplete="off" value={payPassword} onChange={(e) => setPayPassword(e.target.value)} />
          <button type="submit" disabled={payPassword === '' || busy || state.phase === 'signed' || state.phase === 'submitted' || state.phase === 'final'}>{t.signAndSend}</button>
        </form>
      )}
      <SubmitStatus state={state} testId="contract" />
    </section>
  );
}
