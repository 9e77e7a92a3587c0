// A reader of Mapbox Vector Tiles (spec 2.1) for the point layers our tiles hold (api/tiles.py): each
// layer's name, extent and features, each feature with its id, properties and points in tile units.
// Lines and polygons are not read: the enterprise tiles never carry them.

class Reader {
  constructor(bytes, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
  }
  more() { return this.pos < this.end; }
  varint() {
    // Numbers up to 2^53 exactly (ids, counts); multiplication, not shifts, past 32 bits.
    let result = 0;
    let scale = 1;
    for (;;) {
      const byte = this.bytes[this.pos++];
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
  }
  zigzag() { const n = this.varint(); return n % 2 ? -(n + 1) / 2 : n / 2; }
  view(length) { const r = new Reader(this.bytes, this.pos, this.pos + length); this.pos += length; return r; }
  string(length) { const text = decoder.decode(this.bytes.subarray(this.pos, this.pos + length)); this.pos += length; return text; }
  skip(wire) {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.pos += this.varint();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`protobuf wire type ${wire}`);
  }
  fields(handle) {
    while (this.more()) {
      const key = this.varint();
      if (!handle(Math.floor(key / 8), key % 8)) this.skip(key % 8);
    }
  }
}
const decoder = new TextDecoder();

function value(reader) {
  let out = null;
  reader.fields((field) => {
    if (field === 1) out = reader.string(reader.varint());
    else if (field === 2) { out = new DataView(reader.bytes.buffer, reader.bytes.byteOffset + reader.pos, 4).getFloat32(0, true); reader.pos += 4; }
    else if (field === 3) { out = new DataView(reader.bytes.buffer, reader.bytes.byteOffset + reader.pos, 8).getFloat64(0, true); reader.pos += 8; }
    else if (field === 4 || field === 5) out = reader.varint();
    else if (field === 6) out = reader.zigzag();
    else if (field === 7) out = reader.varint() === 1;
    else return false;
    return true;
  });
  return out;
}

function points(reader) {
  // Geometry commands: MoveTo (1) with a count, then zigzag deltas from the cursor.
  const out = [];
  let x = 0;
  let y = 0;
  while (reader.more()) {
    const command = reader.varint();
    const count = Math.floor(command / 8);
    for (let i = 0; i < count; i++) {
      if (command % 8 === 7) break;  // ClosePath takes no parameters
      x += reader.zigzag();
      y += reader.zigzag();
      if (command % 8 === 1) out.push([x, y]);
    }
  }
  return out;
}

function layer(reader) {
  const out = { name: "", extent: 4096, features: [] };
  const keys = [];
  const values = [];
  const raw = [];
  reader.fields((field) => {
    if (field === 1) out.name = reader.string(reader.varint());
    else if (field === 2) raw.push(reader.view(reader.varint()));
    else if (field === 3) keys.push(reader.string(reader.varint()));
    else if (field === 4) values.push(value(reader.view(reader.varint())));
    else if (field === 5) out.extent = reader.varint();
    else return false;
    return true;
  });
  raw.forEach((r) => {
    const feature = { id: undefined, type: 0, properties: {}, points: [] };
    r.fields((field) => {
      if (field === 1) feature.id = r.varint();
      else if (field === 2) {
        const tags = r.view(r.varint());
        while (tags.more()) { const k = tags.varint(); feature.properties[keys[k]] = values[tags.varint()]; }
      } else if (field === 3) feature.type = r.varint();
      else if (field === 4) feature.points = points(r.view(r.varint()));
      else return false;
      return true;
    });
    if (feature.type === 1) out.features.push(feature);
  });
  return out;
}

// The tile's layers by name. An empty body (no enterprises there) is a tile with no layers.
export function decodeTile(bytes) {
  const reader = new Reader(bytes);
  const layers = {};
  reader.fields((field) => {
    if (field !== 3) return false;
    const one = layer(reader.view(reader.varint()));
    layers[one.name] = one;
    return true;
  });
  return layers;
}
