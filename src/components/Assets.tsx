import { useMemo, useState } from 'react';
import { equalBytes, hexToBytes } from '../../core/encoding/bytes.ts';
import { formatFixed8 } from '../../core/encoding/primitives.ts';
import { addressFromScriptHash, addressToScriptHash, isValidAddress } from '../../core/script/accounts.ts';
import { UNLIMITED_AMOUNT, type AssetType } from '../../core/tx/register.ts';
import { accountScript, accountScriptHash, buildPayment, issuerScript, readAmount, type AccountRecord } from '../../core/wallet/index.ts';
import { currentNode, usePeer } from '../peer/browserNode.ts';
import { errorText, useT } from '../i18n.ts';
import { assetText, useAssetInfo } from '../wallet/assets.tsx';
import { pendingSpends, SubmitStatus, useSubmit } from './submit.tsx';
import { ReviewAndSign } from './Review.tsx';
import type { Transaction } from '../../core/tx/transaction.ts';
import { loadPolicy, savePolicy } from '../wallet/policy.ts';

const TYPES: AssetType[] = ['Currency', 'Share', 'Invoice', 'Token'];

/** Assets this account administers: register, issue in batches, see holders. */
export function Assets({ account, queryKey }: { account: AccountRecord; queryKey: Uint8Array }) {
  const t = useT();
  const version = usePeer((s) => s.version);
  const info = useAssetInfo();
  const mine = useMemo(() => {
    const ledger = currentNode()?.chain.ledger;
    if (!ledger) return [];
    const me = accountScriptHash(account);
    return [...ledger.assets.entries()].filter(([, a]) => equalBytes(a.admin, me)).map(([hex, a]) => ({ hex, ...a, shown: assetText(info(hex), t.noAssetName) }));
  }, [account, version, info, t]);
  const [selected, setSelected] = useState('');
  const asset = mine.find((a) => a.hex === selected) ?? mine[0];
  return (
    <>
      <Register account={account} queryKey={queryKey} />
      {asset && (
        <section className="card" aria-labelledby="my-assets-title">
          <h2 id="my-assets-title">{t.myAssets}</h2>
          <label htmlFor="issue-asset">{t.asset}</label>
          <select id="issue-asset" value={asset.hex} onChange={(e) => setSelected(e.target.value)}>
            {mine.map((a) => <option key={a.hex} value={a.hex}>{a.shown} ({a.assetType})</option>)}
          </select>
          <p data-testid="asset-supply">{t.issued}: {formatFixed8(asset.issued)} / {asset.amount === UNLIMITED_AMOUNT ? t.unlimited : formatFixed8(asset.amount)}</p>
          <Issue account={account} queryKey={queryKey} assetHex={asset.hex} precision={asset.precision} assetName={info(asset.hex).name || t.noAssetName} />
          {asset.assetType === 'Share' && <PolicyEditor admin={account.address} assetHex={asset.hex} />}
          <Holders assetHex={asset.hex} />
        </section>
      )}
    </>
  );
}

function Register({ account, queryKey }: { account: AccountRecord; queryKey: Uint8Array }) {
  const t = useT();
  const node = currentNode();
  const [type, setType] = useState<AssetType>('Token');
  const [nameZh, setNameZh] = useState('');
  const [nameEn, setNameEn] = useState('');
  const [total, setTotal] = useState('');
  const [precision, setPrecision] = useState(2);
  const [reviewing, setReviewing] = useState<Transaction | null>(null);
  const { state, submit, busy } = useSubmit(account, queryKey);
  const effectivePrecision = type === 'Share' ? 0 : precision;
  const plan = useMemo(() => {
    if (!node || (nameZh.trim() === '' && nameEn.trim() === '')) return null;
    const reading = total.trim() === '' ? { value: UNLIMITED_AMOUNT } : readAmount(total, { precision: effectivePrecision });
    if ('problem' in reading) return { error: t.amountProblem(reading, nameEn.trim() || nameZh.trim()) };
    const amount = reading.value;
    const names = [...(nameZh.trim() ? [{ lang: 'zh-CN', name: nameZh.trim() }] : []), ...(nameEn.trim() ? [{ lang: 'en', name: nameEn.trim() }] : [])];
    try {
      return buildPayment({
        ledger: node.chain.ledger, settings: node.settings, script: accountScript(account), outputs: [], skip: pendingSpends, otherSigners: [issuerScript(account)],
        template: {
          type: 'RegisterTransaction', version: 0, attributes: [], assetType: type, name: JSON.stringify(names), amount, precision: effectivePrecision,
          issuer: hexToBytes(account.payPublicKey), admin: accountScriptHash(account),
        },
      });
    } catch (e) {
      return { error: errorText(t, e) };
    }
  }, [node, nameZh, nameEn, total, type, effectivePrecision, account, t]);
  return (
    <section className="card" aria-labelledby="register-title">
      <h2 id="register-title">{t.registerAsset}</h2>
      <form onSubmit={(e) => {
        e.preventDefault();
        if (plan && 'tx' in plan) setReviewing(plan.tx);
      }}>
        <fieldset disabled={reviewing !== null}>
        <label htmlFor="asset-type">{t.assetType}</label>
        <select id="asset-type" value={type} onChange={(e) => setType(e.target.value as AssetType)}>
          {TYPES.map((k) => <option key={k} value={k}>{t.assetTypes[k]}</option>)}
        </select>
        <label htmlFor="asset-name-zh">{t.nameZh}</label>
        <input id="asset-name-zh" value={nameZh} onChange={(e) => setNameZh(e.target.value)} />
        <label htmlFor="asset-name-en">{t.nameEn}</label>
        <input id="asset-name-en" value={nameEn} onChange={(e) => setNameEn(e.target.value)} />
        <label htmlFor="asset-total">{t.total}</label>
        <input id="asset-total" inputMode="decimal" placeholder={t.unlimited} value={total} onChange={(e) => setTotal(e.target.value)} />
        <label htmlFor="asset-precision">{t.precisionLabel}</label>
        <select id="asset-precision" value={effectivePrecision} disabled={type === 'Share'} onChange={(e) => setPrecision(Number(e.target.value))}>
          {Array.from({ length: 9 }, (_, i) => <option key={i} value={i}>{i}</option>)}
        </select>
        {plan && 'fee' in plan && <p data-testid="register-fee">{t.serviceFee}: {formatFixed8(plan.fee)} AntCoin</p>}
        {plan && 'error' in plan && <p className="error" role="alert">{plan.error}</p>}
        {!reviewing && <button type="submit" data-testid="register-check" disabled={!plan || 'error' in plan}>{t.review}</button>}
        </fieldset>
      </form>
      {reviewing && (
        <ReviewAndSign tx={reviewing} account={account} id="register" signLabel={t.registerAsset} busy={busy} onBack={() => setReviewing(null)}
          onSign={async (password) => {
            const done = await submit(reviewing, password, { asIssuer: true });
            if (done) setReviewing(null);
            return done;
          }} />
      )}
      <SubmitStatus state={state} testId="register" />
    </section>
  );
}

/** Issues to many addresses in one transaction: one "address amount" per line. */
function Issue({ account, queryKey, assetHex, precision, assetName }: { account: AccountRecord; queryKey: Uint8Array; assetHex: string; precision: number; assetName: string }) {
  const t = useT();
  const node = currentNode();
  const [lines, setLines] = useState('');
  const [reviewing, setReviewing] = useState<Transaction | null>(null);
  const { state, submit, busy } = useSubmit(account, queryKey);
  const plan = useMemo(() => {
    if (!node || lines.trim() === '') return null;
    const assetId = hexToBytes(assetHex);
    const created = [];
    for (const [n, line] of lines.trim().split('\n').entries()) {
      const [address, amount] = line.trim().split(/[\s,;]+/);
      if (!address || !isValidAddress(address, node.settings.addressVersion)) return { error: `${t.line} ${n + 1}: ${t.addressInvalid}` };
      const reading = readAmount(amount ?? '', { precision });
      if ('problem' in reading) return { error: `${t.line} ${n + 1}: ${reading.problem === 'empty' ? t.amountProblem({ problem: 'zero' }, assetName) : t.amountProblem(reading, assetName)}` };
      const value = reading.value;
      created.push({ assetId, value, scriptHash: addressToScriptHash(address, node.settings.addressVersion) });
    }
    try {
      return buildPayment({ ledger: node.chain.ledger, settings: node.settings, script: accountScript(account), outputs: [], created, skip: pendingSpends, template: { type: 'IssueTransaction', version: 0, attributes: [] } });
    } catch (e) {
      return { error: errorText(t, e) };
    }
  }, [node, lines, assetHex, precision, assetName, account, t]);
  return (
    <>
    <form onSubmit={(e) => {
      e.preventDefault();
      if (plan && 'tx' in plan) setReviewing(plan.tx);
    }}>
      <fieldset disabled={reviewing !== null}>
      <h3>{t.issue}</h3>
      <label htmlFor="issue-lines">{t.issueLines}</label>
      <textarea id="issue-lines" rows={4} value={lines} onChange={(e) => setLines(e.target.value)} spellCheck={false} placeholder="A… 100" />
      {plan && 'fee' in plan && <p data-testid="issue-fee">{t.fee}: {formatFixed8(plan.fee)} AntCoin</p>}
      {plan && 'error' in plan && <p className="error" role="alert">{plan.error}</p>}
      {!reviewing && <button type="submit" data-testid="issue-check" disabled={!plan || 'error' in plan}>{t.review}</button>}
      </fieldset>
    </form>
    {reviewing && (
      <ReviewAndSign tx={reviewing} account={account} id="issue" signLabel={t.issue} busy={busy} onBack={() => setReviewing(null)}
        onSign={async (password) => {
          const done = await submit(reviewing, password);
          if (done) setReviewing(null);
          return done;
        }} />
    )}
    <SubmitStatus state={state} testId="issue" />
    </>
  );
}

function Holders({ assetHex }: { assetHex: string }) {
  const t = useT();
  const version = usePeer((s) => s.version);
  const holders = useMemo(() => {
    const node = currentNode();
    return node ? node.chain.ledger.holdersOf(hexToBytes(assetHex)).map((h) => ({ address: addressFromScriptHash(h.scriptHash, node.settings.addressVersion), units: h.units })) : [];
  }, [assetHex, version]);
  return (
    <>
      <h3>{t.holders}</h3>
      {holders.length === 0 ? <p>{t.noHolders}</p> : (
        <table className="balances" data-testid="holders">
          <tbody>{holders.map((h) => <tr key={h.address}><th scope="row"><code>{h.address}</code></th><td className="amount">{formatFixed8(h.units)}</td></tr>)}</tbody>
        </table>
      )}
    </>
  );
}

/** The admin's compliance policy for one Share asset (kept in this browser). */
function PolicyEditor({ admin, assetHex }: { admin: string; assetHex: string }) {
  const t = useT();
  const saved = loadPolicy(admin, assetHex);
  const [holders, setHolders] = useState((saved.allowedHolders ?? []).join('\n'));
  const [percent, setPercent] = useState(saved.maxTransferPercentPerYear?.toString() ?? '');
  const [max, setMax] = useState(saved.maxHolders?.toString() ?? '');
  const [done, setDone] = useState(false);
  const [error, setError] = useState('');
  return (
    <form onSubmit={(e) => {
      e.preventDefault();
      const list = holders.split('\n').map((l) => l.trim()).filter(Boolean);
      const bad = list.find((a) => !isValidAddress(a));
      if (bad) return setError(`${bad}: ${t.addressInvalid}`);
      const p = percent.trim() === '' ? undefined : Number(percent);
      const m = max.trim() === '' ? undefined : Number(max);
      if ((p !== undefined && !(p >= 0 && p <= 100)) || (m !== undefined && !(Number.isInteger(m) && m >= 1))) return setError(t.amountInvalid);
      savePolicy(admin, assetHex, { allowedHolders: list.length ? list : undefined, maxTransferPercentPerYear: p, maxHolders: m });
      setError('');
      setDone(true);
    }}>
      <h3>{t.compliance}</h3>
      <label htmlFor="policy-holders">{t.allowedHolders}</label>
      <textarea id="policy-holders" rows={3} value={holders} onChange={(e) => { setHolders(e.target.value); setDone(false); }} spellCheck={false} />
      <label htmlFor="policy-percent">{t.maxPercent}</label>
      <input id="policy-percent" inputMode="decimal" value={percent} onChange={(e) => { setPercent(e.target.value); setDone(false); }} />
      <label htmlFor="policy-max">{t.maxHolders}</label>
      <input id="policy-max" inputMode="numeric" value={max} onChange={(e) => { setMax(e.target.value); setDone(false); }} />
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit">{t.savePolicy}</button>
      {done && <p className="ok" role="status">{t.policySaved}</p>}
    </form>
  );
}
