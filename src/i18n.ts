/**
 * The app's two languages. Chinese first where the browser asks for it, English otherwise; the
 * user's choice is kept in localStorage. Every string the user reads comes from here, and every
 * coded error of core/ has its text here (the UI never shows a raw code alone).
 */
import { create } from 'zustand';
import { addressFromScriptHash } from '../core/script/accounts.ts';
import { hexToBytes } from '../core/encoding/bytes.ts';

/** An account shown by the ledger's errors as display hex (reversed script hash), as an address. */
function displayAddress(account: unknown): string {
  try {
    return addressFromScriptHash(hexToBytes(String(account)).reverse());
  } catch {
    return String(account);
  }
}

export type Lang = 'zh' | 'en';

const en = {
  appName: 'Antshares Web',
  tagline: 'Your wallet and a full peer of the Antshares network, in this page',
  language: 'Language',
  tools: 'Protocol tools',
  // status bar
  peers: 'peers',
  browsers: 'browsers',
  height: 'height',
  syncing: 'syncing',
  synced: 'synced',
  connecting: 'connecting',
  offline: 'offline',
  noNetwork: 'no network configured',
  lastBlock: 'last block',
  secondsAgo: 's ago',
  blocksPerSecond: 'blocks/s',
  timeLeft: 'left',
  // onboarding
  welcome: 'Welcome',
  welcomeText: 'Create a new wallet, or restore one from its 12 recovery words. Your keys never leave this device unencrypted.',
  createWallet: 'Create a new wallet',
  restoreWallet: 'Restore from recovery words',
  recoveryWords: 'Your recovery words',
  recoveryWordsText: 'Write these 12 words down on paper, in order, and keep them safe. They are the only way to recover this wallet. They are shown once.',
  wroteThemDown: 'I wrote them down',
  checkBackup: 'Check your backup',
  checkBackupText: 'Type the words at these positions.',
  word: 'Word',
  check: 'Check',
  backupWrong: 'That is not the word written at this position. Look at your paper again.',
  backupLater: 'Check later',
  enterWords: 'Recovery words',
  passwords: 'Two passwords',
  passwordsText: 'The query password shows your balances and history. The pay password spends: it is asked every time you send. Choose two different passwords.',
  queryPassword: 'Query password',
  payPassword: 'Pay password',
  accountName: 'Account name',
  strength: ['too short', 'weak', 'fair', 'good', 'strong'],
  create: 'Create the wallet',
  creating: 'Encrypting your keys…',
  // unlock
  unlock: 'Unlock',
  unlockText: 'Enter the query password of this account.',
  account: 'Account',
  lock: 'Lock',
  addAccount: 'Add an account',
  // home
  balances: 'Balances',
  noBalance: 'Nothing here yet.',
  getFunds: 'Get test funds (faucet)',
  faucetAsked: 'Asked the faucet: the funds arrive with the next block.',
  history: 'History',
  noHistory: 'No transactions yet.',
  more: 'More',
  block: 'block',
  backupReminder: 'Your recovery words are not checked yet. Without them, a lost device means lost funds.',
  backupNow: 'Check them now',
  // receive
  receive: 'Receive',
  yourAddress: 'Your address',
  copy: 'Copy',
  copied: 'Copied',
  // send
  send: 'Send',
  asset: 'Asset',
  amount: 'Amount',
  max: 'Max',
  recipient: 'Recipient address',
  contactName: 'Name for the address book',
  importWatch: 'Import a query-only account',
  exportWatch: 'Export for a query-only wallet (an auditor, a second device)',
  watchWarning: 'A query-only wallet sees every balance and transaction and signs nothing alone. But the query key is also one of the two keys that spend: give it only to someone you trust with half of your signature.',
  queryPrivateKey: 'Query private key',
  payPublicKey: 'Pay public key',
  queryPublicKey: 'Query public key',
  show: 'Show',
  saveContact: 'Save',
  fee: 'Network fee',
  signAndSend: 'Sign and send',
  sending: 'Signing…',
  submitted: 'Sent. Waiting for the block that makes it final…',
  final: 'Final in block',
  addressInvalid: 'This address is mistyped (its checksum does not match).',
  amountInvalid: 'Enter an amount above zero.',
  precision: (asset: string, unit: string) => `${asset} is counted in whole units of ${unit}.`,
  notSynced: 'Wait until the wallet has caught up with the network.',
  assets: 'Assets',
  registerAsset: 'Register an asset',
  assetType: 'Type',
  assetTypes: { Currency: 'Currency', Share: 'Share (equity: transfers need the receiver and the admin)', Invoice: 'Invoice (debt: transfers need the receiver)', Token: 'Token (points, vouchers)', AntShare: 'AntShare', AntCoin: 'AntCoin' } as Record<string, string>,
  nameZh: 'Name in Chinese',
  nameEn: 'Name in English',
  total: 'Total that can ever be issued (empty: no cap)',
  unlimited: 'no cap',
  precisionLabel: 'Decimals',
  serviceFee: 'Service fee (burned) and network fee',
  myAssets: 'Assets you administer',
  issued: 'Issued',
  issue: 'Issue',
  issueLines: 'Recipients: one "address amount" per line',
  line: 'Line',
  holders: 'Holders',
  noHolders: 'No holder yet.',
  contracts: 'Contracts',
  proposeSwap: 'Propose a swap',
  counterparty: "Counterparty's address",
  youGive: 'You give',
  youGet: 'You get',
  youPay: 'you pay it',
  signOffer: 'Sign and create the offer',
  offerReady: 'Signed by you. Send this link (or let them scan the code): the contract is final once they sign it.',
  offerLink: 'Offer link',
  reviewOffer: 'Review an offer',
  offerText: 'Offer (paste it, or open its link)',
  review: 'Review',
  paidByProposer: 'paid by the proposer',
  signedBy: 'Already signed by',
  transaction: 'Transaction',
  governance: 'Governance',
  validators: 'Validators of the next block',
  candidates: 'Candidates and their votes',
  noCandidates: 'No candidate yet.',
  voteFor: 'Vote for',
  you: 'you',
  voteWeight: 'Your vote carries',
  vote: 'Vote',
  enrol: 'Enrol as a validator candidate',
  enrolText: "Your pay key becomes a candidate. The deposit goes to that key's own address; spending it ends the candidacy.",
  deposit: 'Deposit',
  enrolled: 'This account is a candidate:',
  policyRefused: 'Refused by your compliance policy, so not signed:',
  policyReason: (code: string, data: Record<string, unknown>): string | undefined => ({
    POLICY_HOLDER_NOT_ALLOWED: `${displayAddress(data.account)} is not on the list of allowed holders.`,
    POLICY_YEARLY_LIMIT: `${displayAddress(data.account)} may transfer ${String(data.allowed)} a year; ${String(data.earlier)} already, ${String(data.requested)} asked.`,
    POLICY_TOO_MANY_HOLDERS: `the asset would have ${String(data.holders)} holders, at most ${String(data.max)} allowed.`,
  } as Record<string, string>)[code],
  compliance: 'Compliance policy (checked before you co-sign a transfer)',
  allowedHolders: 'Allowed holders: one address per line (empty: anyone)',
  maxPercent: 'Most of a holder\'s units transferable per year, in % (empty: no limit)',
  maxHolders: 'Most holders (empty: no limit)',
  savePolicy: 'Save the policy',
  needsConsent: 'This asset needs the receiver\'s signature (and for Share, the admin\'s): send it as a contract (Contracts tab, nothing asked back).',
  policySaved: 'Saved.',
  // errors by code
  errors: {
    WALLET_WRONG_PASSWORD: 'Wrong password. Nothing was signed or sent.',
    WALLET_PASSWORDS_SAME: 'The two passwords must be different.',
    WALLET_PASSWORD_WEAK: 'A password needs at least 8 characters.',
    WALLET_MNEMONIC_INVALID: 'These are not valid recovery words: a word is misspelt, missing or out of order.',
    WALLET_WATCH_ONLY: 'This is a query-only account: it cannot sign.',
    WALLET_KEY_FORMAT: 'This stored key cannot be read.',
    PAYMENT_FUNDS_LOW: 'Not enough funds for this amount and its fee.',
    MEMPOOL_BUSY: 'The network is busy: try again in a few seconds.',
    MEMPOOL_CONFLICT: 'These funds are being spent by another transaction waiting for a block.',
    FAUCET_DRY: 'The faucet has no funds yet: try again in a minute.',
    RATE_LIMITED: 'The faucet already gave to this address: try again in a minute.',
    NETWORK: 'The network cannot be reached.',
    TX_OUTPUT_PRECISION: 'The amount is finer than this asset allows.',
    CONTRACT_SIGNATURE_INVALID: 'A signature on this offer does not verify: it was altered. Do not sign it.',
    CONTRACT_NOT_FOR_US: 'This offer gives or takes nothing of this account.',
    DECODE_ERROR: 'This is not a complete offer: it was cut or altered when copied.',
  } as Record<string, string>,
};

type Strings = typeof en;

const zh: Strings = {
  appName: '小蚁 Web',
  tagline: '你的钱包，也是小蚁网络的一个完整节点，就在这个网页里',
  language: '语言',
  tools: '协议工具',
  peers: '节点',
  browsers: '浏览器',
  height: '高度',
  syncing: '同步中',
  synced: '已同步',
  connecting: '连接中',
  offline: '离线',
  noNetwork: '未配置网络',
  lastBlock: '最新区块',
  secondsAgo: '秒前',
  blocksPerSecond: '块/秒',
  timeLeft: '剩余',
  welcome: '欢迎',
  welcomeText: '创建新钱包，或用 12 个助记词恢复钱包。你的私钥不会以未加密的形式离开这台设备。',
  createWallet: '创建新钱包',
  restoreWallet: '用助记词恢复',
  recoveryWords: '你的助记词',
  recoveryWordsText: '请按顺序把这 12 个词抄在纸上并妥善保管。这是恢复钱包的唯一方式，只显示这一次。',
  wroteThemDown: '我已抄写',
  checkBackup: '检查备份',
  checkBackupText: '请输入以下位置的词。',
  word: '第几个词',
  check: '检查',
  backupWrong: '这个位置的词不对，请再看一下纸上的记录。',
  backupLater: '稍后检查',
  enterWords: '助记词',
  passwords: '两个密码',
  passwordsText: '查询密码用于查看余额和记录；支付密码用于花费，每次转账都要输入。请设置两个不同的密码。',
  queryPassword: '查询密码',
  payPassword: '支付密码',
  accountName: '账户名称',
  strength: ['太短', '弱', '一般', '好', '强'],
  create: '创建钱包',
  creating: '正在加密你的私钥…',
  unlock: '解锁',
  unlockText: '请输入该账户的查询密码。',
  account: '账户',
  lock: '锁定',
  addAccount: '添加账户',
  balances: '余额',
  noBalance: '暂无资产。',
  getFunds: '领取测试资金（水龙头）',
  faucetAsked: '已向水龙头申请：资金将在下一个区块到账。',
  history: '交易记录',
  noHistory: '暂无交易。',
  more: '更多',
  block: '区块',
  backupReminder: '你的助记词还没有检查。没有它，设备丢失就意味着资金丢失。',
  backupNow: '现在检查',
  receive: '收款',
  yourAddress: '你的地址',
  copy: '复制',
  copied: '已复制',
  send: '转账',
  asset: '资产',
  amount: '数量',
  max: '最大',
  recipient: '收款地址',
  contactName: '地址簿中的名称',
  importWatch: '导入只读账户',
  exportWatch: '导出给只读钱包（审计方、另一台设备）',
  watchWarning: '只读钱包能看到所有余额和交易，单独无法签名。但查询密钥也是两把支付密钥之一：只交给你信任、可托付一半签名权的人。',
  queryPrivateKey: '查询私钥',
  payPublicKey: '支付公钥',
  queryPublicKey: '查询公钥',
  show: '显示',
  saveContact: '保存',
  fee: '网络手续费',
  signAndSend: '签名并发送',
  sending: '签名中…',
  submitted: '已发送，等待区块确认…',
  final: '已确认，区块',
  addressInvalid: '地址输入有误（校验码不符）。',
  amountInvalid: '请输入大于零的数量。',
  precision: (asset: string, unit: string) => `${asset} 的最小单位是 ${unit}。`,
  notSynced: '请等待钱包与网络同步完成。',
  assets: '资产',
  registerAsset: '注册资产',
  assetType: '类型',
  assetTypes: { Currency: '货币', Share: '股权（转让需收款方和管理员签名）', Invoice: '债权（转让需收款方签名）', Token: '积分、代金券', AntShare: '小蚁股', AntCoin: '小蚁币' },
  nameZh: '中文名称',
  nameEn: '英文名称',
  total: '发行总量上限（留空：不设上限）',
  unlimited: '不设上限',
  precisionLabel: '小数位数',
  serviceFee: '服务费（销毁）和网络手续费',
  myAssets: '你管理的资产',
  issued: '已发行',
  issue: '发行',
  issueLines: '接收方：每行一个“地址 数量”',
  line: '第几行',
  holders: '持有人',
  noHolders: '暂无持有人。',
  contracts: '合约',
  proposeSwap: '发起交换',
  counterparty: '对方地址',
  youGive: '你付出',
  youGet: '你得到',
  youPay: '由你支付',
  signOffer: '签名并生成要约',
  offerReady: '你已签名。把这个链接发给对方（或让对方扫码）：对方签名后合约即生效。',
  offerLink: '要约链接',
  reviewOffer: '审阅要约',
  offerText: '要约（粘贴，或打开其链接）',
  review: '审阅',
  paidByProposer: '由发起方支付',
  signedBy: '已签名方',
  transaction: '交易',
  governance: '治理',
  validators: '下一区块的记账人',
  candidates: '候选人及得票',
  noCandidates: '暂无候选人。',
  voteFor: '投票给',
  you: '你',
  voteWeight: '你的投票权重',
  vote: '投票',
  enrol: '报名成为记账人候选人',
  enrolText: '你的支付密钥将成为候选人。押金存入该密钥自己的地址；花掉押金即退出候选。',
  deposit: '押金',
  enrolled: '本账户已是候选人：',
  policyRefused: '不符合你的合规策略，未签名：',
  policyReason: (code: string, data: Record<string, unknown>): string | undefined => ({
    POLICY_HOLDER_NOT_ALLOWED: `${displayAddress(data.account)} 不在允许的持有人名单上。`,
    POLICY_YEARLY_LIMIT: `${displayAddress(data.account)} 每年最多可转让 ${String(data.allowed)}；已转让 ${String(data.earlier)}，本次 ${String(data.requested)}。`,
    POLICY_TOO_MANY_HOLDERS: `持有人将达到 ${String(data.holders)} 个，上限为 ${String(data.max)}。`,
  } as Record<string, string>)[code],
  compliance: '合规策略（你联署转让前检查）',
  allowedHolders: '允许的持有人：每行一个地址（留空：不限）',
  maxPercent: '每个持有人每年最多可转让的比例 %（留空：不限）',
  maxHolders: '持有人数量上限（留空：不限）',
  savePolicy: '保存策略',
  needsConsent: '该资产的转让需要收款方签名（股权还需管理员签名）：请在“合约”中发起（不要求对方付出）。',
  policySaved: '已保存。',
  errors: {
    WALLET_WRONG_PASSWORD: '密码错误。没有签名，也没有发送任何交易。',
    WALLET_PASSWORDS_SAME: '两个密码必须不同。',
    WALLET_PASSWORD_WEAK: '密码至少需要 8 个字符。',
    WALLET_MNEMONIC_INVALID: '助记词无效：有词拼错、缺失或顺序不对。',
    WALLET_WATCH_ONLY: '这是只读账户，不能签名。',
    WALLET_KEY_FORMAT: '无法读取这个已保存的密钥。',
    PAYMENT_FUNDS_LOW: '余额不足以支付该数量及手续费。',
    MEMPOOL_BUSY: '网络繁忙，请几秒后重试。',
    MEMPOOL_CONFLICT: '这些资金正被另一笔待确认的交易使用。',
    FAUCET_DRY: '水龙头暂时没有资金，请一分钟后重试。',
    RATE_LIMITED: '水龙头已向该地址发放过，请一分钟后重试。',
    NETWORK: '无法连接网络。',
    TX_OUTPUT_PRECISION: '数量超出了该资产允许的精度。',
    CONTRACT_SIGNATURE_INVALID: '要约上的签名无法验证：内容已被篡改，请勿签名。',
    CONTRACT_NOT_FOR_US: '这个要约与本账户无关。',
    DECODE_ERROR: '要约不完整：复制时被截断或改动。',
  },
};

const STRINGS: Record<Lang, Strings> = { en, zh };

function initialLang(): Lang {
  const saved = globalThis.localStorage?.getItem('lang');
  if (saved === 'zh' || saved === 'en') return saved;
  const asked = globalThis.navigator?.languages ?? [];
  return asked.length > 0 && asked[0].toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export const useLang = create<{ lang: Lang; setLang: (l: Lang) => void }>((set) => ({
  lang: initialLang(),
  setLang: (lang) => {
    localStorage.setItem('lang', lang);
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    set({ lang });
  },
}));

export function useT(): Strings {
  return STRINGS[useLang((s) => s.lang)];
}

/** The text of a coded error (falls back to the error's own message). */
export function errorText(t: Strings, e: unknown): string {
  const code = (e as { code?: string })?.code;
  const reasons = (e as { reasons?: { code: string; data: Record<string, unknown>; message: string }[] })?.reasons;
  if (code === 'POLICY_REFUSED' && reasons) return `${t.policyRefused} ${reasons.map((r) => t.policyReason(r.code, r.data) ?? r.message).join(' ')}`;
  if (code && t.errors[code]) return t.errors[code];
  return e instanceof Error ? e.message : String(e);
}

/** An asset's name in the language, from the registration's JSON name list (or the plain name). */
export function assetName(name: string, lang: Lang): string {
  try {
    const list = JSON.parse(name) as { lang: string; name: string }[];
    const pick = list.find((n) => (lang === 'zh' ? n.lang.startsWith('zh') : n.lang.startsWith('en'))) ?? list[0];
    return pick?.name ?? name;
  } catch {
    return name;
  }
}
