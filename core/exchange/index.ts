/** The superconducting exchange (whitepaper 4.2.2; docs/exchange.md): orders, books, batch auctions, settlements. */
export * from './errors.ts';
export * from './grid.ts';
export * from './terms.ts';
export * from './validate.ts';
export * from './book.ts';
export * from './auction.ts';
export * from './settle.ts';
export * from './announce.ts';
export * from './audit.ts';
export * from './client.ts';
