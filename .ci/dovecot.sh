#!/bin/sh
# Install Dovecot's IMAP server for the tests in tests/bounces/test_bounces_imap.py.
# The tests start their own throwaway instance on 127.0.0.1; the system service is never used.
# Failure is tolerated: those tests skip themselves where the `dovecot` binary is absent.
set -u
if command -v dovecot >/dev/null 2>&1; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
fi
# policy-rc.d style environments refuse to start the service, which is what we want.
if ! { $SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends dovecot-imapd; }; then
    echo "dovecot.sh: could not install dovecot-imapd; the IMAP tests will be skipped" >&2
fi
exit 0
