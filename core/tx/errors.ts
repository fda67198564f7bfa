/** Codes of the transaction rules that need no ledger (checkTransaction and witness checks). */
import { ProtocolError } from '../encoding/errors.ts';

export type TxErrorCode =
  | 'TX_VERSION_UNSUPPORTED'
  | 'TX_TOO_LARGE'
  | 'TX_TYPE_RESERVED'
  | 'TX_OUTPUT_VALUE_NOT_POSITIVE'
  | 'TX_DUPLICATE_INPUT'
  | 'TX_MINER_HAS_INPUTS'
  | 'TX_ENROLLMENT_KEY_INFINITY'
  | 'TX_ENROLLMENT_NO_DEPOSIT'
  | 'TX_VOTE_DUPLICATE_CANDIDATE'
  | 'TX_ASSET_AMOUNT_INVALID'
  | 'TX_ASSET_PRECISION_INVALID'
  | 'TX_ASSET_NAME_INVALID'
  | 'TX_AGENCY_SAME_ASSET'
  | 'TX_AGENCY_ORDERS_ONE_SIDED'
  | 'TX_AGENCY_ORDER_INVALID'
  | 'TX_WITNESS_COUNT'
  | 'TX_WITNESS_ORDER'
  | 'TX_WITNESS_SCRIPT_MISMATCH'
  | 'TX_WITNESS_INVALID'
  | 'ORDER_WITNESS_INVALID';

/** A stateless transaction rule that was broken. */
export function txError(code: TxErrorCode, message: string, data: Record<string, unknown> = {}): ProtocolError<TxErrorCode> {
  return new ProtocolError(code, message, data);
}
