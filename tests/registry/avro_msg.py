#!/usr/bin/python3
"""avro_msg.py - Confluent wire-format messages made and read by Apache
Avro's own Python implementation (Debian's python3-avro), independently of
holoflow, for the avro-confluent tests.

  avro_msg.py encode SCHEMA_FILE ID OUTDIR JSON_LINES_FILE
      one file per JSON line in OUTDIR (msg-0001.bin, ...): byte 0, the id
      as 4 big-endian bytes, the record in Avro binary (kcat -P sends each
      file as one message); {"$micros": N} stands for a timestamp
  avro_msg.py decode REGISTRY_URL < kcat -C -f '%R%s' output
      one line per message: "ID HEX JSON", the record decoded with the
      writer's schema fetched from the registry by the message's id
"""
import datetime
import io
import json
import os
import struct
import sys
import urllib.request

import avro.io
import avro.schema


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def values(x):
    """{"$micros": N} in the JSON input is a timestamp N microseconds after
    the epoch: Python's avro takes datetime objects for timestamp-* types."""
    if isinstance(x, dict):
        if list(x) == ["$micros"]:
            return EPOCH + datetime.timedelta(microseconds=x["$micros"])
        return {k: values(v) for k, v in x.items()}
    if isinstance(x, list):
        return [values(v) for v in x]
    return x


def encode(schema_file, sid, outdir, lines_file):
    with open(schema_file) as f:
        schema = avro.schema.parse(f.read())
    writer = avro.io.DatumWriter(schema)
    os.makedirs(outdir, exist_ok=True)
    with open(lines_file) as f:
        for n, line in enumerate(l for l in f if l.strip()):
            buf = io.BytesIO()
            buf.write(b"\0" + struct.pack(">i", int(sid)))
            writer.write(values(json.loads(line)), avro.io.BinaryEncoder(buf))
            with open(os.path.join(outdir, "msg-%04d.bin" % (n + 1)), "wb") as out:
                out.write(buf.getvalue())


def decode(url):
    data = sys.stdin.buffer.read()
    schemas = {}
    i = 0
    while i < len(data):
        (n,) = struct.unpack(">i", data[i:i + 4])
        i += 4
        msg = data[i:i + n]
        i += n
        if msg[0] != 0:
            print("bad-magic", msg.hex())
            continue
        (sid,) = struct.unpack(">i", msg[1:5])
        if sid not in schemas:
            with urllib.request.urlopen("%s/schemas/ids/%d" % (url, sid)) as r:
                schemas[sid] = avro.schema.parse(json.load(r)["schema"])
        reader = avro.io.DatumReader(schemas[sid])
        rec = reader.read(avro.io.BinaryDecoder(io.BytesIO(msg[5:])))
        print(sid, msg.hex(), json.dumps(rec, sort_keys=True, default=str))


if __name__ == "__main__":
    if sys.argv[1] == "encode":
        encode(*sys.argv[2:6])
    elif sys.argv[1] == "decode":
        decode(sys.argv[2])
    else:
        sys.exit("usage: avro_msg.py encode|decode ...")
