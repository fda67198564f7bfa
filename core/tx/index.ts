/** The transaction layer: every transaction type, attributes, inputs, outputs, witnesses, orders. */
export * from './limits.ts';
export * from './errors.ts';
export * from './attribute.ts';
export * from './io.ts';
export * from './sign.ts';
export * from './order.ts';
export * from './register.ts';
export * from './transaction.ts';
export * from './json.ts';
