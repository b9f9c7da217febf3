import ipaddr from 'ipaddr.js';

/** `::ffff:10.1.2.3` (an IPv4 peer of a dual-stack socket) as `10.1.2.3`, so one client has one key. */
export function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(address);
  return mapped?.[1] ?? address;
}

/**
 * What limits per client address count by: an IPv4 address as it is, an IPv6 address by its /64,
 * since one subscriber (one home, one phone) is given a whole /64 and may use any address in it.
 * Anything else (no address known) is counted as written.
 */
export function addressSubject(address: string): string {
  const plain = plainAddress(address.trim());
  const withoutZone = plain.split('%')[0] ?? plain;
  if (!ipaddr.isValid(withoutZone)) return plain;
  const parsed = ipaddr.process(withoutZone);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${parsed.toString()}/64`).toString()}/64`;
}
