#!/usr/bin/env python3
"""What the .wasm is made of: code bytes per function and per crate, from the name section.

Usage: wasm_top.py FILE.wasm [N]. Reads the cargo build output (which still has its names);
the shipped file is smaller after wasm-opt, but the proportions are what to act on.
"""
import re
import sys
from collections import Counter


def leb(b, i):
    result = shift = 0
    while True:
        byte = b[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, i


def sections(b):
    i = 8
    while i < len(b):
        sid = b[i]
        size, i = leb(b, i + 1)
        yield sid, b[i:i + size]
        i += size


def demangle(name):
    """Rust's legacy mangling (_ZN3foo3bar17h<hash>E) to foo::bar, and v0 (_R...) roughly
    (its identifiers joined, the crate first); anything else as is."""
    if name.startswith("_R"):
        body = re.sub(r"[CMXYs]s?[0-9A-Za-z]*_(?=\d)", "", name[2:])
        idents, i = [], 0
        while i < len(body):
            m = re.match(r"(\d+)_?", body[i:])
            if not m:
                i += 1
                continue
            n = int(m.group(1))
            i += m.end()
            if n:
                idents.append(body[i:i + n])
            i += n
        return "::".join(idents) or name
    if not name.startswith("_ZN"):
        return name
    parts, i = [], 3
    while i < len(name) and name[i].isdigit():
        j = i
        while name[j].isdigit():
            j += 1
        n = int(name[i:j])
        parts.append(name[j:j + n])
        i = j + n
    if parts and re.fullmatch(r"h[0-9a-f]{16}", parts[-1]):
        parts.pop()
    s = "::".join(parts)
    for code, ch in (("$LT$", "<"), ("$GT$", ">"), ("$RF$", "&"), ("$u20$", " "), ("$C$", ","), ("..", "::"), ("$u7b$", "{"), ("$u7d$", "}")):
        s = s.replace(code, ch)
    return s


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    b = open(path, "rb").read()
    imports = 0
    bodies = []
    names = {}
    data = 0
    for sid, body in sections(b):
        if sid == 2:  # imports: functions among them shift the function index space
            count, i = leb(body, 0)
            for _ in range(count):
                for _ in range(2):
                    n, i = leb(body, i)
                    i += n
                kind = body[i]
                i += 1
                if kind == 0:
                    imports += 1
                    _, i = leb(body, i)
                elif kind == 1:
                    i += 1
                    flags, i = leb(body, i)
                    _, i = leb(body, i)
                    if flags & 1:
                        _, i = leb(body, i)
                elif kind == 2:
                    flags, i = leb(body, i)
                    _, i = leb(body, i)
                    if flags & 1:
                        _, i = leb(body, i)
                elif kind == 3:
                    i += 2
        elif sid == 10:
            count, i = leb(body, 0)
            for _ in range(count):
                size, i = leb(body, i)
                bodies.append(size)
                i += size
        elif sid == 11:
            data = len(body)
        elif sid == 0:
            n, i = leb(body, 0)
            if body[i:i + n] != b"name":
                continue
            i += n
            while i < len(body):
                kind = body[i]
                size, i = leb(body, i + 1)
                if kind == 1:
                    count, j = leb(body, i)
                    for _ in range(count):
                        idx, j = leb(body, j)
                        n, j = leb(body, j)
                        names[idx] = demangle(body[j:j + n].decode("utf-8", "replace"))
                        j += n
                i += size
    funcs = [(size, names.get(imports + k, f"func[{imports + k}]")) for k, size in enumerate(bodies)]
    code = sum(s for s, _ in funcs)
    print(f"{path}: {len(b)} bytes; code {code} in {len(funcs)} functions; data {data}")
    crates = Counter()
    for size, name in funcs:
        m = re.match(r"<?&?(?:mut )?([A-Za-z_][A-Za-z0-9_]*)", name)
        crates[m.group(1) if m else "?"] += size
    print("\nby crate (first path segment)")
    for crate, size in crates.most_common(15):
        print(f"  {size:8d} {100 * size / code:5.1f}%  {crate}")
    print(f"\ntop {top} functions")
    for size, name in sorted(funcs, reverse=True)[:top]:
        print(f"  {size:8d} {100 * size / code:5.1f}%  {name[:110]}")


main()
