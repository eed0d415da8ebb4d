/**
 * Minimal protocol-buffers wire format (proto3): just what the tfplugin6 messages in
 * `messages.ts` need — varints, length-delimited fields and nested messages. Hand-rolled so the
 * stand-in provider needs neither protoc nor a .proto loader.
 */

const enum WireType {
  Varint = 0,
  Fixed64 = 1,
  LengthDelimited = 2,
  Fixed32 = 5,
}

/** Accumulates one encoded message. Zero/empty values are skipped, as proto3 does. */
export class ProtoWriter {
  private readonly chunks: Buffer[] = [];

  private tag(field: number, wire: WireType): void {
    this.rawVarint(BigInt((field << 3) | wire));
  }

  private rawVarint(value: bigint): void {
    // Negative int64 values are sent as their two's-complement 64-bit form (10 bytes).
    let v = value < 0n ? (1n << 64n) + value : value;
    const out: number[] = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) byte |= 0x80;
      out.push(byte);
    } while (v > 0n);
    this.chunks.push(Buffer.from(out));
  }

  varint(field: number, value: number | bigint | boolean | undefined): this {
    if (value === undefined || value === 0 || value === 0n || value === false) return this;
    this.tag(field, WireType.Varint);
    this.rawVarint(typeof value === 'boolean' ? 1n : BigInt(value));
    return this;
  }

  bytes(field: number, value: Uint8Array | undefined): this {
    if (value === undefined || value.length === 0) return this;
    this.tag(field, WireType.LengthDelimited);
    this.rawVarint(BigInt(value.length));
    this.chunks.push(Buffer.from(value));
    return this;
  }

  string(field: number, value: string | undefined): this {
    return value ? this.bytes(field, Buffer.from(value, 'utf8')) : this;
  }

  /** A nested message; written even when empty, because presence matters for messages. */
  message(field: number, value: ProtoWriter | undefined): this {
    if (value === undefined) return this;
    const body = value.finish();
    this.tag(field, WireType.LengthDelimited);
    this.rawVarint(BigInt(body.length));
    this.chunks.push(body);
    return this;
  }

  finish(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** One decoded field: varints as bigint, length-delimited fields as raw bytes. */
export type ProtoField = { field: number; varint?: bigint; bytes?: Buffer };

/** Decodes one message into its fields, in wire order (repeated fields appear several times). */
export function readFields(buf: Uint8Array): ProtoField[] {
  const data = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const fields: ProtoField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= data.length) throw new Error('protobuf: truncated varint');
      const byte = data[pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (pos < data.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wire = key & 7;
    switch (wire) {
      case WireType.Varint:
        fields.push({ field, varint: varint() });
        break;
      case WireType.LengthDelimited: {
        const len = Number(varint());
        fields.push({ field, bytes: data.subarray(pos, pos + len) });
        pos += len;
        break;
      }
      case WireType.Fixed64:
        pos += 8;
        break;
      case WireType.Fixed32:
        pos += 4;
        break;
      default:
        throw new Error(`protobuf: unsupported wire type ${wire}`);
    }
  }
  return fields;
}

/** Convenience accessors over {@link readFields}. */
export class ProtoReader {
  private readonly fields: ProtoField[];

  constructor(buf: Uint8Array) {
    this.fields = readFields(buf);
  }

  bytes(field: number): Buffer | undefined {
    return this.fields.filter((f) => f.field === field && f.bytes !== undefined).pop()?.bytes;
  }

  string(field: number): string {
    return this.bytes(field)?.toString('utf8') ?? '';
  }

  varint(field: number): bigint {
    return this.fields.filter((f) => f.field === field && f.varint !== undefined).pop()?.varint ?? 0n;
  }

  message(field: number): ProtoReader | undefined {
    const b = this.bytes(field);
    return b === undefined ? undefined : new ProtoReader(b);
  }

  repeatedBytes(field: number): Buffer[] {
    return this.fields.filter((f) => f.field === field && f.bytes !== undefined).map((f) => f.bytes!);
  }
}
