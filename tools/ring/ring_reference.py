#!/usr/bin/env python3
"""Independent reference implementation of Shardline's consistent-hash ring.

Python 3.11, standard library only. It re-implements, from the written definition
(tools/ring/HASH.md) and not from the Java code, every step: XXH64, key -> bytes,
virtual-node points, ring order and look-up. The Java test RingReferenceCrossCheckTest
pipes thousands of keys through it and demands identical answers.

Input (stdin, UTF-8, one record per line, fields separated by a single TAB):

    # anything                      comment, ignored (so are empty lines)
    vnodes<TAB><n>                  optional, virtual nodes per unit of weight
                                    (default DEFAULT_VNODES below, = HashRing.DEFAULT_VIRTUAL_NODES)
    shard<TAB><weight><TAB><name>   one per shard, weight >= 1; the name is the rest of
                                    the line and may itself contain TABs
    hashes                          optional: print "<shard><TAB><hash as 16 hex digits>"
    keys                            ends the header; every later line is a key:
    <type><TAB><value>

    type        value                               bytes that are hashed
    int         decimal, 32-bit signed range        8-byte big-endian two's complement
    long        decimal, 64-bit signed range        8-byte big-endian two's complement
    biginteger  decimal, 64-bit signed range        8-byte big-endian two's complement
    string      text, escapes \\ \t \n \r           UTF-8
    uuid        canonical 8-4-4-4-12 hex            16 bytes, most significant first
    bytes-hex   hex digits (may be empty)           the bytes themselves

Output (stdout): for each key line, the name of the owning shard on its own line
(followed by a TAB and the key's XXH64 in 16 lower-case hex digits if the header said "hashes").

Extra mode:  ring_reference.py --hash <hex-bytes> [seed]   prints XXH64 as 16 hex digits.
"""

import bisect
import sys
import uuid as uuidlib

DEFAULT_VNODES = 4000  # must equal dev.shardline.ring.HashRing.DEFAULT_VIRTUAL_NODES

MASK = (1 << 64) - 1
P1 = 0x9E3779B185EBCA87
P2 = 0xC2B2AE3D27D4EB4F
P3 = 0x165667B19E3779F9
P4 = 0x85EBCA77C2B2AE63
P5 = 0x27D4EB2F165667C5


def _rotl(x, r):
    return ((x << r) | (x >> (64 - r))) & MASK


def _round(acc, lane):
    acc = (acc + lane * P2) & MASK
    return (_rotl(acc, 31) * P1) & MASK


def _merge(acc, val):
    acc ^= _round(0, val)
    return (acc * P1 + P4) & MASK


def xxh64(data: bytes, seed: int = 0) -> int:
    """XXH64 as specified in xxHash's doc/xxhash_spec.md (lanes read little-endian)."""
    n = len(data)
    p = 0
    seed &= MASK
    if n >= 32:
        v1 = (seed + P1 + P2) & MASK
        v2 = (seed + P2) & MASK
        v3 = seed
        v4 = (seed - P1) & MASK
        while p + 32 <= n:
            v1 = _round(v1, int.from_bytes(data[p:p + 8], "little"))
            v2 = _round(v2, int.from_bytes(data[p + 8:p + 16], "little"))
            v3 = _round(v3, int.from_bytes(data[p + 16:p + 24], "little"))
            v4 = _round(v4, int.from_bytes(data[p + 24:p + 32], "little"))
            p += 32
        h = (_rotl(v1, 1) + _rotl(v2, 7) + _rotl(v3, 12) + _rotl(v4, 18)) & MASK
        for v in (v1, v2, v3, v4):
            h = _merge(h, v)
    else:
        h = (seed + P5) & MASK
    h = (h + n) & MASK
    while p + 8 <= n:
        h ^= _round(0, int.from_bytes(data[p:p + 8], "little"))
        h = (_rotl(h, 27) * P1 + P4) & MASK
        p += 8
    if p + 4 <= n:
        h ^= (int.from_bytes(data[p:p + 4], "little") * P1) & MASK
        h = (_rotl(h, 23) * P2 + P3) & MASK
        p += 4
    while p < n:
        h ^= (data[p] * P5) & MASK
        h = (_rotl(h, 11) * P1) & MASK
        p += 1
    h ^= h >> 33
    h = (h * P2) & MASK
    h ^= h >> 29
    h = (h * P3) & MASK
    h ^= h >> 32
    return h


def _unescape(s: str) -> str:
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            nxt = s[i + 1]
            out.append({"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}.get(nxt, "\\" + nxt))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _integral(text: str, bits: int) -> bytes:
    v = int(text)
    if not -(1 << (bits - 1)) <= v < (1 << (bits - 1)):
        raise ValueError(f"{text} is outside the signed {bits}-bit range")
    # every integral key is widened to a signed 64-bit value, so 42 and 42L collide on purpose
    return v.to_bytes(8, "big", signed=True)


def key_bytes(kind: str, value: str) -> bytes:
    if kind == "int":
        return _integral(value, 32)
    if kind in ("long", "biginteger"):
        return _integral(value, 64)
    if kind == "string":
        return _unescape(value).encode("utf-8")
    if kind == "uuid":
        return uuidlib.UUID(value).bytes  # RFC 4122 byte order = msb then lsb, big-endian
    if kind == "bytes-hex":
        return bytes.fromhex(value)
    raise ValueError(f"unknown key type {kind!r}")


class Ring:
    def __init__(self, shards, vnodes):
        """shards: list of (name, weight) in configuration order."""
        entries = []
        for name, weight in shards:
            for i in range(weight * vnodes):
                label = f"{name}#{i}".encode("utf-8")
                entries.append((xxh64(label), name, i))
        # unsigned order (python ints are unbounded, so plain comparison is unsigned),
        # ties by shard name (code-point order == Java's UTF-16 compareTo for BMP-only names) then i
        entries.sort()
        self.points = [e[0] for e in entries]
        self.owners = [e[1] for e in entries]

    def shard_for_hash(self, h: int) -> str:
        i = bisect.bisect_left(self.points, h)  # first point >= h
        return self.owners[i if i < len(self.points) else 0]


def main() -> int:
    if len(sys.argv) >= 3 and sys.argv[1] == "--hash":
        seed = int(sys.argv[3], 0) if len(sys.argv) > 3 else 0
        print(f"{xxh64(bytes.fromhex(sys.argv[2]), seed):016x}")
        return 0
    stdin = open(sys.stdin.fileno(), "r", encoding="utf-8", newline="\n", closefd=False)
    out = sys.stdout
    vnodes = DEFAULT_VNODES
    with_hashes = False
    shards = []
    ring = None
    for raw in stdin:
        line = raw[:-1] if raw.endswith("\n") else raw
        if ring is None:
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t", 2)
            if fields[0] == "vnodes":
                vnodes = int(fields[1])
            elif fields[0] == "shard":
                shards.append((fields[2], int(fields[1])))
            elif fields[0] == "hashes":
                with_hashes = True
            elif fields[0] == "keys":
                if not shards:
                    raise SystemExit("no shard lines before 'keys'")
                ring = Ring(shards, vnodes)
            else:
                raise SystemExit(f"bad header line: {line!r}")
            continue
        kind, _, value = line.partition("\t")
        h = xxh64(key_bytes(kind, value))
        out.write(ring.shard_for_hash(h))
        out.write(f"\t{h:016x}\n" if with_hashes else "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
