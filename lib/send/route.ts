/**
 * The kernel's routing answers that filling a packet needs: the source address
 * and outgoing interface for a destination (Scapy asks its own copy of the
 * routing table; asking the kernel keeps policy routing and namespaces right).
 */
import { isIP } from 'node:net';
import { argError, nameArgument } from '../args';
import { addon, type NativeInterfaceInfo, type NativeRoute } from '../binding';

/** The route to `dst` as `ip route get` gives it; throws PktkitError (code ENETUNREACH ...) when there is none. */
export function routeTo(dst: string): NativeRoute {
  if (typeof dst !== 'string' || isIP(dst) === 0) throw argError('an IPv4 or IPv6 address', 'route lookup dst', dst);
  return addon().routeGet(dst);
}

/** Index, MTU, state and MAC of the interface `name`; InterfaceError when it does not exist. */
export function interfaceInfo(name: string): NativeInterfaceInfo {
  return addon().interfaceInfo(nameArgument('an interface name', 'interface lookup name', name));
}

/** Memoises route and interface look-ups for the packets of one call. */
export class RouteCache {
  readonly #routes = new Map<string, NativeRoute>();
  readonly #ifaces = new Map<string, NativeInterfaceInfo>();

  /** {@link routeTo}, once per destination. */
  route(dst: string): NativeRoute {
    let r = this.#routes.get(dst);
    if (!r) this.#routes.set(dst, (r = routeTo(dst)));
    return r;
  }

  /** The source address the kernel would pick towards `dst`. */
  sourceFor(dst: string): string | undefined {
    const r = this.route(dst);
    return r.src ?? (r.type === 'local' ? dst : undefined);
  }

  /** The interface packets to `dst` leave by (`lo` for the host's own addresses). */
  ifaceFor(dst: string): string | undefined {
    return this.route(dst).iface;
  }

  /** {@link interfaceInfo}, once per interface. */
  iface(name: string): NativeInterfaceInfo {
    let i = this.#ifaces.get(name);
    if (!i) this.#ifaces.set(name, (i = interfaceInfo(name)));
    return i;
  }
}
