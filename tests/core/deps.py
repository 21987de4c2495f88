#!/usr/bin/env python3
"""Include-graph check: no module reaches upstream, no include cycle.

Reads every #include of src/**/*.{c,cc,h} and include/proratio/**/*.h
and fails when
  (a) a module includes a header of a module it may not use: the allowed
      edges are CMakeLists.txt's PR_DEPS_<module> (proratio_<m> entries),
      taken transitively, as docs/DESIGN.md says ("core <- data <- signal <-
      engine <- ai", "core <- ta <- signal"; `ai` implements engine's
      confirmation stage, so ai may include engine, never the reverse);
      src/cli (the program) may include every module;
  (b) files include each other in a cycle.
Each violation is printed with file:line of the include. A quoted include is
resolved as the compiler does here: next to the including file, then
include/, then src/; one that resolves nowhere is reported too. An
#include <...> is checked when it names a file under include/ or src/
(<proratio/ai/llm.h> reaches ai as "proratio/ai/llm.h" does); any other is
a system header.

Usage: deps.py [ROOT]      check the tree at ROOT (default: the repository)
       deps.py --self-test check the checker on small synthetic trees
"""
import os
import re
import sys
import tempfile

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*(?:"([^"]+)"|<([^>]+)>)')
SOURCE_EXT = ('.c', '.cc', '.h')


def read_deps(root):
    """Module -> modules it may use (transitively), from CMakeLists.txt."""
    text = open(os.path.join(root, 'CMakeLists.txt'), encoding='utf-8').read()
    direct = {}
    for m, body in re.findall(r'set\(\s*PR_DEPS_(\w+)\s+([^)]*)\)', text):
        direct[m] = set(re.findall(r'\bproratio_(\w+)', body))
    allowed = {}

    def close(m, path):
        if m in path:
            raise SystemExit('deps: CMakeLists.txt PR_DEPS form a cycle: ' + ' -> '.join(path + [m]))
        if m not in allowed:
            out = set()
            for d in direct.get(m, ()):
                out |= {d} | close(d, path + [m])
            allowed[m] = out
        return allowed[m]

    for m in direct:
        close(m, [])
    return allowed


def module_of(rel):
    """'src/ai/x.c' -> 'ai'; 'include/proratio/ai/llm.h' or '.../ai.h' -> 'ai'."""
    parts = rel.split('/')
    if parts[0] == 'src' and len(parts) >= 3:
        return parts[1]
    if parts[:2] == ['include', 'proratio'] and len(parts) >= 3:
        return parts[2] if len(parts) >= 4 else os.path.splitext(parts[2])[0]
    return None


def scan(root):
    files = []
    for top, exts in (('src', SOURCE_EXT), (os.path.join('include', 'proratio'), ('.h',))):
        for d, _, names in os.walk(os.path.join(root, top)):
            for n in sorted(names):
                if n.endswith(exts):
                    files.append(os.path.relpath(os.path.join(d, n), root).replace(os.sep, '/'))
    return sorted(files)


def resolve(root, rel, target, quoted=True):
    for base in ((os.path.dirname(rel),) if quoted else ()) + ('include', 'src'):
        cand = os.path.normpath(os.path.join(base, target)).replace(os.sep, '/')
        if os.path.isfile(os.path.join(root, cand)):
            return cand
    return None


def check(root, out=sys.stdout):
    """Prints every violation; returns their count."""
    allowed = read_deps(root)
    edges = {}  # file -> [(line, included file)]
    bad = 0
    for rel in scan(root):
        edges[rel] = []
        with open(os.path.join(root, rel), encoding='utf-8', errors='replace') as f:
            for ln, line in enumerate(f, 1):
                m = INCLUDE_RE.match(line)
                if not m:
                    continue
                name = m.group(1) or m.group(2)
                tgt = resolve(root, rel, name, m.group(1) is not None)
                if tgt is None and m.group(1) is None:
                    continue  # a system header
                if tgt is None:
                    print(f'{rel}:{ln}: #include "{name}" resolves to no file under the tree', file=out)
                    bad += 1
                    continue
                edges[rel].append((ln, tgt))
                src_m, dst_m = module_of(rel), module_of(tgt)
                if src_m is None or dst_m is None or src_m == dst_m or src_m == 'cli':
                    continue
                if dst_m == 'cli':
                    why = 'only the program (src/cli) includes cli headers'
                elif dst_m not in allowed.get(src_m, set()):
                    may = ', '.join(sorted(allowed.get(src_m, set()))) or 'no other module'
                    why = f'{src_m} may use {may} (CMakeLists.txt PR_DEPS_{src_m}, docs/DESIGN.md)'
                else:
                    continue
                print(f'{rel}:{ln}: {src_m} includes {dst_m}\'s "{name}" ({tgt}): upstream reach; {why}',
                      file=out)
                bad += 1
    bad += report_cycles(edges, out)
    return bad


def report_cycles(edges, out):
    """One line per include cycle (each strongly connected set of files once,
    shown as one cycle through it with file:line of every include)."""
    index, low, stack, on, sccs = {}, {}, [], set(), []
    counter = [0]

    def strong(v):  # Tarjan, iterative so deep trees do not hit the recursion limit
        work = [(v, iter(edges.get(v, ())))]
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        while work:
            node, it = work[-1]
            advanced = False
            for _, w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(edges.get(w, ()))))
                    advanced = True
                    break
                if w in on:
                    low[node] = min(low[node], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                sccs.append(comp)

    for v in sorted(edges):
        if v not in index:
            strong(v)
    bad = 0
    for comp in sccs:
        members = set(comp)
        self_loop = len(comp) == 1 and any(t == comp[0] for _, t in edges.get(comp[0], ()))
        if len(comp) == 1 and not self_loop:
            continue
        # Walk one cycle inside the set, from its first file in name order.
        start = min(comp)
        path, seen, cur = [], {}, start
        while cur not in seen:
            seen[cur] = len(path)
            ln, nxt = next((ln, t) for ln, t in edges[cur] if t in members)
            path.append((cur, ln, nxt))
            cur = nxt
        cyc = path[seen[cur]:]
        print('include cycle: ' + ' -> '.join(f'{f}:{ln}' for f, ln, _ in cyc) + f' -> {cyc[0][0]}', file=out)
        bad += 1
    return bad


def self_test():
    """The checker on synthetic trees: a clean one passes; an upstream include
    (quoted or <...>), a cli header included by a module, an include cycle and
    an unresolved include each fail with file:line."""
    import io
    cmake = ('set(PR_DEPS_core X)\nset(PR_DEPS_data proratio_core)\nset(PR_DEPS_ta proratio_core)\n'
             'set(PR_DEPS_signal proratio_ta proratio_data)\nset(PR_DEPS_engine proratio_signal proratio_data)\n'
             'set(PR_DEPS_ai proratio_engine)\n')
    base = {
        'CMakeLists.txt': cmake,
        'include/proratio/core.h': '#include "proratio/core/time.h"\n',
        'include/proratio/core/time.h': '#include <stdint.h>\n',
        'include/proratio/engine/pipeline.h': '#include "proratio/core.h"\n',
        'include/proratio/ai/llm.h': '#include "proratio/engine/pipeline.h"\n#include "proratio/ai/x.h"\n',
        'include/proratio/ai/x.h': '/* leaf */\n',
        'src/core/time.c': '#include "proratio/core.h"\n',
        'src/ai/ai_internal.h': '#include "proratio/ai/llm.h"\n',
        'src/ai/stage.c': '#include "ai_internal.h"\n#include "proratio/core.h"\n',
        'src/cli/cli.h': '#include "proratio/ai/llm.h"\n',
        'src/cli/main.c': '#include "cli.h"\n#include "proratio/engine/pipeline.h"\n',
    }
    cases = [
        ('clean tree', {}, []),
        ('engine includes ai', {'src/engine/backtest.c': '#include <stdio.h>\n\n#include "proratio/ai/llm.h"\n'},
         ['src/engine/backtest.c:3: engine includes ai\'s "proratio/ai/llm.h"']),
        ('engine includes ai with <>', {'src/engine/backtest.c': '#include <stdio.h>\n#include <proratio/ai/llm.h>\n'},
         ['src/engine/backtest.c:2: engine includes ai\'s "proratio/ai/llm.h"']),
        ('core header includes data', {'include/proratio/core/time.h': '#include "proratio/data/store.h"\n',
                                       'include/proratio/data/store.h': '#include "proratio/core.h"\n'},
         ['include/proratio/core/time.h:1: core includes data\'s',
          'include cycle: include/proratio/core.h:1 -> include/proratio/core/time.h:1 -> '
          'include/proratio/data/store.h:1 -> include/proratio/core.h']),
        ('ta and data are siblings', {'src/ta/sma.c': '#include "proratio/data/store.h"\n',
                                      'include/proratio/data/store.h': '/* */\n'},
         ['src/ta/sma.c:1: ta includes data\'s']),
        ('a module includes a cli header', {'src/ai/bad.c': '#include "../cli/cli.h"\n'},
         ['src/ai/bad.c:1: ai includes cli\'s "../cli/cli.h"']),
        ('file cycle inside a module', {'include/proratio/ai/x.h': '#include "proratio/ai/y.h"\n',
                                        'include/proratio/ai/y.h': '\n#include "x.h"\n'},
         ['include cycle: include/proratio/ai/x.h:1 -> include/proratio/ai/y.h:2 -> include/proratio/ai/x.h']),
        ('self include', {'src/ai/ai_internal.h': '#include "ai_internal.h"\n'},
         ['include cycle: src/ai/ai_internal.h:1 -> src/ai/ai_internal.h']),
        ('unresolved include', {'src/ai/stage.c': '#include "nowhere.h"\n'},
         ['src/ai/stage.c:1: #include "nowhere.h" resolves to no file']),
    ]
    fails = 0
    for name, extra, want in cases:
        with tempfile.TemporaryDirectory() as d:
            for rel, text in {**base, **extra}.items():
                os.makedirs(os.path.dirname(os.path.join(d, rel)), exist_ok=True)
                with open(os.path.join(d, rel), 'w', encoding='utf-8') as f:
                    f.write(text)
            buf = io.StringIO()
            n = check(d, buf)
            got = buf.getvalue()
            lines = got.splitlines()
            ok = n == len(want) == len(lines) and all(any(l.startswith(w) for l in lines) for w in want)
            if not ok:
                fails += 1
                print(f'FAIL self-test "{name}": {n} violation(s), want {len(want)}:\n{got}  want prefixes: {want}')
    print(f'deps self-test: {len(cases) - fails}/{len(cases)} cases as expected')
    return fails


def main(argv):
    if argv[1:] == ['--self-test']:
        return 1 if self_test() else 0
    root = argv[1] if len(argv) > 1 else os.path.normpath(os.path.join(os.path.dirname(__file__), '..', '..'))
    n = check(root)
    if n:
        print(f'deps: {n} violation(s) (see docs/DESIGN.md, "Modules and the direction of dependencies")')
        return 1
    print(f'deps: {len(scan(root))} files, no upstream include, no include cycle')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
