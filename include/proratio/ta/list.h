/* The list of table indicators: one row per indicator, in the order that
 * pr_ta_at / `proratio ta list` show them. Both the typed declarations
 * (proratio/ta/indicators.h, one PR_TA_DECL_<shape> per row) and the
 * indicator table entries (src/ta/table_list.c) are expanded from these
 * rows, so adding an indicator is its source file plus one row here.
 *
 * PR_TA_ROW(shape, name, group, desc, talib, (n_params, {params}), (n_outputs, {outputs}))
 *   shape   a shape of proratio/ta/shapes.h: the typed signature and inputs
 *   name    lower-case id; the typed API is pr_ta_<name>, pr_ta_<name>_lookback,
 *           pr_ta_<name>_state / _init / _update / _free
 *   params  PR_TA_P_PERIOD(default, min), PR_TA_P_INT(name, default, min),
 *           PR_TA_P_REAL(name, default, min, max) (see pr_ta_param)
 * No include guard: the includer defines PR_TA_ROW first. Indicators whose
 * entries are still written by hand are in src/ta/table_<family>.c. */
/* ---- overlap family (include/proratio/ta/overlap.h documents them) ---- */
PR_TA_ROW(R_P, sma, "overlap", "Simple moving average", 1, (1, {PR_TA_P_PERIOD(30, 2)}), (1, {"sma"}))
PR_TA_ROW(R_P, ema, "overlap", "Exponential moving average (SMA seed)", 1, (1, {PR_TA_P_PERIOD(30, 2)}),
          (1, {"ema"}))
PR_TA_ROW(R_P, wma, "overlap", "Linearly weighted moving average", 1, (1, {PR_TA_P_PERIOD(30, 2)}),
          (1, {"wma"}))
PR_TA_ROW(R_P, dema, "overlap", "Double exponential moving average", 1, (1, {PR_TA_P_PERIOD(30, 2)}),
          (1, {"dema"}))
PR_TA_ROW(R_P, tema, "overlap", "Triple exponential moving average", 1, (1, {PR_TA_P_PERIOD(30, 2)}),
          (1, {"tema"}))
PR_TA_ROW(R_P, trima, "overlap", "Triangular moving average", 1, (1, {PR_TA_P_PERIOD(30, 2)}),
          (1, {"trima"}))
PR_TA_ROW(R_P, kama, "overlap", "Kaufman adaptive moving average", 1, (1, {PR_TA_P_PERIOD(30, 2)}),
          (1, {"kama"}))
PR_TA_ROW(R_PR, t3, "overlap", "Tillson T3 moving average", 1,
          (2, {PR_TA_P_PERIOD(5, 2), PR_TA_P_REAL("vfactor", 0.7, 0.0, 1.0)}), (1, {"t3"}))
PR_TA_ROW(R_PPP_3, macd, "momentum", "Moving average convergence/divergence", 1,
          (3, {PR_TA_P_INT("fast", 12, 2), PR_TA_P_INT("slow", 26, 2), PR_TA_P_INT("signal", 9, 1)}),
          (3, {"macd", "signal", "hist"}))
PR_TA_ROW(PO, apo, "momentum", "Absolute price oscillator (matype 0 SMA, 1 EMA)", 1,
          (3, {PR_TA_P_INT("fast", 12, 2), PR_TA_P_INT("slow", 26, 2), {"matype", 0, 0, 1, 1}}), (1, {"apo"}))
PR_TA_ROW(PO, ppo, "momentum", "Percentage price oscillator (matype 0 SMA, 1 EMA)", 1,
          (3, {PR_TA_P_INT("fast", 12, 2), PR_TA_P_INT("slow", 26, 2), {"matype", 0, 0, 1, 1}}), (1, {"ppo"}))
PR_TA_ROW(R_P, trix, "momentum", "1-bar rate of change of a triple EMA (%)", 1, (1, {PR_TA_P_PERIOD(30, 1)}),
          (1, {"trix"}))
PR_TA_ROW(R_PRR_3, bbands, "overlap", "Bollinger bands (SMA middle, population deviation)", 1,
          (3, {PR_TA_P_PERIOD(20, 2), PR_TA_P_REAL("nbdevup", 2.0, -3e37, 3e37),
               PR_TA_P_REAL("nbdevdn", 2.0, -3e37, 3e37)}),
          (3, {"upper", "middle", "lower"}))
PR_TA_ROW(R_PR, stddev, "stats", "Population standard deviation x nbdev", 1,
          (2, {PR_TA_P_PERIOD(5, 2), PR_TA_P_REAL("nbdev", 1.0, -3e37, 3e37)}), (1, {"stddev"}))
PR_TA_ROW(R_P, var, "stats", "Population variance", 1, (1, {PR_TA_P_PERIOD(5, 1)}), (1, {"var"}))
PR_TA_ROW(R_P, linearreg, "stats", "Least-squares line: value at the current bar", 1,
          (1, {PR_TA_P_PERIOD(14, 2)}), (1, {"linearreg"}))
PR_TA_ROW(R_P, linearreg_slope, "stats", "Least-squares line: slope per bar", 1, (1, {PR_TA_P_PERIOD(14, 2)}),
          (1, {"linearreg_slope"}))
PR_TA_ROW(R_P, linearreg_intercept, "stats", "Least-squares line: value at the window's oldest bar", 1,
          (1, {PR_TA_P_PERIOD(14, 2)}), (1, {"linearreg_intercept"}))
PR_TA_ROW(R_P, linearreg_angle, "stats", "Least-squares line: slope angle in degrees", 1,
          (1, {PR_TA_P_PERIOD(14, 2)}), (1, {"linearreg_angle"}))
PR_TA_ROW(R_P, tsf, "stats", "Time-series forecast: the least-squares line one bar ahead", 1,
          (1, {PR_TA_P_PERIOD(14, 2)}), (1, {"tsf"}))
PR_TA_ROW(RR_P, correl, "stats", "Pearson correlation of real0 and real1", 1, (1, {PR_TA_P_PERIOD(30, 1)}),
          (1, {"correl"}))
PR_TA_ROW(RR_P, beta, "stats", "Beta of real1's returns on real0's returns", 1, (1, {PR_TA_P_PERIOD(5, 1)}),
          (1, {"beta"}))
PR_TA_ROW(HL_P, midprice, "overlap", "(highest high + lowest low)/2", 1, (1, {PR_TA_P_PERIOD(14, 2)}),
          (1, {"midprice"}))
PR_TA_ROW(R_P, midpoint, "overlap", "(highest + lowest)/2", 1, (1, {PR_TA_P_PERIOD(14, 2)}), (1, {"midpoint"}))
PR_TA_ROW(R_0, ht_trendline, "overlap", "Hilbert transform instantaneous trendline", 1, (0, {{0}}),
          (1, {"ht_trendline"}))
/* ---- momentum family (include/proratio/ta/momentum.h documents them; the
 * candlestick patterns follow in src/ta/table_candles.c). Parameter order
 * and defaults follow TA-Lib's functions, except STOCH/STOCHF/STOCHRSI
 * whose fast %K period defaults to 14 (TA-Lib: 5). ---- */
PR_TA_ROW(R_P, rsi, "momentum", "Relative strength index (Wilder)", 1, (1, {PR_TA_P_PERIOD(14, 2)}), (1, {"rsi"}))
PR_TA_ROW(R_P, cmo, "momentum", "Chande momentum oscillator (Wilder-smoothed)", 1, (1, {PR_TA_P_PERIOD(14, 2)}),
          (1, {"cmo"}))
PR_TA_ROW(R_P, mom, "momentum", "Momentum: price - price p bars ago", 1, (1, {PR_TA_P_PERIOD(10, 1)}), (1, {"mom"}))
PR_TA_ROW(R_P, roc, "momentum", "Rate of change: (price/prev - 1)*100", 1, (1, {PR_TA_P_PERIOD(10, 1)}),
          (1, {"roc"}))
PR_TA_ROW(R_P, rocp, "momentum", "Rate of change fraction: (price - prev)/prev", 1, (1, {PR_TA_P_PERIOD(10, 1)}),
          (1, {"rocp"}))
PR_TA_ROW(R_P, rocr, "momentum", "Rate of change ratio: price/prev", 1, (1, {PR_TA_P_PERIOD(10, 1)}),
          (1, {"rocr"}))
PR_TA_ROW(R_P, rocr100, "momentum", "Rate of change ratio x100: (price/prev)*100", 1, (1, {PR_TA_P_PERIOD(10, 1)}),
          (1, {"rocr100"}))
PR_TA_ROW(HLC_PPP_2, stoch, "momentum", "Slow stochastic (SMA smoothings)", 1,
          (3, {PR_TA_P_INT("fastk", 14, 1), PR_TA_P_INT("slowk", 3, 1), PR_TA_P_INT("slowd", 3, 1)}),
          (2, {"slowk", "slowd"}))
PR_TA_ROW(HLC_PP_2, stochf, "momentum", "Fast stochastic (SMA %D)", 1,
          (2, {PR_TA_P_INT("fastk", 14, 1), PR_TA_P_INT("fastd", 3, 1)}), (2, {"fastk", "fastd"}))
PR_TA_ROW(R_PPP_2, stochrsi, "momentum", "Fast stochastic of the RSI", 1,
          (3, {PR_TA_P_PERIOD(14, 2), PR_TA_P_INT("fastk", 14, 1), PR_TA_P_INT("fastd", 3, 1)}),
          (2, {"fastk", "fastd"}))
PR_TA_ROW(HLC_P, willr, "momentum", "Williams %R", 1, (1, {PR_TA_P_PERIOD(14, 2)}), (1, {"willr"}))
PR_TA_ROW(HLC_P, cci, "momentum", "Commodity channel index", 1, (1, {PR_TA_P_PERIOD(14, 2)}), (1, {"cci"}))
PR_TA_ROW(HLC_PPP, ultosc, "momentum", "Ultimate oscillator", 1,
          (3, {PR_TA_P_INT("period1", 7, 1), PR_TA_P_INT("period2", 14, 1), PR_TA_P_INT("period3", 28, 1)}),
          (1, {"ultosc"}))
PR_TA_ROW(OHLC_0, bop, "momentum", "Balance of power", 1, (0, {{0}}), (1, {"bop"}))
PR_TA_ROW(HL_P, plus_dm, "trend", "Plus directional movement (Wilder sum)", 1, (1, {PR_TA_P_PERIOD(14, 2)}),
          (1, {"plus_dm"}))
PR_TA_ROW(HL_P, minus_dm, "trend", "Minus directional movement (Wilder sum)", 1, (1, {PR_TA_P_PERIOD(14, 2)}),
          (1, {"minus_dm"}))
PR_TA_ROW(HLC_P, plus_di, "trend", "Plus directional indicator", 1, (1, {PR_TA_P_PERIOD(14, 2)}), (1, {"plus_di"}))
PR_TA_ROW(HLC_P, minus_di, "trend", "Minus directional indicator", 1, (1, {PR_TA_P_PERIOD(14, 2)}),
          (1, {"minus_di"}))
PR_TA_ROW(HLC_P, dx, "trend", "Directional movement index", 1, (1, {PR_TA_P_PERIOD(14, 2)}), (1, {"dx"}))
PR_TA_ROW(HLC_P, adx, "trend", "Average directional movement index", 1, (1, {PR_TA_P_PERIOD(14, 2)}), (1, {"adx"}))
PR_TA_ROW(HLC_P, adxr, "trend", "ADX rating: (ADX + ADX p-1 bars ago)/2", 1, (1, {PR_TA_P_PERIOD(14, 2)}),
          (1, {"adxr"}))
PR_TA_ROW(HL_P_2, aroon, "trend", "Aroon down/up", 1, (1, {PR_TA_P_PERIOD(14, 2)}), (2, {"down", "up"}))
PR_TA_ROW(HL_P, aroonosc, "trend", "Aroon oscillator (up - down)", 1, (1, {PR_TA_P_PERIOD(14, 2)}),
          (1, {"aroonosc"}))
PR_TA_ROW(HL_RR, sar, "trend", "Parabolic SAR", 1,
          (2, {PR_TA_P_REAL("acceleration", 0.02, 0.0, 3e37), PR_TA_P_REAL("maximum", 0.2, 0.0, 3e37)}),
          (1, {"sar"}))
PR_TA_ROW(HLC_0, trange, "volatility", "True range", 1, (0, {{0}}), (1, {"trange"}))
PR_TA_ROW(HLC_P, atr, "volatility", "Average true range (Wilder)", 1, (1, {PR_TA_P_PERIOD(14, 1)}), (1, {"atr"}))
PR_TA_ROW(HLC_P, natr, "volatility", "Normalised ATR: ATR/close*100", 1, (1, {PR_TA_P_PERIOD(14, 2)}),
          (1, {"natr"}))
PR_TA_ROW(CV_0, obv, "volume", "On-balance volume", 1, (0, {{0}}), (1, {"obv"}))
PR_TA_ROW(HLCV_0, ad, "volume", "Chaikin accumulation/distribution line", 1, (0, {{0}}), (1, {"ad"}))
PR_TA_ROW(HLCV_PP, adosc, "volume", "Chaikin A/D oscillator", 1,
          (2, {PR_TA_P_INT("fast", 3, 2), PR_TA_P_INT("slow", 10, 2)}), (1, {"adosc"}))
PR_TA_ROW(HLCV_P, mfi, "volume", "Money flow index", 1, (1, {PR_TA_P_PERIOD(14, 2)}), (1, {"mfi"}))
