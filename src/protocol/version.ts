// The protocol version both sides put in `ready`/`init` (its own module so that light clients, like the test
// harness's stand-in host, need not load the zod schemas).
export const PROTOCOL_VERSION = 1;
