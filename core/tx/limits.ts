/** Bounds of the transaction wire format, checked while decoding (before any allocation). */
export const MAX_ATTRIBUTES = 16;
/** Inputs and outputs: an output index is a u16, so 65,536 of each at most. */
export const MAX_INPUTS = 65_536;
export const MAX_OUTPUTS = 65_536;
export const MAX_WITNESSES = 65_536;
/** An invocation script of a 1,024-of-1,024 account: 1,024 pushes of 64-byte signatures. */
export const MAX_INVOCATION_SIZE = 1024 * 65;
export const MAX_VERIFICATION_SIZE = 65_536;
/** Description and Remark attributes. */
export const MAX_ATTRIBUTE_DATA = 65_535;
/** A whole transaction, witnesses included (checked by checkTransaction, not by the decoder). */
export const MAX_TRANSACTION_SIZE = 102_400;
/** Orders in one AgencyTransaction. */
export const MAX_ORDERS = 1024;
/** Candidates named by one VotingTransaction (docs/protocol.md: 1..1024). */
export const MAX_VOTES = 1024;
/** Asset names in a RegisterTransaction, in bytes. */
export const MAX_ASSET_NAME = 1024;
