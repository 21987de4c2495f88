/* Part of data/download.h: the one list of download sources. A row
 * X(name, "cli-name") stands for a descriptor `pr_dl_source_<name>` defined
 * in src/data/source_<file>.c (request building, page parsing, error
 * classification, default base URL); pr_dl_source_find, `proratio data
 * download --source` and its --help read this list, so adding a venue is
 * one adapter file plus one row here (docs/HACKING.md). */
#ifndef PRORATIO_DATA_SOURCES_H
#define PRORATIO_DATA_SOURCES_H

#define PR_DL_SOURCES(X)                     \
    X(binance, "binance")                    \
    X(binance_futures, "binance-futures")   \
    X(yahoo, "yahoo")                        \
    X(oanda, "oanda")                        \
    X(alphavantage, "alphavantage")          \
    X(coingecko, "coingecko")

#endif
