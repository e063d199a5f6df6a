#!/usr/bin/env bash
# Builds a mail volume shaped like docker-mailserver's, with everything a backup gets wrong when it can:
#   make-mail-volume.sh <root>     makes <root>/data (maildirs), <root>/state (Dovecot/Rspamd/Postfix state, DKIM key)
# nested maildirs and Dovecot files, hard links (within a maildir and across two), owners that exist nowhere, odd
# modes (setgid, sticky, setuid, 0000), names with umlauts, CJK, emoji, a newline, a tab, quotes and globs, a 1 GiB
# sparse file with three data blocks, symbolic links (relative, absolute, dangling), a FIFO like Postfix's, an
# extended attribute and a POSIX ACL, and times from 1990 to 2035 with nanoseconds.
set -euo pipefail
root=$1
data=$root/data
state=$root/state
mkdir -p "$data" "$state"

message() { # message FILE SIZE SEED
  { printf 'From: sender%s@example.org\nTo: user@example.test\nSubject: message %s\nMessage-ID: <%s@example.org>\n\n' "$3" "$3" "$3"
    head -c "$2" /dev/urandom | base64 -w 76; } >"$1"
}

for user in alice bob 'jürgen'; do
  md=$data/example.test/$user
  for folder in "" .Sent .Drafts '.Entwürfe' '.Archive.2025' '.日本語'; do
    mkdir -p "$md/$folder/cur" "$md/$folder/new" "$md/$folder/tmp"
    for i in 1 2 3; do
      message "$md/$folder/cur/17000000$i.M${i}P42.mail,S=1234,W=1260:2,S" $((i * 700)) "$user$folder$i"
    done
    message "$md/$folder/new/17000001.M9P42.mail" 300 "$user${folder}new"
    printf 'dovecot index of %s\n' "$user$folder" >"$md/$folder/dovecot.index"
    printf '3 V1700000000 N4\n' >"$md/$folder/dovecot-uidlist"
  done
  printf 'Entwürfe\nSent\n' >"$md/subscriptions"
  chown -R 5000:5000 "$data/example.test/$user"
  chmod 0700 "$md"
done

alice=$data/example.test/alice
# Hard links: one inside a maildir, one across two users' maildirs (a delivery to both, deduplicated).
ln "$alice/cur/170000001.M1P42.mail,S=1234,W=1260:2,S" "$alice/.Archive.2025/cur/linked-copy:2,S"
ln "$alice/cur/170000002.M2P42.mail,S=1234,W=1260:2,S" "$data/example.test/bob/cur/shared-delivery:2,S"

odd=$data/odd
mkdir -p "$odd"
for name in $'line\nbreak' $'tab\there' ' leading space' 'trailing space ' '-dash' 'back\slash' "quote'n\"double" 'star*?[x]' 'émoji 📬 ✉' 'ÄÖÜß' '日本語のメール' 'a:b;c|d&e$f'; do
  printf 'file named %s\n' "$name" >"$odd/$name"
done
mkdir "$odd/setgid" "$odd/sticky" "$odd/private" "$odd/empty"
chmod 2750 "$odd/setgid"; chmod 1777 "$odd/sticky"; chmod 0700 "$odd/private"
printf 'secret\n' >"$odd/private/0600"; chmod 0600 "$odd/private/0600"
printf 'nobody may read\n' >"$odd/mode-0000"; chmod 0000 "$odd/mode-0000"
printf '#!/bin/sh\n' >"$odd/setuid"; chmod 4755 "$odd/setuid"
printf 'read only\n' >"$odd/setgid/0444"; chmod 0444 "$odd/setgid/0444"
chown 12345:54321 "$odd/mode-0000" "$odd/setgid"
chown 5000:12345 "$odd/private/0600"
setfattr -n user.mail.origin -v 'imported from the old server' "$odd/ÄÖÜß"
setfacl -m u:5000:r "$odd/private/0600" 2>/dev/null || true

# State: Dovecot, Rspamd (with a large sparse statistics file), Postfix's public FIFO, the DKIM key.
mkdir -p "$state/lib-dovecot" "$state/lib-rspamd" "$state/spool-postfix/public" "$state/lib-postfix" "$state/config/opendkim/keys/example.test"
printf 'instance\n' >"$state/lib-dovecot/instances"
truncate -s 1G "$state/lib-rspamd/bayes.spam.sqlite"
for offset in 0 512 1023; do
  head -c 4096 /dev/urandom | dd of="$state/lib-rspamd/bayes.spam.sqlite" bs=1M seek="$offset" conv=notrunc status=none
done
mkfifo "$state/spool-postfix/public/pickup"
chmod 0622 "$state/spool-postfix/public/pickup"
head -c 1200 /dev/urandom | base64 >"$state/config/opendkim/keys/example.test/mail.private"
chmod 0600 "$state/config/opendkim/keys/example.test/mail.private"
chown 110:115 "$state/config/opendkim/keys/example.test/mail.private"
ln -s lib-rspamd "$state/current"
ln -s /nonexistent/target "$state/dangling"
ln -s "$state/lib-dovecot/instances" "$state/absolute-link"

# Times last: old, future, with nanoseconds; folders after their contents, since writing into a folder sets its mtime.
touch -h -d '1990-01-01 00:00:00.123456789 UTC' "$odd/-dash" "$state/current"
touch -d '2035-06-30 12:00:00.5 UTC' "$odd/ÄÖÜß"
touch -d '2001-09-09 01:46:40.000000001 UTC' "$odd/$(printf 'line\nbreak')"
find "$root" -depth -type d -exec touch -d '2024-02-29 12:34:56.987654321 UTC' {} +
