#!/bin/sh
# Install the Debian packages some tests need, when they are missing:
#   dovecot-imapd  tests/bounces/test_bounces_imap.py starts a throwaway Dovecot on 127.0.0.1;
#   keepassxc      tests/test_plan_progress.py edits a vault with keepassxc-cli, a real client;
#   chromium       tests/test_plan_usability.py renders the HTML plan at a phone's width.
# The system services are never used. Failure is tolerated: those tests skip themselves, with a reason,
# where the program is absent.
set -u
missing=""
command -v dovecot >/dev/null 2>&1 || missing="$missing dovecot-imapd"
command -v keepassxc-cli >/dev/null 2>&1 || missing="$missing keepassxc"
{ command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; } || missing="$missing chromium"
[ -n "$missing" ] || exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
fi
# policy-rc.d style environments refuse to start the services, which is what we want.
if ! { $SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends $missing; }; then
    echo "packages.sh: could not install$missing; the tests that need them will be skipped" >&2
fi
exit 0
