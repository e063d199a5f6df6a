#!/usr/bin/env python3
"""Builds a Maildir of COUNT messages from the SpamAssassin corpus (cycled), received times spread over 400 days.

    make_maildir.py <corpus data dir> <maildir> <count>
"""
import os
import sys
import time


def main(corpus, maildir, count):
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(corpus) for f in fs if f.endswith(".txt"))
    raws = []
    for path in files:
        with open(path, "rb") as f:
            raw = f.read()
        if raw.startswith(b"From "):
            raw = raw.split(b"\n", 1)[1] if b"\n" in raw else b""
        raws.append(raw)
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(maildir, sub), exist_ok=True)
    now = time.time()
    for i in range(count):
        raw = raws[i % len(raws)]
        path = os.path.join(maildir, "cur", f"{1700000000 + i}.M{i}P1.bench,S={len(raw)}:2,S")
        with open(path, "wb") as f:
            f.write(raw)
        received = now - (i % 400) * 86400 - 3600
        os.utime(path, (received, received))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
