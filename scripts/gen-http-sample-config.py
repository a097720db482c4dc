#!/usr/bin/env python3
"""Writes samples/http/ecid-http.yaml from config/ecid.yaml: the same configuration with the
register section pointing at the mock register. tests/http's HttpSample test keeps them equal."""
import pathlib
import re

root = pathlib.Path(__file__).resolve().parent.parent
config = (root / "config/ecid.yaml").read_text(encoding="utf-8")
sample = (root / "samples/http/ecid-http.yaml").read_text(encoding="utf-8")

register_http = re.search(r"^register:\n(?:  .*\n|\s*\n)*?(?=^\S)", sample, re.M).group(0)
header = re.match(r"(#.*\n)+", sample).group(0)

body = re.sub(r"^(#.*\n)+", "", config, count=1)
body = re.sub(r"^register:\n(?:  .*\n|\s*\n)*?(?=^\S)", register_http, body, count=1, flags=re.M)
body = body.replace("../build/adapters", "../../build/adapters")
body = body.replace("../samples/", "../../samples/")
body = body.replace("path: ../var/audit.db", "path: ../../var/audit-http.db")
body = body.replace("key_file: ../var/audit.key", "key_file: ../../var/audit.key")
body = body.replace("anchor_file: ../var/audit.anchors", "anchor_file: ../../var/audit-http.anchors")
(root / "samples/http/ecid-http.yaml").write_text(header + body, encoding="utf-8")
