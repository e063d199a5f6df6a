#!/usr/bin/env python3
"""Builds a mail volume of COUNT message files (about 10 KB each, lognormal sizes, ~1 GB per 100,000) in the shape
of a docker-mailserver for a small organisation: 25 users, each with INBOX and 7 folders (cur/, new/, tmp/), plus
Dovecot's index files; one message in 50 is hard-linked into a second folder, as Dovecot does when a message is
copied. Deterministic for a given COUNT.

    make_mail_volume.py <root> <count>
"""
import os
import random
import sys


def main(root, count):
    rnd = random.Random(20261129)
    folders = ["", ".Sent", ".Archive", ".Junk", ".Drafts", ".Trash", ".Lists", ".Projects"]
    users = 25
    block = os.urandom(4 << 20)
    for i in range(count):
        user = f"user{i % users:02d}"
        folder = folders[(i // users) % len(folders)]
        maildir = os.path.join(root, "example.test", user, folder)
        sub = "new" if i % 7 == 0 else "cur"
        if not os.path.isdir(os.path.join(maildir, "tmp")):
            for d in ("cur", "new", "tmp"):
                os.makedirs(os.path.join(maildir, d), exist_ok=True)
        size = min(int(rnd.lognormvariate(8.6, 1.0)), 2_000_000)
        name = f"{1700000000 + i}.M{i}P{1000 + i % 5000}.mail.example.test,S={size}" + (":2,S" if sub == "cur" else "")
        path = os.path.join(maildir, sub, name)
        start = rnd.randrange(0, len(block) - size)
        with open(path, "wb") as f:
            f.write(block[start:start + size])
        if i % 50 == 0:
            archive = os.path.join(root, "example.test", user, ".Archive", "cur")
            os.makedirs(archive, exist_ok=True)
            os.link(path, os.path.join(archive, f"copy-{i}:2,S"))
        if i < users * len(folders):
            for index in ("dovecot.index", "dovecot.index.cache", "dovecot-uidlist"):
                with open(os.path.join(maildir, index), "wb") as f:
                    f.write(block[:4096])


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
