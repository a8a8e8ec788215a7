// Addresses masked wherever a delivery writes about a recipient: logs, ledger errors, summaries
// and, in AWS, the Deliver step's error, which the Lambda runtime logs and the state machine keeps.

/** b***@example.com: logs never carry a full address. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 1 ? '***' : `${address[0]}***${address.slice(at)}`;
}

const ADDRESS_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;

/** Every address in a text masked: mail servers and SES quote the address they refuse. */
export function maskAddresses(text: string): string {
  return text.replace(ADDRESS_IN_TEXT, (address) => maskAddress(address));
}

/** A failure in one line for summaries, records and logs, with any address in it masked. */
export function describeFailure(error: unknown): string {
  return maskAddresses(error instanceof Error ? error.message : String(error));
}
