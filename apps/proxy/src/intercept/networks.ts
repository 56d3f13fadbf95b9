// Linkerd's cluster networks (`clusterNetworks`, the proxy's profile networks): the address ranges where meshed
// services and pods live. Only an intercepted destination inside them is worth a discovery lookup; anything else
// (the internet, the node's own services) goes straight to its original address, with no stream opened for it.
// The default list is Linkerd's (`defaultClusterNetworks`, @signalbox/shared).
import net from 'node:net';

/** Whether an IP literal lies in one of the networks (`10.0.0.0/8`, `fd00::/8`; already validated CIDRs). */
export type NetworkMatcher = (ip: string) => boolean;

export function networkMatcher(cidrs: readonly string[]): NetworkMatcher {
  const list = new net.BlockList();
  for (const cidr of cidrs) {
    const slash = cidr.indexOf('/');
    const addr = cidr.slice(0, slash);
    list.addSubnet(addr, Number(cidr.slice(slash + 1)), family(addr));
  }
  // BlockList matches an IPv4-mapped IPv6 address (::ffff:10.1.2.3) against the IPv4 subnets too.
  return (ip) => list.check(ip, family(ip));
}

/**
 * The family of an address already known to be one (BlockList refuses an invalid one either way): an IPv6 literal
 * has a colon and an IPv4 one never does. Not `net.isIPv6`, whose regexp V8 compiled to ~138 KB of machine code
 * per proxy after the default networks' five calls at start, and ran again for every intercepted connection.
 */
function family(addr: string): 'ipv4' | 'ipv6' {
  return addr.includes(':') ? 'ipv6' : 'ipv4';
}
