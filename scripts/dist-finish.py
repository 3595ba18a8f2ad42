#!/usr/bin/env python3
"""Finishes Trunk's dist/ for hosting under a strict Content-Security-Policy, then compresses it.

0. Split (release builds whose wasm has split points, src/shell/split.rs): Trunk's cargo build of
   the page is cut in two by wasm-split (the sign-in screen, then the rest, fetched while the
   user types), the first part goes through wasm-bindgen, every part through wasm-opt -Oz, and
   they replace Trunk's one module in index.html, all named by one hash of the build. Trunk's
   loader, wasm-bindgen's module and the split loader are bundled into one script (esbuild),
   which replaces Trunk's inline loader (so step 1 has nothing left to move).
1. CSP: Trunk 0.21 writes the wasm loader as an inline `<script type="module">` in index.html
   (it has no option to emit it as a file: `data-loader-shim` is for workers only). A policy
   without 'unsafe-inline' blocks that, so the script moves to `loader-<hash>.js` and
   index.html references it with `src` and an `integrity` hash, like Trunk's own files.
   Anything else inline that the policy would block (a `<script>` without src, a `<style>`
   element, a `style=` or `on...=` attribute) fails the build.
2. One stylesheet: Trunk writes one file per `<link data-trunk rel="css">`; they are joined
   in their order into `style-<hash>.css` (one request instead of nine, and about a quarter
   fewer brotli bytes than compressing them one by one), referenced with an `integrity` hash.
3. The reads worker (assets/reads-worker.js) is named by a hash of its content, and
   index.html's `totp-admin-reads-worker` marker names the file.
4. Compression: every .wasm .js .css .html .svg gets a `.br` (brotli -q 11) and a `.gz`
   (gzip -9) beside it, for nginx's brotli_static and gzip_static.

Trunk.toml runs it as a post_build hook (`--trunk-hook`: on the staging folder, release builds
only; `trunk serve` builds in debug, without a CSP, with Trunk's inline autoreload script), so
every `trunk build --release` and `make dist` leaves a finished dist/.

Usage: scripts/dist-finish.py [DIST]          finish DIST (default: dist); idempotent
       scripts/dist-finish.py --check [DIST]  fail unless DIST is finished
       scripts/dist-finish.py --trunk-hook    from Trunk (TRUNK_PROFILE, TRUNK_STAGING_DIR)
"""

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

COMPRESSED = (".wasm", ".js", ".css", ".html", ".svg")


def walk(dist):
    """os.walk without Trunk's staging folder (dist/.stage) or other hidden folders."""
    for root, dirs, files in os.walk(dist):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        yield root, dirs, files


def fail(msg):
    print(f"dist-finish: error: {msg}", file=sys.stderr)
    sys.exit(1)


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The page's package and bin (Trunk's `data-bin` in index.html).
PAGE = "totp-admin"
# What the split points import until wasm-split links them (wasm_split_helpers).
SPLIT_PLACEHOLDER = b"__wasm_split_placeholder__"
WASM_OPT_ARGS = ["-Oz", "--enable-bulk-memory", "--enable-nontrapping-float-to-int"]
# DIST_KEEP_NAMES=1: keep function names in the split build, for CPU profiles (bench
# `--only profile|fleet-profile --dist ...`); never for what is served.
KEEP_NAMES = os.environ.get("DIST_KEEP_NAMES") == "1"
if KEEP_NAMES:
    WASM_OPT_ARGS = WASM_OPT_ARGS + ["-g"]


def tool(name):
    """A build tool: the project's own (.tools/, by the bootstrap) first, then cargo's, then PATH."""
    cargo_bin = os.path.join(os.environ.get("CARGO_HOME") or os.path.expanduser("~/.cargo"), "bin")
    where = os.pathsep.join(
        [os.path.join(ROOT, ".tools", "node_modules", ".bin"), cargo_bin, os.environ.get("PATH", "")]
    )
    path = shutil.which(name, path=where)
    if path is None:
        fail(f"{name} is missing: run scripts/bootstrap.sh (make bootstrap)")
    return path


def run(args):
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"{' '.join(args)} failed ({r.returncode}):\n{r.stdout}{r.stderr}")
    return r.stdout


def cargo_wasm():
    """The wasm Trunk's cargo build just wrote (before wasm-bindgen), as cargo names it."""
    meta = json.loads(
        run(["cargo", "metadata", "--format-version", "1", "--no-deps", "--offline",
             "--manifest-path", os.path.join(ROOT, "Cargo.toml")])
    )
    profile = os.environ.get("TRUNK_PROFILE", "release")
    return os.path.join(meta["target_directory"], "wasm32-unknown-unknown", profile, f"{PAGE}.wasm")


# A <script ...> with no src attribute (Trunk minifies: attributes may be unquoted): Trunk's
# inline loader, which split() bundles and externalise_loader() moves into a file.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S | re.I)


def sri(data):
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def split(dist):
    """Replaces Trunk's single module by the split build (see the module's docstring, step 0);
    nothing to do when the wasm has no split points."""
    index = os.path.join(dist, "index.html")
    with open(index, encoding="utf-8") as f:
        html = f.read()
    found = sorted(set(re.findall(rf"/({re.escape(PAGE)}-[0-9a-f]+)(?:\.js|_bg\.wasm)\b", html)))
    if len(found) != 1:
        fail(f"{index}: expected Trunk's one {PAGE}-<hash>.js/_bg.wasm, found {found}")
    old = found[0]
    wasm_path = cargo_wasm()
    with open(wasm_path, "rb") as f:
        raw = f.read()
    if SPLIT_PLACEHOLDER not in raw:
        return
    # The cargo build must be the one Trunk just bound: no older than Trunk's own output.
    trunk_wasm = os.path.join(dist, f"{old}_bg.wasm")
    if os.path.getmtime(wasm_path) > os.path.getmtime(trunk_wasm) + 1:
        fail(f"{wasm_path} is newer than Trunk's {trunk_wasm}: not the build Trunk made")
    split_cli = tool("wasm-split-cli")
    bindgen = tool("wasm-bindgen")
    wasm_opt = tool("wasm-opt")
    with tempfile.TemporaryDirectory() as tmp:
        parts_dir = os.path.join(tmp, "split")
        bound_dir = os.path.join(tmp, "bound")
        run([split_cli, wasm_path, parts_dir, "--target", "web", "--out-name", PAGE])
        run([bindgen, "--target", "web", "--keep-lld-exports", "--no-demangle", "--no-typescript",
             *(["--keep-debug"] if KEEP_NAMES else []),
             "--out-name", PAGE, "--out-dir", bound_dir, os.path.join(parts_dir, f"{PAGE}.wasm")])
        link = os.path.join(parts_dir, "__wasm_split.js")
        if not os.path.isfile(link):
            fail(f"wasm-split found split points in {wasm_path} but wrote no loader")
        with open(link, encoding="utf-8") as f:
            link_js = f.read()
        link_js, parts = group_chunks(link_js, parts_dir)
        with open(link, "w", encoding="utf-8") as f:
            f.write(link_js)
        main_wasm = os.path.join(bound_dir, f"{PAGE}_bg.wasm")
        chunks = parts  # sorted, by group_chunks
        optimise([main_wasm] + [os.path.join(parts_dir, c) for c in chunks])
        files = {
            "main.js": open(os.path.join(bound_dir, f"{PAGE}.js"), "rb").read(),
            "main.wasm": open(main_wasm, "rb").read(),
            "link.js": open(link, "rb").read(),
        }
        for c in chunks:
            files[c] = open(os.path.join(parts_dir, c), "rb").read()
    # One hash names every part: they refer to each other, and change together.
    h = hashlib.sha256()
    for k in sorted(files):
        h.update(k.encode() + b"\0" + files[k])
    tag = h.hexdigest()[:16]
    script = f"{PAGE}-{tag}.js"
    names = {"main.wasm": f"{PAGE}-{tag}_bg.wasm"}
    for c in chunks:
        names[c] = f"{c[: -len('.wasm')]}-{tag}.wasm"

    def relink(key, old_ref, new_ref):
        if files[key].count(old_ref.encode()) != 1:
            fail(f"the {key} of the split build does not refer to {old_ref!r} once")
        files[key] = files[key].replace(old_ref.encode(), new_ref.encode())

    # One script for the page: Trunk's loader, the bound module and the split loader, bundled
    # by esbuild (npm, .tools/) and minified. Three module files cost the first load two more
    # requests, each a connection of its own under HTTP/1.1, and a module graph to link; one
    # file is measurably sooner interactive (BENCHMARKS.md). The loader is Trunk's inline
    # script (moved to a file below, under the CSP, with Trunk's public URL and its
    # TrunkApplicationStarted event), importing the bound module instead of Trunk's.
    loaders = INLINE_SCRIPT.findall(html)
    if len(loaders) != 1:
        fail(f"{index}: expected Trunk's one inline loader, found {len(loaders)} inline scripts")
    files["entry.js"] = loaders[0][1].strip().encode()
    relink("entry.js", f"'/{old}.js'", "'./main.js'")
    relink("entry.js", f"'/{old}_bg.wasm'", f"'/{names['main.wasm']}'")
    # The module specifiers only: the wasm's import module keeps the name wasm-split gave it.
    if files["main.js"].count(b'from "./__wasm_split.js"') < 1:
        fail('the main.js of the split build does not import "./__wasm_split.js"')
    files["main.js"] = files["main.js"].replace(b'from "./__wasm_split.js"', b'from "./link.js"')
    relink("link.js", f"./{PAGE}.js", "./main.js")
    # The second part is fetched relative to the script (import.meta.url): the same folder.
    for c in chunks:
        relink("link.js", f"./{c}", f"./{names[c]}")
    esbuild = tool("esbuild")
    with tempfile.TemporaryDirectory() as tmp:
        for key in ("entry.js", "main.js", "link.js"):
            with open(os.path.join(tmp, key), "wb") as f:
                f.write(files[key])
        out = os.path.join(tmp, "out.js")
        run([esbuild, os.path.join(tmp, "entry.js"), "--bundle", "--minify", "--format=esm",
             "--log-level=warning", f"--outfile={out}"])
        with open(out, "rb") as f:
            bundle = f.read()
    for ref in [names[c] for c in chunks]:
        if ref.encode() not in bundle:
            fail(f"the bundled script lost its reference to {ref}")
    parts = {script: bundle, names["main.wasm"]: files["main.wasm"]}
    for c in chunks:
        parts[names[c]] = files[c]
    for name, data in parts.items():
        with open(os.path.join(dist, name), "wb") as f:
            f.write(data)
    for ext in (".js", "_bg.wasm"):
        os.remove(os.path.join(dist, old + ext))
    # index.html: the bundle replaces Trunk's inline loader and its module preload; the wasm
    # preload gets the new name and hash.
    html = INLINE_SCRIPT.sub(
        lambda _m: f'<script type="module" src="/{script}" integrity="{sri(bundle)}" crossorigin></script>',
        html,
        count=1,
    )
    preload = re.compile(rf"<link\b[^>]*\bhref=\"?/{re.escape(old)}\.js\b[^>]*>", re.I)
    html, n = preload.subn("", html)
    if n != 1:
        fail(f"{index}: expected one <link> (Trunk's module preload) for /{old}.js, found {n}")
    wasm_link = re.compile(rf"<link\b[^>]*\bhref=\"?/{re.escape(old)}_bg\.wasm\b[^>]*>", re.I)
    m = wasm_link.search(html)
    if not m:
        fail(f"{index}: no <link> (Trunk's preload) for /{old}_bg.wasm")
    fixed = m.group(0).replace(f"/{old}_bg.wasm", f"/{names['main.wasm']}")
    fixed, n = re.subn(
        r"\bintegrity=(\"?)sha384-[A-Za-z0-9+/=]+\1", f'integrity="{sri(files["main.wasm"])}"', fixed
    )
    if n != 1:
        fail(f"{index}: the <link> for /{old}_bg.wasm has no integrity hash: {m.group(0)}")
    html = html.replace(m.group(0), fixed, 1)
    if old in html:
        fail(f"{index} still refers to Trunk's {old}")
    with open(index, "w", encoding="utf-8") as f:
        f.write(html)
    sizes = ", ".join(f"{k} {len(v)}" for k, v in parts.items())
    print(f"dist-finish: split into {sizes} bytes")


# wasm-split gives every set of split modules that share code a chunk of its own: with a module
# per screen that is a couple of hundred files (each a request and an instantiation; measured
# 194 before the table shows). They are merged here into a few groups: what the signed-in
# page's module (`shell`) shares with screens into one file loaded with it (every screen is
# opened from it, so it is always there first; each screen's loader waits for it), and the
# chunks only screens share into one file per kind of user (the enrollment's, the fleet's,
# the rest), each screen loading those it needs.
CHUNK_LOADER = re.compile(
    r'/\* ([^*]*) \*/\nconst (__chunk_\d+) = makeLoad\(\(\) => \{\n'
    r'\s*const src = fetch\(new URL\("\./(chunk_\d+\.wasm)", import\.meta\.url\)\);.*?\n\}\n, \[\]\);\n',
    re.S,
)
MODULE_LOADER = re.compile(
    r'export const __wasm_split_load_(\w+) = wrapAsyncCb\(makeLoad\(\(\) => \{\n'
    r'\s*const src = fetch\(new URL\("\./(split_\w+\.wasm)", import\.meta\.url\)\);.*?\n\}\n, \[([^\]]*)\]\)\);\n',
    re.S,
)
FLEET_SCREENS = {"fleet", "overview", "fleet_tables", "offboard"}


def chunk_group(needed_by):
    if "shell" in needed_by:
        return "shell"
    if "enroll" in needed_by:
        return "common_enroll"
    if needed_by <= FLEET_SCREENS:
        return "common_fleet"
    return "common"


def loader_js(var, file, deps):
    return (
        f"const {var} = makeLoad(() => {{\n"
        f'    const src = fetch(new URL("./{file}", import.meta.url));\n'
        f"    src.catch(() => {{}});\n"
        f"    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));\n"
        f"}}, [{', '.join(deps)}]);\n"
    )


def leb(data, i):
    """An unsigned LEB128 at `i`: its value and the index after it."""
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def to_leb(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def wasm_sections(data):
    """[(id, content)] of a wasm binary."""
    if data[:8] != b"\0asm\1\0\0\0":
        fail("not a wasm module")
    i, out = 8, []
    while i < len(data):
        sid = data[i]
        size, j = leb(data, i + 1)
        out.append((sid, data[j : j + size]))
        i = j + size
    return out


def wasm_binary(sections):
    return b"\0asm\1\0\0\0" + b"".join(bytes([sid]) + to_leb(len(c)) + c for sid, c in sections)


def name(data, i):
    n, i = leb(data, i)
    return data[i : i + n].decode(), i + n


def enc_name(s):
    b = s.encode()
    return to_leb(len(b)) + b


def imports(content):
    """[(module, field, kind, description bytes)] of an import section."""
    n, i = leb(content, 0)
    out = []
    for _ in range(n):
        module, i = name(content, i)
        field, i = name(content, i)
        kind, start = content[i], i + 1
        i = start
        if kind == 0:  # function: type index
            _v, i = leb(content, i)
        elif kind in (1, 2):  # table: reference type, then limits; memory: limits
            if kind == 1:
                i += 1
            flags = content[i]
            i += 1
            _v, i = leb(content, i)
            if flags & 1:
                _v, i = leb(content, i)
        elif kind == 3:  # global: value type, mutability
            i += 2
        else:
            fail(f"an import of kind {kind}")
        out.append((module, field, kind, content[start:i]))
    return out


def enc_imports(entries):
    return to_leb(len(entries)) + b"".join(
        enc_name(m) + enc_name(f) + bytes([k]) + d for m, f, k, d in entries
    )


def exports(content):
    n, i = leb(content, 0)
    out = []
    for _ in range(n):
        field, i = name(content, i)
        kind = content[i]
        index, i = leb(content, i + 1)
        out.append((field, kind, index))
    return out


def enc_exports(entries):
    return to_leb(len(entries)) + b"".join(enc_name(f) + bytes([k]) + to_leb(x) for f, k, x in entries)


# What every part of the split imports from the first module, and the name the first part of
# a merge re-exports it under.
SHARED = {"memory": "m", "__indirect_function_table": "t", "__wasm_split_shared0": "g"}
# After these sections an export section comes too late (start, element, data count, code, data).
AFTER_EXPORTS = {8, 9, 12, 10, 11}


def merge_wasm(inputs, out):
    """One module of several of wasm-split's parts: each imports only the shared memory, the
    function table and the stack pointer, and writes its functions into the table by its
    segments, so merged they work as before. wasm-merge keeps each input's imports apart: the
    first part (one that imports all three) re-exports them, the others import them from it;
    the import and export sections are rewritten in the binaries."""
    wasm_merge = tool("wasm-merge")
    feats = ["--enable-bulk-memory", "--enable-nontrapping-float-to-int"]
    parts = []
    for path in inputs:
        with open(path, "rb") as f:
            secs = wasm_sections(f.read())
        imp = [imports(c) for sid, c in secs if sid == 2]
        entries = imp[0] if imp else []
        if any(m != "__wasm_split" or f not in SHARED for m, f, _k, _d in entries):
            fail(f"{path}: unexpected imports {[(m, f) for m, f, _k, _d in entries]}")
        parts.append((path, secs, entries))
    first = next((p for p in parts if len(p[2]) == len(SHARED)), None)
    if first is None:
        fail(f"none of {inputs} imports all of {sorted(SHARED)}")
    parts.remove(first)
    parts.insert(0, first)
    with tempfile.TemporaryDirectory() as tmp:
        args = []
        for n, (path, secs, entries) in enumerate(parts):
            if n == 0:
                # Each is its kind's only import: index 0.
                added = [(SHARED[f], k, 0) for _m, f, k, _d in entries]
                if any(sid == 7 for sid, _c in secs):
                    secs = [(sid, enc_exports(exports(c) + added) if sid == 7 else c) for sid, c in secs]
                else:
                    at = next((i for i, (sid, _c) in enumerate(secs) if sid in AFTER_EXPORTS), len(secs))
                    secs = secs[:at] + [(7, enc_exports(added))] + secs[at:]
            else:
                renamed = enc_imports([("part0", SHARED[f], k, d) for _m, f, k, d in entries])
                secs = [(sid, renamed if sid == 2 else c) for sid, c in secs]
            part = os.path.join(tmp, f"{n}.wasm")
            with open(part, "wb") as f:
                f.write(wasm_binary(secs))
            args += [part, f"part{n}"]
        run([wasm_merge, *feats, *(["-g"] if KEEP_NAMES else []), *args, "-o", out])
    # The re-exports were only for the merge.
    with open(out, "rb") as f:
        secs = wasm_sections(f.read())
    secs = [
        (sid, enc_exports([e for e in exports(c) if e[0] not in SHARED.values()]) if sid == 7 else c)
        for sid, c in secs
    ]
    with open(out, "wb") as f:
        f.write(wasm_binary(secs))


def group_chunks(link_js, parts_dir):
    """Merges wasm-split's chunks into groups (see above) and rewrites its loader to match;
    returns the loader and the part files left in `parts_dir`."""
    chunks = {}  # var -> (file, needed_by)
    for m in CHUNK_LOADER.finditer(link_js):
        chunks[m.group(2)] = (m.group(3), {x.strip() for x in m.group(1).split(",")})
    modules = [(m.group(1), m.group(2), [d.strip() for d in m.group(3).split(",") if d.strip()])
               for m in MODULE_LOADER.finditer(link_js)]
    if not modules or "shell" not in [name for name, _f, _d in modules]:
        fail("the split loader has no module `shell`")
    head = link_js[: min(m.start() for m in list(CHUNK_LOADER.finditer(link_js)) + list(MODULE_LOADER.finditer(link_js)))]
    rest = MODULE_LOADER.sub("", CHUNK_LOADER.sub("", link_js[len(head):]))
    if rest.strip():
        fail(f"the split loader has parts this script does not know: {rest[:200]!r}")
    groups = {}
    for var, (file, needed_by) in sorted(chunks.items(), key=lambda c: int(c[0].split("_")[-1])):
        groups.setdefault(chunk_group(needed_by), []).append(file)
    out = head
    group_var = {g: f"__group_{g}" for g in groups}
    for g, files in sorted(groups.items()):
        merged = f"{g}_common.wasm" if g == "shell" else f"{g}.wasm"
        merge_wasm([os.path.join(parts_dir, f) for f in files], os.path.join(parts_dir, merged))
        out += loader_js(group_var[g], merged, [])
    # The shell's loader first: the screens' loaders name it.
    for name, file, deps in sorted(modules, key=lambda m: m[0] != "shell"):
        groups_needed = {chunk_group(chunks[d][1]) for d in deps}
        if name == "shell":
            wanted = sorted(group_var[g] for g in groups_needed)
        else:
            # What the signed-in page's module shares with a screen comes with that module.
            wanted = sorted({group_var[g] for g in groups_needed if g != "shell"} | {"__module_shell"})
        out += loader_js(f"__module_{name}", file, wanted)
        out += f"export const __wasm_split_load_{name} = wrapAsyncCb(__module_{name});\n"
    for file, _n in chunks.values():
        os.remove(os.path.join(parts_dir, file))
    left = sorted(n for n in os.listdir(parts_dir) if n.endswith(".wasm") and n != f"{PAGE}.wasm")
    return out, left


def optimise(paths):
    """wasm-opt -Oz on each, two at a time (the machines have two cores)."""
    from concurrent.futures import ThreadPoolExecutor
    wasm_opt = tool("wasm-opt")
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda p: run([wasm_opt, *WASM_OPT_ARGS, p, "-o", p]), paths))


def externalise_loader(dist):
    index = os.path.join(dist, "index.html")
    with open(index, encoding="utf-8") as f:
        html = f.read()
    found = INLINE_SCRIPT.findall(html)
    if len(found) > 1:
        fail(f"{index}: {len(found)} inline scripts, expected Trunk's one loader")
    if found:
        attrs, body = found[0]
        if not re.search(r"\btype=[\"']?module\b", attrs, re.I):
            fail(f"{index}: the inline script is not Trunk's module loader: {attrs!r}")
        data = body.strip().encode("utf-8") + b"\n"
        name = f"loader-{hashlib.sha256(data).hexdigest()[:16]}.js"
        with open(os.path.join(dist, name), "wb") as f:
            f.write(data)
        tag = f'<script type="module" src="/{name}" integrity="{sri(data)}" crossorigin></script>'
        html = INLINE_SCRIPT.sub(lambda _m: tag, html, count=1)
        with open(index, "w", encoding="utf-8") as f:
            f.write(html)
        print(f"dist-finish: inline loader moved to {name}")
    # What else a policy without 'unsafe-inline' would block.
    problems = []
    if INLINE_SCRIPT.search(html):
        problems.append("an inline <script>")
    if re.search(r"<style[\s>]", html, re.I):
        problems.append("a <style> element")
    if re.search(r"\sstyle=", html, re.I):
        problems.append("a style= attribute")
    if re.search(r"\son[a-z]+=", html, re.I):
        problems.append("an on...= event handler attribute")
    if re.search(r"javascript:", html, re.I):
        problems.append("a javascript: URL")
    if problems:
        fail(f"{index} still has {', '.join(problems)}: the Content-Security-Policy blocks it")


LATER_STYLES = re.compile(r"<meta\b[^>]*\bname=[\"']?totp-admin-later-styles\b[^>]*>", re.I)


def bundle_css(dist):
    """Joins the stylesheets index.html links, in document order, into one file; or into two
    when index.html has the `totp-admin-later-styles` marker: the first load (those before it)
    and the signed-in page's (those after it), which the marker then names for the page."""
    index = os.path.join(dist, "index.html")
    with open(index, encoding="utf-8") as f:
        html = f.read()
    marker = LATER_STYLES.search(html)
    tag = re.compile(r"<link\b[^>]*>", re.I)
    first, later = [], []
    for m in tag.finditer(html):
        attrs = m.group(0)
        if not re.search(r"\brel=[\"']?stylesheet\b", attrs, re.I):
            continue
        href = re.search(r"\bhref=[\"']?(/[^\"'\s>]+\.css)", attrs, re.I)
        if not href or "/" in href.group(1)[1:]:
            fail(f"{index}: a stylesheet that is not one of Trunk's files: {attrs}")
        part = later if marker and m.start() > marker.start() else first
        part.append((m.group(0), href.group(1)[1:]))
    if len(first) + len(later) < 2:
        return

    def join(links, stem):
        parts = []
        for _tag, name in links:
            with open(os.path.join(dist, name), "rb") as f:
                parts.append(f.read().rstrip(b"\n") + b"\n")
        data = b"".join(parts)
        name = f"{stem}-{hashlib.sha256(data).hexdigest()[:16]}.css"
        with open(os.path.join(dist, name), "wb") as f:
            f.write(data)
        for _t, old in links:
            os.remove(os.path.join(dist, old))
        return name, sri(data)

    name, integrity = join(first, "style")
    html = html.replace(first[0][0], f'<link rel="stylesheet" href="/{name}" integrity="{integrity}">', 1)
    for t, _old in first[1:]:
        html = html.replace(t, "", 1)
    note = f"{len(first)} stylesheets joined into {name}"
    if later:
        lname, lintegrity = join(later, "later")
        for t, _old in later:
            html = html.replace(t, "", 1)
        html = html.replace(
            marker.group(0),
            f'<meta name="totp-admin-later-styles" content="/{lname}" data-integrity="{lintegrity}">',
            1,
        )
        note += f", {len(later)} into {lname} (linked once signed in)"
    with open(index, "w", encoding="utf-8") as f:
        f.write(html)
    print(f"dist-finish: {note}")


READS_WORKER = re.compile(r"<meta\b[^>]*\bname=[\"']?totp-admin-reads-worker\b[^>]*>", re.I)


def hash_worker(dist):
    """Names the reads worker (assets/reads-worker.js, src/api/reads.rs) by its content, like
    Trunk's own files, so that nginx may serve it as immutable; index.html's marker names it."""
    index = os.path.join(dist, "index.html")
    with open(index, encoding="utf-8") as f:
        html = f.read()
    marker = READS_WORKER.search(html)
    plain = os.path.join(dist, "reads-worker.js")
    if not marker or not os.path.isfile(plain):
        return
    with open(plain, "rb") as f:
        data = f.read()
    name = f"reads-worker-{hashlib.sha256(data).hexdigest()[:16]}.js"
    os.replace(plain, os.path.join(dist, name))
    html = html.replace(marker.group(0), f'<meta name="totp-admin-reads-worker" content="/{name}">', 1)
    with open(index, "w", encoding="utf-8") as f:
        f.write(html)
    print(f"dist-finish: the reads worker is {name}")


def compress(dist):
    if shutil.which("brotli") is None:
        fail("the brotli command is missing (Debian package brotli; scripts/bootstrap.sh installs it)")
    raw = gz = br = 0
    for root, _dirs, files in walk(dist):
        for name in sorted(files):
            if not name.endswith(COMPRESSED):
                continue
            path = os.path.join(root, name)
            subprocess.run(["brotli", "-f", "-q", "11", "-o", path + ".br", path], check=True)
            subprocess.run(["gzip", "-f", "-9", "-k", "-n", path], check=True)
            raw += os.path.getsize(path)
            br += os.path.getsize(path + ".br")
            gz += os.path.getsize(path + ".gz")
    print(f"dist-finish: {raw} bytes raw, {gz} gzip, {br} brotli ({', '.join(COMPRESSED)})")


def check(dist):
    """Fails unless DIST is finished: no inline script, and every file compressed."""
    with open(os.path.join(dist, "index.html"), encoding="utf-8") as f:
        html = f.read()
    if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html, re.I):
        fail(f"{dist}/index.html has an inline script: run scripts/dist-finish.py {dist} (make dist)")
    for root, _dirs, files in walk(dist):
        for name in files:
            if name.endswith(COMPRESSED) and not (
                name + ".br" in files and name + ".gz" in files
            ):
                fail(f"{os.path.join(root, name)} has no .br/.gz: run scripts/dist-finish.py {dist}")
    print(f"dist-finish: {dist} is finished (external loader, .br and .gz files)")


def main():
    args = sys.argv[1:]
    hook = args[:1] == ["--trunk-hook"]
    if hook:
        if os.environ.get("TRUNK_PROFILE") != "release":
            return
        dist = os.environ.get("TRUNK_STAGING_DIR") or fail("TRUNK_STAGING_DIR is not set")
    elif args[:1] == ["--check"]:
        return check(args[1] if len(args) > 1 else "dist")
    else:
        dist = args[0] if args else "dist"
    if not os.path.isfile(os.path.join(dist, "index.html")):
        fail(f"{dist}/index.html is missing: run trunk build first")
    # Leftovers of an earlier run (Trunk empties dist/ itself, but be safe when run twice).
    for root, _dirs, files in walk(dist):
        for name in files:
            if name.endswith((".br", ".gz")):
                os.remove(os.path.join(root, name))
    if hook:
        split(dist)
    externalise_loader(dist)
    bundle_css(dist)
    hash_worker(dist)
    compress(dist)


if __name__ == "__main__":
    main()
