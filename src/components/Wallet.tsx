import { useEffect, useMemo, useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { encodeQR } from '@paulmillr/qr';
import { bytesToHex, equalBytes, hexToBytes } from '../../core/encoding/bytes.ts';
import { allInputs, transactionHash, type Transaction } from '../../core/tx/transaction.ts';
import { formatFixed8, parseFixed8, uintFromString, uintToString } from '../../core/encoding/primitives.ts';
import { addressFromScriptHash, addressToScriptHash, isValidAddress, scriptHash, singleKeyScript } from '../../core/script/accounts.ts';
import { ANTCOIN_ID } from '../../core/block/genesis.ts';
import { accountScript, accountScriptHash, buildPayment, explainTransaction, openMnemonic, readAmount, type AccountRecord, type Movement } from '../../core/wallet/index.ts';
import { readAssetName } from '../../core/wallet/asset-names.ts';
import { currentNode, startPeer, usePeer } from '../peer/browserNode.ts';
import { saveAccount } from '../wallet/walletStore.ts';
import { errorText, useLang, useT } from '../i18n.ts';
import { acceptAssets, AssetName, listAssets, useAssetInfo, useRequested, type AssetInfo } from '../wallet/assets.tsx';
import { BackupCheck } from './Onboarding.tsx';
import { saveContact, useContacts } from '../wallet/contacts.ts';
import { Assets } from './Assets.tsx';
import { Governance } from './Governance.tsx';
import { Contracts, useOfferLink } from './Contracts.tsx';
import { pendingSpends, SubmitStatus, useSubmit } from './submit.tsx';
import { Guard } from './Guard.tsx';
import { Counterparty, dealtWith, Explained, holderOf, movementsText, ReviewAndSign } from './Review.tsx';
import type { TransactionOutput } from '../../core/tx/io.ts';
import { PendingList } from './Pending.tsx';
import { AddressBook, LookAlikeWarning } from './AddressBook.tsx';
import { Backup } from './Backup.tsx';

type Tab = 'home' | 'send' | 'receive' | 'assets' | 'contracts' | 'governance' | 'contacts' | 'backup';

/** The tabs an account can use: a query-only account cannot sign, so it is not offered what needs a signature. */
function tabsOf(account: AccountRecord): Tab[] {
  return account.pay ? ['home', 'send', 'receive', 'assets', 'contracts', 'governance', 'contacts', 'backup'] : ['home', 'receive', 'contacts', 'backup'];
}

/** The open account: balances, history, send, receive. */
export function Wallet({ account, queryKey }: { account: AccountRecord; queryKey: Uint8Array }) {
  const t = useT();
  const linked = useOfferLink((s) => s.text);
  const tabs = tabsOf(account);
  const [chosen, setTab] = useState<Tab>(linked ? 'contracts' : 'home');
  const tab = tabs.includes(chosen) ? chosen : 'home';
  useEffect(() => {
    if (linked) setTab('contracts');
  }, [linked]);
  // An unlocked wallet needs the chain now: its peer does not wait for a quiet page.
  useEffect(() => void startPeer('wallet'), []);
  return (
    <>
      {account.mnemonic && !account.backupChecked && <BackupReminder account={account} />}
      <nav className="tabs" aria-label={t.account}>
        {tabs.map((k) => (
          <button key={k} type="button" className={tab === k ? 'active' : ''} aria-current={tab === k} onClick={() => setTab(k)}>
            {{ home: t.balances, send: t.send, receive: t.receive, assets: t.assets, contracts: t.contracts, governance: t.governance, contacts: t.addressBook, backup: t.backupTab }[k]}
          </button>
        ))}
      </nav>
      {!account.pay && <p className="hint card" role="note" data-testid="watch-only">{t.watchOnlyNote}</p>}
      <Guard resetKey={`${tab} ${account.address}`}>
        {tab === 'home' && <Home account={account} />}
        {tab === 'send' && <Send account={account} queryKey={queryKey} />}
        {tab === 'receive' && <Receive account={account} queryKey={queryKey} />}
        {tab === 'assets' && <Assets account={account} queryKey={queryKey} />}
        {tab === 'contracts' && <Contracts account={account} queryKey={queryKey} />}
        {tab === 'governance' && <Governance account={account} queryKey={queryKey} />}
        {tab === 'contacts' && <AddressBook />}
        {tab === 'backup' && <Backup account={account} />}
      </Guard>
    </>
  );
}

function useLedgerVersion(): number {
  return usePeer((s) => s.version);
}

interface Balance { id: Uint8Array; hex: string; info: AssetInfo; name: string; units: bigint; requested: boolean; alike: boolean }

/**
 * Balances of the account, by asset, from the ledger this page validated: native assets first,
 * then by name; each with its identity, whether the account asked for it, and whether another
 * asset held looks like it.
 */
function useBalances(account: AccountRecord): Balance[] {
  const version = useLedgerVersion();
  const info = useAssetInfo();
  const requested = useRequested(account);
  const t = useT();
  return useMemo(() => {
    const ledger = currentNode()?.chain.ledger;
    if (!ledger) return [];
    const holdings = ledger.accounts.get(bytesToHex(accountScriptHash(account)))?.holdings ?? new Map();
    const held = [...holdings.entries()].map(([hex, h]) => ({ hex, units: h.units as bigint, id: hexToBytes(hex), requested: requested(hex) }));
    return listAssets(held, info, t.noAssetName);
  }, [account, version, info, requested, t]);
}

/** The enrolment deposit: it left the account's balance for the validator key's own address, locked there while it is a candidate. */
function Deposit({ account }: { account: AccountRecord }) {
  const t = useT();
  useLedgerVersion();
  const node = currentNode();
  if (!account.validator || !node) return null;
  const at = scriptHash(singleKeyScript(hexToBytes(account.validator.publicKey)));
  const held = node.chain.ledger.balance(at, ANTCOIN_ID);
  if (held === 0n) return null;
  return (
    <p data-testid="deposit">{t.depositHeld}: <strong className="amount">{formatFixed8(held)}</strong> AntCoin · <code>{addressFromScriptHash(at, node.settings.addressVersion)}</code></p>
  );
}

function Home({ account }: { account: AccountRecord }) {
  const t = useT();
  const all = useBalances(account);
  const balances = all.filter((b) => b.requested);
  const unasked = all.filter((b) => !b.requested);
  const config = usePeer((s) => s.config);
  const faucet = useMutation({
    mutationFn: async () => {
      const res = await fetch(config?.faucet ?? '/faucet', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ address: account.address }) });
      const body = (await res.json()) as { error?: string; message?: string; tx?: string };
      if (!res.ok) throw Object.assign(new Error(body.message ?? res.statusText), { code: body.error });
      return body;
    },
  });
  return (
    <>
      <section className="card" aria-labelledby="balances-title">
        <h2 id="balances-title">{t.balances}</h2>
        {balances.length === 0 ? <p>{t.noBalance}</p> : (
          <table className="balances" data-testid="balances">
            <tbody>
              {balances.map((b) => (
                <tr key={b.hex} data-asset={b.info.name} data-asset-id={b.info.shortId} data-native={b.info.native || undefined}>
                  <th scope="row"><AssetName info={b.info} alike={b.alike} /></th><td className="amount">{formatFixed8(b.units)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Deposit account={account} />
        {unasked.length > 0 && (
          <div className="unasked" data-testid="not-requested">
            <h3>{t.notRequested}</h3>
            <p className="hint">{t.notRequestedHint}</p>
            <table className="balances">
              <tbody>
                {unasked.map((b) => (
                  <tr key={b.hex} data-asset={b.info.name} data-asset-id={b.info.shortId}>
                    <th scope="row"><AssetName info={b.info} alike={b.alike} /></th>
                    <td className="amount">{formatFixed8(b.units)}</td>
                    <td><button type="button" className="secondary" onClick={() => acceptAssets(account.address, [b.hex])}>{t.acceptAsset}</button></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {config?.faucet && (
          <>
            <button type="button" className="secondary" disabled={faucet.isPending} onClick={() => faucet.mutate()}>{t.getFunds}</button>
            {faucet.isSuccess && <FaucetStatus tx={faucet.data.tx} />}
            {faucet.isError && <p className="error" role="alert">{errorText(t, faucet.error)}</p>}
          </>
        )}
      </section>
      <History account={account} />
    </>
  );
}

/** The faucet's payment: asked for, then final in its block (read from the ledger this page validated). */
function FaucetStatus({ tx }: { tx?: string }) {
  const t = useT();
  useLedgerVersion();
  let height: number | undefined;
  try {
    height = tx ? currentNode()?.chain.ledger.txs.get(bytesToHex(uintFromString(tx, 32)))?.height : undefined;
  } catch {
    height = undefined; // not a hash: the faucet's answer is not ours to trust
  }
  return <p className="ok" role="status" data-testid="faucet-status">{height === undefined ? t.faucetAsked : t.faucetArrived(height)}</p>;
}

function History({ account }: { account: AccountRecord }) {
  const t = useT();
  const version = useLedgerVersion();
  const [pages, setPages] = useState(1);
  const [open, setOpen] = useState<string | null>(null);
  const page = useMemo(() => {
    const ledger = currentNode()?.chain.ledger;
    return ledger?.historyOf(accountScriptHash(account), { limit: 10 * pages });
  }, [account, version, pages]);
  return (
    <section className="card" aria-labelledby="history-title">
      <h2 id="history-title">{t.history}</h2>
      <PendingList account={account} />
      {!page || page.items.length === 0 ? <p>{t.noHistory}</p> : (
        <ul className="history" data-testid="history">
          {page.items.map((i) => {
            const key = bytesToHex(i.txHash);
            return (
              <li key={key}>
                <button type="button" className="link" aria-expanded={open === key} onClick={() => setOpen(open === key ? null : key)}>
                  <HistoryLine account={account} hash={i.txHash} height={i.height} />
                </button>
                {open === key && <TxDetail account={account} hash={i.txHash} height={i.height} />}
              </li>
            );
          })}
        </ul>
      )}
      {page?.next && <button type="button" className="secondary" onClick={() => setPages(pages + 1)}>{t.more}</button>}
    </section>
  );
}

/** A transaction of this account's history, explained from its block (the outputs it spent read from theirs). */
function useExplained(account: AccountRecord, hash: Uint8Array, height: number) {
  const t = useT();
  return useQuery({
    queryKey: ['explained', account.address, bytesToHex(hash)],
    staleTime: Infinity, // a transaction in a block never changes
    queryFn: async () => {
      const node = currentNode();
      if (!node) throw new Error(t.errors.NETWORK);
      const block = await node.chain.block(height);
      const tx = block?.transactions.find((x) => equalBytes(transactionHash(x), hash));
      if (!tx) throw new Error(t.errors.NETWORK);
      const spent = await Promise.all(allInputs(tx).map(async (input) => {
        const where = node.chain.ledger.txs.get(bytesToHex(input.prevHash));
        return where && (await node.chain.block(where.height))?.transactions[where.index]?.outputs[input.prevIndex];
      }));
      return { tx, spent, at: block!.timestamp, e: explainTransaction(tx, spent, holderOf(account)) };
    },
  });
}

/** One line of the history: what happened in words, when, and that it is final. */
function HistoryLine({ account, hash, height }: { account: AccountRecord; hash: Uint8Array; height: number }) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const info = useAssetInfo();
  const { contacts } = useContacts();
  const version = currentNode()?.settings.addressVersion;
  const q = useExplained(account, hash, height);
  if (!q.data) return <span>{t.block} {height} · <code>{uintToString(hash).slice(0, 16)}…</code></span>;
  const { e, at } = q.data;
  const amounts = (list: readonly Movement[]) => movementsText(list, info, t.noAssetName);
  const party = (list: readonly Movement[]) => {
    const hashes = [...new Map(list.flatMap((m) => m.counterparties).map((h) => [bytesToHex(h), h])).values()];
    return hashes.map((h) => {
      const address = addressFromScriptHash(h, version);
      return contacts.find((c) => c.address === address)?.name ?? `${address.slice(0, 6)}…${address.slice(-4)}`;
    }).join(', ');
  };
  const registered = e.registered ? readAssetName(e.registered.name, lang) || t.noAssetName : '';
  const text = t.historyLine(e, { leaves: amounts(e.leaves), arrives: amounts(e.arrives), issued: amounts(e.issued), to: party([...e.leaves, ...e.issued]), from: party(e.arrives), registered, deposit: e.enrolled ? formatFixed8(e.enrolled.deposit) : '' });
  return (
    <span className={`line ${e.leaves.length && !e.arrives.length ? 'out' : e.arrives.length && !e.leaves.length ? 'in' : ''}`} data-kind={e.kind}>
      <span className="what">{text}</span>{' '}
      <span className="when"><time dateTime={new Date(at * 1000).toISOString()}>{new Date(at * 1000).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en')}</time> · {t.finalIn(height)}</span>
    </span>
  );
}

/** An input's or output's units and account in words: "12 AntShare, yours" or "12 AntShare to AK…". */
function Part({ output, account, way }: { output: TransactionOutput; account: AccountRecord; way: 'to' | 'of' }) {
  const t = useT();
  const info = useAssetInfo();
  const yours = holderOf(account).has(bytesToHex(output.scriptHash));
  return <>{formatFixed8(output.value)} <AssetName info={info(bytesToHex(output.assetId))} /> {yours ? t.ofYours : <>{way === 'to' ? t.toWhom : t.ofWhom} <Counterparty hash={output.scriptHash} /></>}</>;
}

/** One transaction of the history in plain words: what left and arrived, to and from whom, the fee, when and where. */
function TxDetail({ account, hash, height }: { account: AccountRecord; hash: Uint8Array; height: number }) {
  const t = useT();
  const q = useExplained(account, hash, height);
  if (q.isPending) return <p className="hint">…</p>;
  if (q.isError) return <p className="error">{errorText(t, q.error)}</p>;
  return (
    <div className="tx-detail" data-testid="tx-detail">
      <p>{t.txTypes[q.data.e.type] ?? q.data.e.type}</p>
      <Explained e={q.data.e} testId="tx-detail-summary" />
      <details>
        <summary>{t.everyPart}</summary>
        <ul className="moves" data-testid="tx-parts">
          {q.data.spent.map((o, i) => <li key={`in${i}`}>{o ? <>{t.spends} <Part output={o} account={account} way="of" /></> : t.spendsUnread}</li>)}
          {q.data.tx.outputs.map((o, i) => <li key={`out${i}`}>{t.pays} <Part output={o} account={account} way="to" /></li>)}
        </ul>
      </details>
      <p className="hint">{t.transaction} <code>{uintToString(hash)}</code> · {t.block} {height}</p>
    </div>
  );
}

function Send({ account, queryKey }: { account: AccountRecord; queryKey: Uint8Array }) {
  const t = useT();
  const balances = useBalances(account).filter((b) => b.requested);
  const peer = usePeer();
  const [assetHex, setAssetHex] = useState('');
  const [amount, setAmount] = useState('');
  const [to, setTo] = useState('');
  const [contactName, setContactName] = useState('');
  const { contacts } = useContacts();
  const { state, submit, busy } = useSubmit(account, queryKey);
  const asset = balances.find((b) => b.hex === assetHex) ?? balances[0];
  const node = currentNode();
  const version = node?.settings.addressVersion;
  const toValid = to.trim() !== '' && isValidAddress(to.trim(), version);
  const record = asset && node?.chain.ledger.assets.get(asset.hex);
  // Read for the asset (its decimals: AntShare none) and the balance, before anything is signed.
  const reading = readAmount(amount, { precision: record?.precision, balance: asset?.units });
  const value = 'value' in reading ? reading.value : null;
  // Share and Invoice assets need the receiver's signature: a contract, not a plain payment.
  const consent = record?.assetType === 'Share' || record?.assetType === 'Invoice';
  const plan = useMemo(() => {
    if (!node || !asset || !toValid || value === null || consent) return null;
    try {
      return buildPayment({
        ledger: node.chain.ledger, settings: node.settings, script: accountScript(account), skip: pendingSpends,
        outputs: [{ assetId: asset.id, value, scriptHash: addressToScriptHash(to.trim(), version) }],
      });
    } catch (e) {
      // AntCoin sent pays its own fee: short by the fee, say so with the figures.
      const refusal = e as { code?: string; data?: { asset?: string; needed?: string } };
      if (refusal.code === 'PAYMENT_FUNDS_LOW' && refusal.data?.asset === uintToString(ANTCOIN_ID) && asset.hex === bytesToHex(ANTCOIN_ID) && refusal.data.needed) {
        const fee = parseFixed8(refusal.data.needed) - value;
        if (fee > 0n) return { error: t.aboveBalanceWithFee(formatFixed8(asset.units), formatFixed8(fee), formatFixed8(asset.units > fee ? asset.units - fee : 0n)) };
      }
      return { error: errorText(t, e) };
    }
  }, [node, asset?.hex, asset?.units, toValid, to, value, consent, peer.version, account, t]);
  // Read once per recipient and block, not on every keystroke elsewhere in the form.
  const known = useMemo(() => !toValid || !node || dealtWith(node.chain.ledger, account, addressToScriptHash(to.trim(), version)), [toValid, to, node, account, version, peer.version]);
  const max = () => {
    if (!asset) return;
    // Max leaves the fee: the fee of a payment of everything, paid from the same AntCoin.
    const isCoin = bytesToHex(asset.id) === bytesToHex(ANTCOIN_ID);
    if (!isCoin || !node) return setAmount(formatFixed8(asset.units));
    const probe = (() => {
      try {
        return buildPayment({ ledger: node.chain.ledger, settings: node.settings, script: accountScript(account), outputs: [{ assetId: asset.id, value: 1n, scriptHash: accountScriptHash(account) }] }).fee;
      } catch {
        return 0n;
      }
    })();
    setAmount(formatFixed8(asset.units > probe ? asset.units - probe : 0n));
  };
  const [reviewing, setReviewing] = useState<Transaction | null>(null);
  return (
    <section className="card" aria-labelledby="send-title">
      <h2 id="send-title">{t.send}</h2>
      <form onSubmit={(e) => { e.preventDefault(); if (plan && 'tx' in plan) setReviewing(plan.tx); }}>
        <fieldset disabled={reviewing !== null}>
        <label htmlFor="send-asset">{t.asset}</label>
        <select id="send-asset" value={asset?.hex ?? ''} onChange={(e) => setAssetHex(e.target.value)}>
          {balances.map((b) => <option key={b.hex} value={b.hex}>{b.name} ({formatFixed8(b.units)})</option>)}
        </select>
        <label htmlFor="send-amount">{t.amount}</label>
        <div className="row">
          <input id="send-amount" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} autoComplete="off" />
          <button type="button" className="secondary" onClick={max}>{t.max}</button>
        </div>
        {'problem' in reading && reading.problem !== 'empty' && <p className="error" role="alert" data-testid="amount-error">{t.amountProblem(reading, asset?.info.name || t.noAssetName)}</p>}
        {consent && <p className="hint" role="note">{t.needsConsent}</p>}
        <label htmlFor="send-to">{t.recipient}</label>
        <input id="send-to" list="contacts" value={to} onChange={(e) => setTo(contacts.find((c) => c.name === e.target.value)?.address ?? e.target.value)} spellCheck={false} autoComplete="off" />
        <datalist id="contacts">{contacts.map((c) => <option key={c.address} value={c.address}>{c.name}</option>)}</datalist>
        {toValid && !contacts.some((c) => c.address === to.trim()) && (
          <div className="row">
            <input aria-label={t.contactName} placeholder={t.contactName} value={contactName} onChange={(e) => setContactName(e.target.value)} />
            <button type="button" className="secondary" disabled={contactName.trim() === ''} onClick={() => { saveContact({ name: contactName.trim(), address: to.trim() }); setContactName(''); }}>{t.saveContact}</button>
          </div>
        )}
        {toValid && contacts.some((c) => c.address === to.trim()) && <p className="hint">{contacts.find((c) => c.address === to.trim())!.name}</p>}
        {toValid && <LookAlikeWarning address={to} />}
        {toValid && !contacts.some((c) => c.address === to.trim()) && !known && <p className="hint" data-testid="first-payment">{t.firstPayment}</p>}
        {to.trim() !== '' && !toValid && <p className="error" role="alert">{t.addressInvalid}</p>}
        {plan && 'fee' in plan && <p data-testid="fee">{t.fee}: {formatFixed8(plan.fee)} AntCoin</p>}
        {plan && 'error' in plan && <p className="error" role="alert" data-testid="plan-error">{plan.error}</p>}
        {peer.phase !== 'synced' && <p className="hint">{t.notSynced}</p>}
        {!reviewing && <button type="submit" data-testid="send-check" disabled={!plan || 'error' in plan || peer.phase !== 'synced'}>{t.review}</button>}
        </fieldset>
      </form>
      {reviewing && (
        <ReviewAndSign tx={reviewing} account={account} id="send" signLabel={busy ? t.sending : t.signAndSend} busy={busy}
          onSign={async (password) => {
            const sent = await submit(reviewing, password);
            if (sent) setReviewing(null);
            return sent;
          }}
          onBack={() => setReviewing(null)} />
      )}
      <SubmitStatus state={state} />
    </section>
  );
}

function Receive({ account, queryKey }: { account: AccountRecord; queryKey: Uint8Array }) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  const [exported, setExported] = useState(false);
  const qr = useMemo(() => `data:image/svg+xml;utf8,${encodeURIComponent(encodeQR(account.address, 'svg'))}`, [account.address]);
  return (
    <section className="card" aria-labelledby="receive-title">
      <h2 id="receive-title">{t.receive}</h2>
      <p>{t.yourAddress}</p>
      <p><code data-testid="my-address">{account.address}</code></p>
      <img className="qr" src={qr} alt={account.address} width={200} height={200} />
      <div className="actions">
        <button type="button" onClick={async () => { await navigator.clipboard.writeText(account.address); setCopied(true); }}>{copied ? t.copied : t.copy}</button>
      </div>
      <details className="export">
        <summary>{t.exportWatch}</summary>
        <p className="hint">{t.watchWarning}</p>
        {!exported ? <button type="button" className="secondary" onClick={() => setExported(true)}>{t.show}</button> : (
          <dl className="summary" data-testid="watch-export">
            <dt>{t.queryPrivateKey}</dt><dd><code>{bytesToHex(queryKey)}</code></dd>
            <dt>{t.payPublicKey}</dt><dd><code>{account.payPublicKey}</code></dd>
            <dt>{t.queryPublicKey}</dt><dd><code>{account.queryPublicKey}</code></dd>
          </dl>
        )}
      </details>
    </section>
  );
}

/** Until the recovery words are checked: a reminder, and the check (the pay password opens the words). */
function BackupReminder({ account }: { account: AccountRecord }) {
  const t = useT();
  const [password, setPassword] = useState('');
  const [words, setWords] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState('');
  if (words && !checking) {
    return (
      <section className="card warning">
        <p>{t.recoveryWordsText}</p>
        <ol className="words">{words.split(' ').map((w, i) => <li key={i}>{w}</li>)}</ol>
        <button type="button" onClick={() => setChecking(true)}>{t.wroteThemDown}</button>
      </section>
    );
  }
  if (words) {
    return (
      <section className="card warning">
        <BackupCheck mnemonic={words} onPassed={async () => {
          await saveAccount({ ...account, backupChecked: Date.now() }); // the words stay sealed: they can be shown again (Backup tab)
        }} />
      </section>
    );
  }
  return (
    <section className="card warning" role="note">
      <p>{t.backupReminder}</p>
      <form className="row" onSubmit={async (e) => {
        e.preventDefault();
        try {
          setWords(await openMnemonic(account, password));
        } catch (err) {
          setError(errorText(t, err));
        }
      }}>
        <input type="password" aria-label={t.payPassword} placeholder={t.payPassword} value={password} onChange={(e) => setPassword(e.target.value)} />
        <button type="submit">{t.backupNow}</button>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
    </section>
  );
}
