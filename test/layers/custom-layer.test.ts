// A layer defined outside the package, the way a Scapy user adds one: fields,
// a factory, a binding to UDP, then build, parse, show and summary.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  bindLayers,
  defineAccessors,
  Ether,
  factory,
  fields,
  IP,
  Layer,
  parse,
  UDP,
  UDPLayer,
  type Dissected,
  type FieldValues,
} from '../../lib/layers';

const { need, view } = fields;

// The one declaration: the field types, the factory's argument type, the defaults and show()'s order follow.
const VXLAN_FIELDS = [fields.uint('flags', 8, 0x08, { hex: true }), fields.uint('vni', 24, 0)];
interface VXLANLayer extends FieldValues<typeof VXLAN_FIELDS> {}
class VXLANLayer extends Layer {
  static override readonly layerName = 'VXLAN';
  static override readonly displayName = 'VXLAN';
  static override readonly fieldDefs = VXLAN_FIELDS;
  protected encode(payload: Uint8Array): Uint8Array {
    const out = new Uint8Array(8 + payload.length);
    out[0] = this.flags;
    view(out).setUint32(4, this.vni * 256);
    out.set(payload, 8);
    return out;
  }
  override mySummary(): string {
    return `VXLAN vni ${this.vni}`;
  }
  static dissect(buf: Uint8Array, off: number, end: number): Dissected {
    need(off, end, 8);
    const layer = new VXLANLayer();
    layer.setParsed({ flags: buf[off], vni: view(buf).getUint32(off + 4) >>> 8 });
    return { layer, headerEnd: off + 8 };
  }
}
defineAccessors(VXLANLayer);
const VXLAN = factory(VXLANLayer);
bindLayers(UDPLayer, VXLANLayer, { dport: 4789 });
bindLayers(VXLANLayer, Ether.layerClass, {}, { overload: false });

it('the declaration types the layer: fields, factory arguments, accessors', () => {
  const v: number = VXLAN({ vni: 7 }).vni;
  assert.equal(v, 7);
  // @ts-expect-error vni is declared as an integer field
  assert.throws(() => VXLAN({ vni: 'seven' }), /VXLAN\.vni: unknown name 'seven', expected a number/);
  // @ts-expect-error no such field in the declaration
  assert.throws(() => VXLAN({ vnid: 1 }), /VXLAN\.vnid: no such field \(fields: flags, vni\)/);
  assert.deepEqual(
    VXLAN_FIELDS.map((f) => f.name),
    ['flags', 'vni'],
  );
});

it('a user-defined layer builds, binds, parses and prints like the built-in ones', () => {
  const inner = Ether({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' })
    .div(IP({ src: '198.18.1.1', dst: '198.18.1.2' }))
    .div(UDP({ sport: 1, dport: 2 }));
  const pkt = IP({ src: '198.18.0.1', dst: '198.18.0.2' })
    .div(UDP({ sport: 40000 }))
    .div(VXLAN({ vni: 4242 }))
    .div(inner);
  assert.equal(pkt.get(UDP)!.dport, 4789, 'the binding fills the UDP port');
  const back = parse(pkt.toBytes(), { first: IP });
  assert.deepEqual(
    back.layers().map((l) => l.layerName),
    ['IP', 'UDP', 'VXLAN', 'Ether', 'IP', 'UDP'],
  );
  assert.equal(back.get(VXLAN)!.vni, 4242);
  assert.equal(back.summary(), 'IP / UDP / VXLAN / Ether / IP / UDP 198.18.1.1:1 > 198.18.1.2:2');
  assert.match(back.showString(), /###\[ VXLAN \]### \n {8}flags {5}= 0x8\n {8}vni {7}= 4242\n/);
  assert.throws(() => VXLAN({ vni: 1 << 24 }), /VXLAN\.vni: expected an integer 0\.\.16777215 but received 16777216/);
});
