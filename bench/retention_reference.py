#!/usr/bin/env python3
"""The kind of retention script operators run today, kept as the benchmark's reference: a straightforward walk of a
Maildir's cur/ and new/ with the standard library's header parser and the same rules as spam-retention
(automated: List-Unsubscribe, Precedence bulk/list/junk, Auto-Submitted other than "no"; 14 and 90 days).
Dry run only: it counts what it would delete.

    retention_reference.py <maildir>
"""
import email.parser
import email.policy
import os
import sys
import time


def automated(headers):
    if headers.get("List-Unsubscribe") is not None:
        return True
    for value in headers.get_all("Precedence") or []:
        if str(value).strip().split(None, 1)[0:1] and str(value).strip().split()[0].lower() in ("bulk", "list", "junk"):
            return True
    for value in headers.get_all("Auto-Submitted") or []:
        token = str(value).strip().split(";")[0].split("(")[0].strip().lower()
        if token != "no":
            return True
    return False


def main(root):
    parser = email.parser.BytesParser(policy=email.policy.compat32)
    now = time.time()
    scanned = auto = human = errors = 0
    for sub in ("cur", "new"):
        directory = os.path.join(root, sub)
        for name in os.listdir(directory):
            path = os.path.join(directory, name)
            if os.path.islink(path):
                errors += 1
                continue
            try:
                with open(path, "rb") as f:
                    headers = parser.parse(f, headersonly=True)
                age_days = (now - os.stat(path).st_mtime) / 86400
            except OSError:
                errors += 1
                continue
            scanned += 1
            if automated(headers):
                auto += age_days > 14
            else:
                human += age_days > 90
    print(f"scanned {scanned} auto {auto} human {human} errors {errors}")


if __name__ == "__main__":
    main(sys.argv[1])
