#!/usr/bin/env bash
# The invariants ARCHITECTURE.md states, checked over the code (run by .ci/run):
#
# 1. The pure floor never reaches for IO, the clock or a layer above it: no tokio,
#    reqwest, std::env, std::fs, sockets, SystemTime/now_utc, client, transport,
#    provider, cache (except its policy), config or test_util.
# 2. Only src/provider/os.rs reads the environment and files (src/main.rs reads the
#    arguments; the CLI opens the terminal for an MFA prompt).
# 3. Only src/client/clock.rs reads the system clock.
# 4. Only src/transport/ (client connections), src/server/ (the credentials server's
#    listener) and the test double open sockets.
# 5. No import circle among the files of src/ outside src/test_util/: a graph of every
#    `crate::`, `super::` and `self::` path a file names (the re-exports of a mod.rs or
#    lib.rs are its face, not dependencies), and its strongly connected components.
# 6. No source file passes 500 lines of code, its test module aside.
#
# Test modules (`#[cfg(test)] mod tests`, `*_tests.rs`) and comments are not code here.
set -euo pipefail
cd "$(dirname "$0")/.."

exec python3 - "$@" <<'PY'
import os, re, sys

SRC = "src"
fail = []

def files():
    for root, _, names in os.walk(SRC):
        for n in names:
            if n.endswith(".rs"):
                yield os.path.join(root, n)

def code_lines(path):
    """The lines of code: no comments, nothing from the test module on."""
    if path.endswith("_tests.rs") or path.endswith("/tests.rs"):
        return []
    out = []
    lines = open(path, encoding="utf-8").read().split("\n")
    for i, line in enumerate(lines):
        s = line.strip()
        if s == "#[cfg(test)]" and i + 1 < len(lines) and re.match(r"\s*(pub(\(crate\))? )?mod \w+", lines[i + 1]):
            break
        if s.startswith("//"):
            continue
        out.append((i + 1, line))
    return out

# 1. The pure floor.
PURE = ["src/sigv4", "src/sts", "src/profile", "src/date.rs", "src/host.rs", "src/http.rs",
        "src/credentials.rs", "src/text.rs", "src/pyjson.rs", "src/random.rs",
        "src/cache/policy.rs"]
for p in PURE:
    if not os.path.exists(p):
        fail.append(f"layers: {p} is listed as pure but does not exist")
FORBIDDEN = re.compile(r"tokio|reqwest|std::env|std::fs|TcpStream|UdpSocket|TcpListener|SystemTime|now_utc"
                       r"|crate::(client|transport|provider|cache::(?!policy)|config|test_util|cli|blocking)")
def pure(path):
    return any(path == p or path.startswith(p + "/") for p in PURE)
for f in sorted(files()):
    if pure(f):
        for n, line in code_lines(f):
            if FORBIDDEN.search(line):
                fail.append(f"layering: {f}:{n} reaches outside the pure floor: {line.strip()}")

# 2-4. The one place for each kind of IO.
RULES = [
    (re.compile(r"std::env::|std::fs::"), {"src/provider/os.rs", "src/main.rs", "src/cli/mod.rs"},
     "reads the environment or files outside src/provider/os.rs"),
    (re.compile(r"now_utc\(\)|SystemTime::now"), {"src/client/clock.rs"},
     "reads the clock outside src/client/clock.rs"),
    (re.compile(r"TcpStream|TcpListener|UdpSocket"), set(),
     "opens a socket outside src/transport/"),
]
for f in sorted(files()):
    if f.startswith("src/test_util/") or f.startswith("src/transport/") or f.startswith("src/server/"):
        continue
    for n, line in code_lines(f):
        for pattern, allowed, what in RULES:
            if f not in allowed and pattern.search(line):
                fail.append(f"io: {f}:{n} {what}: {line.strip()}")

# 5. Import circles.
def module_of(path):
    parts = path[len(SRC) + 1:-3].split("/")
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return parts

by_module = {}
for f in files():
    by_module.setdefault(tuple(module_of(f)), f)

def resolve(parts):
    """The file of the longest module prefix of a path."""
    for end in range(len(parts), -1, -1):
        f = by_module.get(tuple(parts[:end]))
        if f:
            return f
    return None

PATH = re.compile(r"\b(crate|super|self)((?:::\w+)+|::\{)")
USE = re.compile(r"^\s*(pub(\([^)]*\))?\s+)?use\s+([^;]+);", re.M)
graph = {f: set() for f in files()}
for f in files():
    here = module_of(f)
    is_face = f.endswith("/mod.rs") or f == "src/lib.rs"
    text = "\n".join(line for _, line in code_lines(f))
    # `use` trees, expanded one level of braces.
    targets = []
    for m in USE.finditer(text):
        if is_face and m.group(1):
            continue  # a re-export: the module's face
        tree = re.sub(r"\s+", "", m.group(3))
        head, _, rest = tree.partition("::{")
        if rest:
            for item in rest.rstrip("}").split(","):
                targets.append(head + "::" + item.split("::{")[0])
        else:
            targets.append(tree)
    for m in PATH.finditer(re.sub(USE, "", text)):
        targets.append(m.group(1) + m.group(2))
    for t in targets:
        parts = [p for p in t.split("::") if p and p != "*"]
        if not parts or parts[0] not in ("crate", "super", "self"):
            continue
        base = list(here)
        if parts[0] == "crate":
            base, rest = [], parts[1:]
        else:
            rest = parts
            while rest and rest[0] in ("super", "self"):
                if rest[0] == "super":
                    base = base[:-1]
                rest = rest[1:]
        dest = resolve(base + [p.split(" as ")[0] for p in rest])
        if dest and dest != f:
            graph[f].add(dest)

index, low, stack, on, sccs = {}, {}, [], set(), []
sys.setrecursionlimit(10000)
def strong(v):
    index[v] = low[v] = len(index)
    stack.append(v); on.add(v)
    for w in graph[v]:
        if w not in index:
            strong(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            sccs.append(sorted(comp))
for v in sorted(graph):
    if v not in index:
        strong(v)
for comp in sccs:
    if all(c.startswith("src/test_util/") for c in comp):
        continue
    ties = [f"{a} -> {b}" for a in comp for b in sorted(graph[a]) if b in comp]
    fail.append("circle: " + ", ".join(comp) + "\n    " + "\n    ".join(ties))

# 6. Sizes.
for f in sorted(files()):
    n = len([l for _, l in code_lines(f) if l.strip()])
    if n > 500:
        fail.append(f"size: {f} has {n} lines of code (at most 500, its test module aside)")

for line in fail:
    print(line)
if fail:
    sys.exit(1)
print(f"layers, IO, circles and sizes: ok ({len(graph)} files, {sum(len(v) for v in graph.values())} imports)")
PY
