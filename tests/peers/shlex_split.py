"""Splits each string of a JSON list (stdin) with shlex.split, as the AWS CLI splits a
credential_process command line; prints a JSON list of {"ok": [words]} or {"error": msg}.

Usage: shlex_split.py < strings.json
"""
import json
import shlex
import sys

out = []
for s in json.load(sys.stdin):
    try:
        out.append({"ok": shlex.split(s)})
    except ValueError as e:
        out.append({"error": str(e)})
json.dump(out, sys.stdout)
