/**
 * A faster `Encoder.prototype.writeEncoderArray` for kafkajs' protocol encoder
 * (`kafkajs/src/protocol/encoder`), swapped in by build.mjs when bundling. The same bytes (test/kafka-record.test.ts).
 *
 * Why: a compressed record batch first concatenates its records into one fresh Encoder
 * (`compressRecords`), which grows by doubling, each time into a zero-filled `Buffer.alloc` and with a
 * copy of everything so far: for a ~1 MiB send at Telegraf's shape that is a 2 MiB zero-filled buffer,
 * ~2 MiB of copies and the garbage, per send (5 % of a worker's CPU in the profile, docs/benchmarks.md
 * "sixth pass"). Here the total is summed first and the buffer grown once, to exactly the size needed,
 * without zero-filling: every byte of the new region is written by the copies right after.
 */
interface EncoderLike {
  buf: Buffer;
  offset: number;
}
interface EncoderClass {
  prototype: EncoderLike & { writeEncoderArray(value: unknown): unknown };
}

export function withFastEncoderArray<T extends EncoderClass>(Encoder: T): T {
  const original = Encoder.prototype.writeEncoderArray;
  Encoder.prototype.writeEncoderArray = function (this: EncoderLike, value: unknown) {
    // kafkajs' own check and error, for anything but an array of encoders
    if (!Array.isArray(value) || value.some((v) => v == null || !Buffer.isBuffer(v.buf))) return original.call(this, value);
    const parts = (value as Array<{ buffer: Buffer }>).map((v) => v.buffer);
    let total = 0;
    for (const p of parts) total += p.length;
    if (this.offset + total > this.buf.length) {
      const grown = Buffer.allocUnsafe(this.offset + total);
      this.buf.copy(grown, 0, 0, this.offset);
      this.buf = grown;
    }
    for (const p of parts) {
      p.copy(this.buf, this.offset);
      this.offset += p.length;
    }
    return this;
  };
  return Encoder;
}
