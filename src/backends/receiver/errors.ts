// Stable error codes of the receiver, checked with `code` rather than `instanceof`.
//
// The extension ships two bundles (dist/extension.js, loaded at activation, and dist/extension-lazy.js, loaded on
// first use) and each carries its own copy of every class both import: an error thrown by the lazy bundle's
// PortInUseError is not an `instanceof` the main bundle's PortInUseError. A string field survives any number of
// copies, so host code asks `isPortInUseError(err)`. This module holds no classes and imports nothing heavy, so
// the activation bundle can use it.
import type { PortOccupant, ReceiverProtocol } from './ports';

export const RECEIVER_ERROR = {
  /** The port is taken (by another program, or by an OTLP endpoint that is not a shared Spanscope receiver). */
  portInUse: 'SPANSCOPE_PORT_IN_USE',
  /** A non-loopback host was asked for without explicit permission. */
  nonLoopback: 'SPANSCOPE_NON_LOOPBACK',
  /** gRPC could not bind for another reason than a port in use (OTLP/HTTP kept running). */
  grpcBind: 'SPANSCOPE_GRPC_BIND',
} as const;
export type ReceiverErrorCode = typeof RECEIVER_ERROR[keyof typeof RECEIVER_ERROR];

/** The fields of a PortInUseError, whichever bundle's copy of the class created it. */
export interface PortInUseLike extends Error {
  readonly code: typeof RECEIVER_ERROR.portInUse;
  readonly protocol: ReceiverProtocol;
  readonly host: string;
  readonly port: number;
  readonly occupant: PortOccupant;
  readonly suggestedPort: number | undefined;
}

export interface NonLoopbackLike extends Error {
  readonly code: typeof RECEIVER_ERROR.nonLoopback;
  readonly host: string;
}

function hasCode(err: unknown, code: ReceiverErrorCode): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

export function isPortInUseError(err: unknown): err is PortInUseLike {
  return hasCode(err, RECEIVER_ERROR.portInUse);
}

export function isNonLoopbackBindError(err: unknown): err is NonLoopbackLike {
  return hasCode(err, RECEIVER_ERROR.nonLoopback);
}
