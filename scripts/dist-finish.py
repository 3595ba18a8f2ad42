#!/usr/bin/env python3
"""Finishes Trunk's dist/ for hosting under a strict Content-Security-Policy, then compresses it.

1. CSP: Trunk 0.21 writes the wasm loader as an inline `<script type="module">` in index.html
   (it has no option to emit it as a file: `data-loader-shim` is for workers only). A policy
   without 'unsafe-inline' blocks that, so the script moves to `loader-<hash>.js` and
   index.html references it with `src` and an `integrity` hash, like Trunk's own files.
   Anything else inline that the policy would block (a `<script>` without src, a `<style>`
   element, a `style=` or `on...=` attribute) fails the build.
2. One stylesheet: Trunk writes one file per `<link data-trunk rel="css">`; they are joined
   in their order into `style-<hash>.css` (one request instead of nine, and about a quarter
   fewer brotli bytes than compressing them one by one), referenced with an `integrity` hash.
3. Compression: every .wasm .js .css .html .svg gets a `.br` (brotli -q 11) and a `.gz`
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
import os
import re
import shutil
import subprocess
import sys

COMPRESSED = (".wasm", ".js", ".css", ".html", ".svg")


def walk(dist):
    """os.walk without Trunk's staging folder (dist/.stage) or other hidden folders."""
    for root, dirs, files in os.walk(dist):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        yield root, dirs, files


def fail(msg):
    print(f"dist-finish: error: {msg}", file=sys.stderr)
    sys.exit(1)


def externalise_loader(dist):
    index = os.path.join(dist, "index.html")
    with open(index, encoding="utf-8") as f:
        html = f.read()
    # <script ...> with no src attribute (Trunk minifies: attributes may be unquoted).
    inline = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S | re.I)
    found = inline.findall(html)
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
        sri = "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()
        tag = f'<script type="module" src="/{name}" integrity="{sri}" crossorigin></script>'
        html = inline.sub(lambda _m: tag, html, count=1)
        with open(index, "w", encoding="utf-8") as f:
            f.write(html)
        print(f"dist-finish: inline loader moved to {name}")
    # What else a policy without 'unsafe-inline' would block.
    problems = []
    if inline.search(html):
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


def bundle_css(dist):
    """Joins the stylesheets index.html links, in document order, into one file."""
    index = os.path.join(dist, "index.html")
    with open(index, encoding="utf-8") as f:
        html = f.read()
    tag = re.compile(r"<link\b[^>]*>", re.I)
    links = []
    for m in tag.finditer(html):
        attrs = m.group(0)
        if not re.search(r"\brel=[\"']?stylesheet\b", attrs, re.I):
            continue
        href = re.search(r"\bhref=[\"']?(/[^\"'\s>]+\.css)", attrs, re.I)
        if not href or "/" in href.group(1)[1:]:
            fail(f"{index}: a stylesheet that is not one of Trunk's files: {attrs}")
        links.append((m.group(0), href.group(1)[1:]))
    if len(links) < 2:
        return
    parts = []
    for _tag, name in links:
        with open(os.path.join(dist, name), "rb") as f:
            parts.append(f.read().rstrip(b"\n") + b"\n")
    data = b"".join(parts)
    name = f"style-{hashlib.sha256(data).hexdigest()[:16]}.css"
    with open(os.path.join(dist, name), "wb") as f:
        f.write(data)
    sri = "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()
    first, _ = links[0]
    html = html.replace(first, f'<link rel="stylesheet" href="/{name}" integrity="{sri}">', 1)
    for t, old in links[1:]:
        html = html.replace(t, "", 1)
    for _t, old in links:
        os.remove(os.path.join(dist, old))
    with open(index, "w", encoding="utf-8") as f:
        f.write(html)
    print(f"dist-finish: {len(links)} stylesheets joined into {name}")


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
    if args[:1] == ["--trunk-hook"]:
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
    externalise_loader(dist)
    bundle_css(dist)
    compress(dist)


if __name__ == "__main__":
    main()
