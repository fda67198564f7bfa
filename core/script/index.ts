/** The script layer: opcodes, builder, account scripts and addresses, the witness VM. */
export * from './opcodes.ts';
export * from './builder.ts';
export * from './accounts.ts';
export * from './vm.ts';
