// What a layer defined outside this package needs (Scapy's fields_desc and a
// dissector's reads): `fields.uint('vni', 24, 0)`, `fields.need(off, end, 8)`.
export { uint, flags, ipv4, ipv6, mac, bytes, custom, fieldError, type FieldDef, type UintOptions } from './field';
export { need, ShortInput } from './dissect';
export { view, ByteView } from './byte-view';
