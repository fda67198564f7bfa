/** The state layer: the ledger, its rules, settings, elections and AntCoin. */
export * from './settings.ts';
export * from './errors.ts';
export * from './keys.ts';
export * from './tables.ts';
export * from './antcoin.ts';
export * from './election.ts';
export * from './ledger.ts';
export * from './chain.ts';
export * from './compliance.ts';
export * from './codecs.ts';
