#!/usr/bin/env bash
# The crash test (crash_test.sh) on OANDA v20: a paced `proratio live`
# session on the bundled EURUSD sample against tests/live/fake_oanda.py,
# killed with SIGKILL at seeded points and mistreated (lost ack, dropped
# connection, 503 after the work, slow answer) before each restart; OANDA
# ends with the uninterrupted session's orders, client id for client id.
PR_LIVE_VENUE=oanda exec bash "$(dirname "$0")/crash_test.sh" "$@"
