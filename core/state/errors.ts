/** Codes of the ledger rules (every rejection of core/state). */
import { ProtocolError } from '../encoding/errors.ts';

export type StateErrorCode =
  | 'BLOCK_HEIGHT_WRONG'
  | 'BLOCK_PREV_HASH_WRONG'
  | 'BLOCK_TIMESTAMP_NOT_INCREASING'
  | 'BLOCK_VERSION_UNSUPPORTED'
  | 'BLOCK_NEXT_MINER_WRONG'
  | 'BLOCK_MINER_OUTPUTS_WRONG'
  | 'BLOCK_MINER_PARTICIPATION_WRONG'
  | 'BLOCK_SPENDS_OWN_MINER_OUTPUT'
  | 'TX_INPUT_NOT_FOUND'
  | 'TX_INPUT_ALREADY_SPENT'
  | 'TX_ASSET_UNKNOWN'
  | 'TX_OUTPUT_PRECISION'
  | 'TX_VALUE_UNBALANCED'
  | 'TX_FEE_TOO_SMALL'
  | 'TX_NOT_SIGNED'
  | 'TX_WITNESS_UNEXPECTED'
  | 'ASSET_AMOUNT_EXCEEDED'
  | 'ASSET_NOT_ISSUABLE'
  | 'ASSET_TYPE_RESERVED'
  | 'ASSET_TYPE_UNKNOWN'
  | 'ASSET_ISSUER_INVALID'
  | 'ENROLLMENT_DEPOSIT_TOO_SMALL'
  | 'ENROLLMENT_KEY_TAKEN'
  | 'VOTE_CANDIDATE_UNKNOWN'
  | 'VOTE_NO_ANTSHARE'
  | 'TX_TYPE_NOT_ALLOWED'
  | 'AGENCY_VALUE_ASSET_NOT_CURRENCY'
  | 'AGENCY_CLIENT_TWICE'
  | 'AGENCY_ORDER_INPUT_NOT_CLIENTS'
  | 'AGENCY_OVERFILLED'
  | 'AGENCY_PRICE_VIOLATED'
  | 'AGENCY_TWO_PARTIAL'
  | 'AGENCY_PARTIAL_NOT_WORST'
  | 'AGENCY_SPLIT_ORDER_WRONG'
  | 'AGENCY_NOT_A_CONTINUATION';

/** A ledger rule that was broken. */
export function stateError(code: StateErrorCode, message: string, data: Record<string, unknown> = {}): ProtocolError<StateErrorCode> {
  return new ProtocolError(code, message, data);
}
