/** The block layer: headers, blocks, merkle roots, genesis. */
export * from './merkle.ts';
export * from './header.ts';
export * from './block.ts';
export * from './genesis.ts';
