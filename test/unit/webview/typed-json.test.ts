/** Typed arrays in JSON as base64 (the standalone HTML report's lists): exact round trips, clear errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBase64, fromTypedJson, toTypedJson } from '../../../src/core/report/typedJson';

const io = { toBase64: (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64'), fromBase64: decodeBase64 };

describe('typed JSON', () => {
  it('round-trips every array type, views into larger buffers and nested plain values', () => {
    const big = new Float64Array([1, -0, Number.MIN_VALUE, Number.MAX_VALUE, NaN, Infinity, 0.1 + 0.2, 5]);
    const value = {
      f64: big.subarray(2, 7), // a view at an offset
      f32: new Float32Array([1.5, -2.25, 3.4028234663852886e38]),
      u32: new Uint32Array([0, 1, 4294967295]),
      i32: new Int32Array([-2147483648, 0, 2147483647]),
      u8: new Uint8Array([0, 255, 128]),
      empty: new Uint32Array(0),
      nested: [{ names: ['a', 'é😀'], count: 3, none: null }],
    };
    const json = JSON.parse(JSON.stringify(toTypedJson(value, io)));
    assert.deepEqual(json.u8, { $typed: 'Uint8Array', base64: 'AP+A' }); // bytes 0, 255, 128
    const back = fromTypedJson(json, io) as typeof value;
    assert.ok(back.f64 instanceof Float64Array);
    assert.deepEqual([...back.f64], [...big.subarray(2, 7)]);
    assert.ok(Number.isNaN(back.f64[2]!) && back.f64[3] === Infinity && back.f64[4] === 0.1 + 0.2);
    assert.deepEqual([...back.f32], [1.5, -2.25, 3.4028234663852886e38]);
    assert.deepEqual([...back.u32], [0, 1, 4294967295]);
    assert.deepEqual([...back.i32], [-2147483648, 0, 2147483647]);
    assert.deepEqual([...back.u8], [0, 255, 128]);
    assert.equal(back.empty.length, 0);
    assert.deepEqual(back.nested, value.nested);
  });

  it('decodes base64 like Node does, padding included', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 1000]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 255);
      assert.deepEqual([...decodeBase64(Buffer.from(bytes).toString('base64'))], [...bytes], `${n} bytes`);
    }
  });

  it('rejects an unknown type, a length that is not whole elements, and text that is not base64', () => {
    assert.throws(() => fromTypedJson({ $typed: 'BigInt64Array', base64: '' }, io), /bad typed array entry \(BigInt64Array\)/);
    assert.throws(() => fromTypedJson({ $typed: 'constructor', base64: '' }, io), /bad typed array entry/);
    assert.throws(() => fromTypedJson({ x: { $typed: 'Float64Array', base64: 'AAAA' } }, io), /Float64Array: 3 bytes is not a whole number of elements/);
    assert.throws(() => fromTypedJson({ $typed: 'Uint8Array', base64: '!!!!' }, io));
  });
});
