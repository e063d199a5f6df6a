#!/usr/bin/env python3
"""What Dovecot does to a Maildir between two snapshots, for bench/backup: re-flags a share of the messages in cur/
(":2,S" becomes ":2,RS", as replying does) and moves a share of all messages from new/ to cur/ with ":2,S" appended
(as a client's first look does). Renames keep the mtime, as Dovecot's do. Deterministic; "revert" undoes it.

    maildir_churn.py apply ROOT JOURNAL [reflag-percent (10)] [moved-percent (5)]
    maildir_churn.py revert JOURNAL
"""
import os
import sys


def messages(root, sub):
    found = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        if os.path.basename(folder) == sub:
            found.extend(os.path.join(folder, f) for f in sorted(files))
    return found


def apply(root, journal, reflag, moved):
    cur, new = messages(root, "cur"), messages(root, "new")
    total = len(cur) + len(new)
    moves = []
    step = max(1, round(100 / reflag))
    for path in cur[::step]:
        if path.endswith(":2,S"):
            moves.append((path, path[:-1] + "RS"))
    for path in new[: round(total * moved / 100)]:
        folder = os.path.dirname(os.path.dirname(path))
        moves.append((path, os.path.join(folder, "cur", os.path.basename(path) + ":2,S")))
    with open(journal, "w") as out:
        for before, after in moves:
            os.rename(before, after)
            out.write(f"{before}\t{after}\n")
    print(f"{len(moves)} of {total} messages renamed ({sum(1 for _, a in moves if a.endswith('RS'))} re-flagged, "
          f"{sum(1 for _, a in moves if not a.endswith('RS'))} moved from new/ to cur/)", file=sys.stderr)


def revert(journal):
    with open(journal) as lines:
        for line in lines:
            before, after = line.rstrip("\n").split("\t")
            os.rename(after, before)


if __name__ == "__main__":
    if sys.argv[1] == "apply":
        apply(sys.argv[2], sys.argv[3], float(sys.argv[4]) if len(sys.argv) > 4 else 10, float(sys.argv[5]) if len(sys.argv) > 5 else 5)
    else:
        revert(sys.argv[2])
