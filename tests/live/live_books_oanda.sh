#!/usr/bin/env bash
# live_books.sh on OANDA v20 (PR_LIVE_VENUE=oanda: tests/live/fake_oanda.py,
# the EURUSD sample, a commission of 0.0001 of the notional): the session's
# books are OANDA's fills, at its price and commission, each booked once,
# also across a SIGKILL while an order fills.
PR_LIVE_VENUE=oanda exec bash "$(dirname "$0")/live_books.sh" "$@"
