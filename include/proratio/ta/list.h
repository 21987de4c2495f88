/* The list of indicators: one row per indicator, in the order that
 * pr_ta_at / `proratio ta list` show them. The typed declarations
 * (proratio/ta/indicators.h, one PR_TA_DECL(shape, name) per row), the
 * indicator table (src/ta/table_list.c, the only one) and the candlestick
 * pattern ids (momentum.h) are all expanded from these rows, so adding an
 * indicator is its source file plus one row here.
 *
 * PR_TA_ROW(shape, name, group, desc, talib, (n_params, {params}), (n_outputs, {outputs}))
 *   shape   a shape of proratio/ta/shapes.h: the typed signature and inputs
 *   name    lower-case id; the typed API is pr_ta_<name>, pr_ta_<name>_lookback,
 *           pr_ta_<name>_state / _init / _update / _free (candlestick
 *           shapes: pr_ta_cdl_<name>..., table name "cdl<name>")
 *   params  PR_TA_P_PERIOD(default, min), PR_TA_P_INT(name, default, min),
 *           PR_TA_P_REAL(name, default, min, max) or {name, default, min,
 *           max, integer} (see pr_ta_param)
 * No include guard: the includer defines PR_TA_ROW first.
 *
 * Not rows, on purpose: the whole-sample statistics of stats.h (ADF,
 * Engle-Granger cointegration, Hurst, OLS, correlation/beta tests,
 * half-life) take a whole series and fill one result struct (a statistic,
 * p-value, lags, ...) rather than a value per bar, so no table entry
 * (lookback, per-bar outputs, streaming) can describe them; `proratio
 * stats` runs them. The combined pr_ta_rolling (mean, std and z-score at
 * once, any output optional) is a helper behind rolling_mean/rolling_std
 * and zscore. */
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
PR_TA_ROW(R_PP, ma, "overlap", "Moving average of a TA-Lib type (0 SMA, 1 EMA, 2 WMA, 3 DEMA, 4 TEMA, 5 TRIMA, 6 KAMA, 7 MAMA, 8 T3)", 1,
          (2, {PR_TA_P_PERIOD(30, 1), {"matype", 0, 0, 8, 1}}), (1, {"ma"}))
PR_TA_ROW(R_PPPPPP_3, macdext, "momentum", "MACD with a TA-Lib MA type per line (0 SMA ... 8 T3)", 1,
          (6, {PR_TA_P_INT("fast", 12, 2), {"fastmatype", 0, 0, 8, 1}, PR_TA_P_INT("slow", 26, 2),
               {"slowmatype", 0, 0, 8, 1}, PR_TA_P_INT("signal", 9, 1), {"signalmatype", 0, 0, 8, 1}}),
          (3, {"macd", "signal", "hist"}))
PR_TA_ROW(RR_PPP, mavp, "overlap", "Moving average with a period per bar (real0 series, real1 periods)", 1,
          (3, {PR_TA_P_INT("minperiod", 2, 2), PR_TA_P_INT("maxperiod", 30, 2), {"matype", 0, 0, 8, 1}}),
          (1, {"mavp"}))
PR_TA_ROW(R_0, ht_dcperiod, "cycle", "Hilbert transform dominant cycle period", 1, (0, {{0}}), (1, {"ht_dcperiod"}))
PR_TA_ROW(R_0, ht_dcphase, "cycle", "Hilbert transform dominant cycle phase (degrees)", 1, (0, {{0}}),
          (1, {"ht_dcphase"}))
PR_TA_ROW(R_0_2, ht_phasor, "cycle", "Hilbert transform phasor components", 1, (0, {{0}}),
          (2, {"inphase", "quadrature"}))
PR_TA_ROW(R_0_2, ht_sine, "cycle", "Hilbert transform sine wave", 1, (0, {{0}}), (2, {"sine", "leadsine"}))
PR_TA_ROW(R_0, ht_trendmode, "cycle", "Hilbert transform trend (1) vs cycle (0) mode", 1, (0, {{0}}),
          (1, {"ht_trendmode"}))
PR_TA_ROW(R_RR_2, mama, "overlap", "MESA adaptive moving average (MAMA, FAMA)", 1,
          (2, {PR_TA_P_REAL("fastlimit", 0.5, 0.01, 0.99), PR_TA_P_REAL("slowlimit", 0.05, 0.01, 0.99)}),
          (2, {"mama", "fama"}))
/* ---- TA-Lib's price transforms, window extremes and sums, math
 * transforms and operators (overlap.h documents them) ---- */
PR_TA_ROW(OHLC_0, avgprice, "price", "Average price (H + L + C + O)/4", 1, (0, {{0}}), (1, {"avgprice"}))
PR_TA_ROW(HL_0, medprice, "price", "Median price (H + L)/2", 1, (0, {{0}}), (1, {"medprice"}))
PR_TA_ROW(HLC_0, typprice, "price", "Typical price (H + L + C)/3", 1, (0, {{0}}), (1, {"typprice"}))
PR_TA_ROW(HLC_0, wclprice, "price", "Weighted close price (H + L + 2C)/4", 1, (0, {{0}}), (1, {"wclprice"}))
PR_TA_ROW(R_P, max, "stats", "Highest value over period bars", 1, (1, {PR_TA_P_PERIOD(30, 2)}), (1, {"max"}))
PR_TA_ROW(R_P, min, "stats", "Lowest value over period bars", 1, (1, {PR_TA_P_PERIOD(30, 2)}), (1, {"min"}))
PR_TA_ROW(R_P_2, minmax, "stats", "Lowest and highest values over period bars", 1, (1, {PR_TA_P_PERIOD(30, 2)}),
          (2, {"min", "max"}))
PR_TA_ROW(R_P, maxindex, "stats", "Bar index of the highest value over period bars", 1,
          (1, {PR_TA_P_PERIOD(30, 2)}), (1, {"maxindex"}))
PR_TA_ROW(R_P, minindex, "stats", "Bar index of the lowest value over period bars", 1,
          (1, {PR_TA_P_PERIOD(30, 2)}), (1, {"minindex"}))
PR_TA_ROW(R_P_2, minmaxindex, "stats", "Bar indices of the lowest and highest values over period bars", 1,
          (1, {PR_TA_P_PERIOD(30, 2)}), (2, {"minidx", "maxidx"}))
PR_TA_ROW(R_P, sum, "stats", "Sum over period bars (running sum)", 1, (1, {PR_TA_P_PERIOD(30, 2)}), (1, {"sum"}))
PR_TA_ROW(R_P, avgdev, "stats", "Mean absolute deviation about the period-bar mean", 1,
          (1, {PR_TA_P_PERIOD(14, 2)}), (1, {"avgdev"}))
PR_TA_ROW(HLC_P_3, accbands, "volatility", "Acceleration bands (SMA of H(1+t), C, L(1-t), t = 4(H-L)/(H+L))", 1,
          (1, {PR_TA_P_PERIOD(20, 2)}), (3, {"upper", "middle", "lower"}))
PR_TA_ROW(OC_P, imi, "momentum", "Intraday momentum index", 1, (1, {PR_TA_P_PERIOD(14, 2)}), (1, {"imi"}))
PR_TA_ROW(R_P_3, macdfix, "momentum", "MACD 12/26 with fixed EMA constants 0.15/0.075", 1,
          (1, {PR_TA_P_INT("signal", 9, 1)}), (3, {"macd", "signal", "hist"}))
PR_TA_ROW(R_0, acos, "math", "Arc cosine", 1, (0, {{0}}), (1, {"acos"}))
PR_TA_ROW(R_0, asin, "math", "Arc sine", 1, (0, {{0}}), (1, {"asin"}))
PR_TA_ROW(R_0, atan, "math", "Arc tangent", 1, (0, {{0}}), (1, {"atan"}))
PR_TA_ROW(R_0, ceil, "math", "Ceiling", 1, (0, {{0}}), (1, {"ceil"}))
PR_TA_ROW(R_0, cos, "math", "Cosine", 1, (0, {{0}}), (1, {"cos"}))
PR_TA_ROW(R_0, cosh, "math", "Hyperbolic cosine", 1, (0, {{0}}), (1, {"cosh"}))
PR_TA_ROW(R_0, exp, "math", "Exponential", 1, (0, {{0}}), (1, {"exp"}))
PR_TA_ROW(R_0, floor, "math", "Floor", 1, (0, {{0}}), (1, {"floor"}))
PR_TA_ROW(R_0, ln, "math", "Natural logarithm", 1, (0, {{0}}), (1, {"ln"}))
PR_TA_ROW(R_0, log10, "math", "Base-10 logarithm", 1, (0, {{0}}), (1, {"log10"}))
PR_TA_ROW(R_0, sin, "math", "Sine", 1, (0, {{0}}), (1, {"sin"}))
PR_TA_ROW(R_0, sinh, "math", "Hyperbolic sine", 1, (0, {{0}}), (1, {"sinh"}))
PR_TA_ROW(R_0, sqrt, "math", "Square root", 1, (0, {{0}}), (1, {"sqrt"}))
PR_TA_ROW(R_0, tan, "math", "Tangent", 1, (0, {{0}}), (1, {"tan"}))
PR_TA_ROW(R_0, tanh, "math", "Hyperbolic tangent", 1, (0, {{0}}), (1, {"tanh"}))
PR_TA_ROW(RR_0, add, "math", "real0 + real1", 1, (0, {{0}}), (1, {"add"}))
PR_TA_ROW(RR_0, sub, "math", "real0 - real1", 1, (0, {{0}}), (1, {"sub"}))
PR_TA_ROW(RR_0, mult, "math", "real0 * real1", 1, (0, {{0}}), (1, {"mult"}))
PR_TA_ROW(RR_0, div, "math", "real0 / real1", 1, (0, {{0}}), (1, {"div"}))
/* ---- momentum family (include/proratio/ta/momentum.h documents them; the
 * candlestick patterns follow the volume rows). Parameter order
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
PR_TA_ROW(STOCHF, stochf, "momentum", "Fast stochastic (SMA %D)", 1,
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
PR_TA_ROW(HL_RRRRRRRR, sarext, "trend", "Parabolic SAR, extended: per-side accelerations, start value, offset on reverse; -SAR while short", 1,
          (8, {PR_TA_P_REAL("startvalue", 0.0, -3e37, 3e37), PR_TA_P_REAL("offsetonreverse", 0.0, 0.0, 3e37),
               PR_TA_P_REAL("accelerationinitlong", 0.02, 0.0, 3e37), PR_TA_P_REAL("accelerationlong", 0.02, 0.0, 3e37),
               PR_TA_P_REAL("accelerationmaxlong", 0.2, 0.0, 3e37), PR_TA_P_REAL("accelerationinitshort", 0.02, 0.0, 3e37),
               PR_TA_P_REAL("accelerationshort", 0.02, 0.0, 3e37), PR_TA_P_REAL("accelerationmaxshort", 0.2, 0.0, 3e37)}),
          (1, {"sarext"}))
PR_TA_ROW(HLC_0, trange, "volatility", "True range", 1, (0, {{0}}), (1, {"trange"}))
PR_TA_ROW(HLC_P, atr, "volatility", "Average true range (Wilder)", 1, (1, {PR_TA_P_PERIOD(14, 1)}), (1, {"atr"}))
PR_TA_ROW(HLC_P, natr, "volatility", "Normalised ATR: ATR/close*100", 1, (1, {PR_TA_P_PERIOD(14, 2)}),
          (1, {"natr"}))
PR_TA_ROW(CV_0, obv, "volume", "On-balance volume", 1, (0, {{0}}), (1, {"obv"}))
PR_TA_ROW(HLCV_0, ad, "volume", "Chaikin accumulation/distribution line", 1, (0, {{0}}), (1, {"ad"}))
PR_TA_ROW(HLCV_PP, adosc, "volume", "Chaikin A/D oscillator", 1,
          (2, {PR_TA_P_INT("fast", 3, 2), PR_TA_P_INT("slow", 10, 2)}), (1, {"adosc"}))
PR_TA_ROW(HLCV_P, mfi, "volume", "Money flow index", 1, (1, {PR_TA_P_PERIOD(14, 2)}), (1, {"mfi"}))
/* ---- candlestick patterns (momentum.h documents the pattern engine; the
 * rules are src/ta/cdl_patterns.c). Table name cdl<name>, typed API
 * pr_ta_cdl_<name>, pattern id PR_TA_CDL_<name>; penetration patterns
 * take it as their only parameter. ---- */
PR_TA_ROW(CDL, doji, "pattern", "Doji", 1, (0, {{0}}), (1, {"cdldoji"}))
PR_TA_ROW(CDL, dragonflydoji, "pattern", "Dragonfly doji", 1, (0, {{0}}), (1, {"cdldragonflydoji"}))
PR_TA_ROW(CDL, gravestonedoji, "pattern", "Gravestone doji", 1, (0, {{0}}), (1, {"cdlgravestonedoji"}))
PR_TA_ROW(CDL, marubozu, "pattern", "Marubozu", 1, (0, {{0}}), (1, {"cdlmarubozu"}))
PR_TA_ROW(CDL, spinningtop, "pattern", "Spinning top", 1, (0, {{0}}), (1, {"cdlspinningtop"}))
PR_TA_ROW(CDL, engulfing, "pattern", "Engulfing pattern", 1, (0, {{0}}), (1, {"cdlengulfing"}))
PR_TA_ROW(CDL, hammer, "pattern", "Hammer", 1, (0, {{0}}), (1, {"cdlhammer"}))
PR_TA_ROW(CDL, hangingman, "pattern", "Hanging man", 1, (0, {{0}}), (1, {"cdlhangingman"}))
PR_TA_ROW(CDL, invertedhammer, "pattern", "Inverted hammer", 1, (0, {{0}}), (1, {"cdlinvertedhammer"}))
PR_TA_ROW(CDL, shootingstar, "pattern", "Shooting star", 1, (0, {{0}}), (1, {"cdlshootingstar"}))
PR_TA_ROW(CDL, harami, "pattern", "Harami pattern", 1, (0, {{0}}), (1, {"cdlharami"}))
PR_TA_ROW(CDL, piercing, "pattern", "Piercing pattern", 1, (0, {{0}}), (1, {"cdlpiercing"}))
PR_TA_ROW(CDL_PEN, darkcloudcover, "pattern", "Dark cloud cover", 1, (1, {PR_TA_P_REAL("penetration", 0.5, 0.0, 3e37)}),
          (1, {"cdldarkcloudcover"}))
PR_TA_ROW(CDL_PEN, morningstar, "pattern", "Morning star", 1, (1, {PR_TA_P_REAL("penetration", 0.3, 0.0, 3e37)}),
          (1, {"cdlmorningstar"}))
PR_TA_ROW(CDL_PEN, eveningstar, "pattern", "Evening star", 1, (1, {PR_TA_P_REAL("penetration", 0.3, 0.0, 3e37)}),
          (1, {"cdleveningstar"}))
PR_TA_ROW(CDL, 3whitesoldiers, "pattern", "Three advancing white soldiers", 1, (0, {{0}}), (1, {"cdl3whitesoldiers"}))
PR_TA_ROW(CDL, 3blackcrows, "pattern", "Three black crows", 1, (0, {{0}}), (1, {"cdl3blackcrows"}))
PR_TA_ROW(CDL, 2crows, "pattern", "Two crows", 1, (0, {{0}}), (1, {"cdl2crows"}))
PR_TA_ROW(CDL, 3inside, "pattern", "Three inside up/down", 1, (0, {{0}}), (1, {"cdl3inside"}))
PR_TA_ROW(CDL, 3linestrike, "pattern", "Three-line strike", 1, (0, {{0}}), (1, {"cdl3linestrike"}))
PR_TA_ROW(CDL, 3outside, "pattern", "Three outside up/down", 1, (0, {{0}}), (1, {"cdl3outside"}))
PR_TA_ROW(CDL, 3starsinsouth, "pattern", "Three stars in the south", 1, (0, {{0}}), (1, {"cdl3starsinsouth"}))
PR_TA_ROW(CDL_PEN, abandonedbaby, "pattern", "Abandoned baby", 1, (1, {PR_TA_P_REAL("penetration", 0.3, 0.0, 3e37)}),
          (1, {"cdlabandonedbaby"}))
PR_TA_ROW(CDL, advanceblock, "pattern", "Advance block", 1, (0, {{0}}), (1, {"cdladvanceblock"}))
PR_TA_ROW(CDL, belthold, "pattern", "Belt hold", 1, (0, {{0}}), (1, {"cdlbelthold"}))
PR_TA_ROW(CDL, breakaway, "pattern", "Breakaway", 1, (0, {{0}}), (1, {"cdlbreakaway"}))
PR_TA_ROW(CDL, closingmarubozu, "pattern", "Closing marubozu", 1, (0, {{0}}), (1, {"cdlclosingmarubozu"}))
PR_TA_ROW(CDL, concealbabyswall, "pattern", "Concealing baby swallow", 1, (0, {{0}}), (1, {"cdlconcealbabyswall"}))
PR_TA_ROW(CDL, counterattack, "pattern", "Counterattack", 1, (0, {{0}}), (1, {"cdlcounterattack"}))
PR_TA_ROW(CDL, dojistar, "pattern", "Doji star", 1, (0, {{0}}), (1, {"cdldojistar"}))
PR_TA_ROW(CDL_PEN, eveningdojistar, "pattern", "Evening doji star", 1, (1, {PR_TA_P_REAL("penetration", 0.3, 0.0, 3e37)}),
          (1, {"cdleveningdojistar"}))
PR_TA_ROW(CDL, gapsidesidewhite, "pattern", "Up/down-gap side-by-side white lines", 1, (0, {{0}}), (1, {"cdlgapsidesidewhite"}))
PR_TA_ROW(CDL, haramicross, "pattern", "Harami cross", 1, (0, {{0}}), (1, {"cdlharamicross"}))
PR_TA_ROW(CDL, highwave, "pattern", "High-wave candle", 1, (0, {{0}}), (1, {"cdlhighwave"}))
PR_TA_ROW(CDL, hikkake, "pattern", "Hikkake (+-200 on confirmation)", 1, (0, {{0}}), (1, {"cdlhikkake"}))
PR_TA_ROW(CDL, hikkakemod, "pattern", "Modified hikkake (+-200 on confirmation)", 1, (0, {{0}}), (1, {"cdlhikkakemod"}))
PR_TA_ROW(CDL, homingpigeon, "pattern", "Homing pigeon", 1, (0, {{0}}), (1, {"cdlhomingpigeon"}))
PR_TA_ROW(CDL, identical3crows, "pattern", "Identical three crows", 1, (0, {{0}}), (1, {"cdlidentical3crows"}))
PR_TA_ROW(CDL, inneck, "pattern", "In-neck", 1, (0, {{0}}), (1, {"cdlinneck"}))
PR_TA_ROW(CDL, kicking, "pattern", "Kicking", 1, (0, {{0}}), (1, {"cdlkicking"}))
PR_TA_ROW(CDL, kickingbylength, "pattern", "Kicking, bull/bear by the longer marubozu", 1, (0, {{0}}), (1, {"cdlkickingbylength"}))
PR_TA_ROW(CDL, ladderbottom, "pattern", "Ladder bottom", 1, (0, {{0}}), (1, {"cdlladderbottom"}))
PR_TA_ROW(CDL, longleggeddoji, "pattern", "Long-legged doji", 1, (0, {{0}}), (1, {"cdllongleggeddoji"}))
PR_TA_ROW(CDL, longline, "pattern", "Long line candle", 1, (0, {{0}}), (1, {"cdllongline"}))
PR_TA_ROW(CDL, matchinglow, "pattern", "Matching low", 1, (0, {{0}}), (1, {"cdlmatchinglow"}))
PR_TA_ROW(CDL_PEN, mathold, "pattern", "Mat hold", 1, (1, {PR_TA_P_REAL("penetration", 0.5, 0.0, 3e37)}),
          (1, {"cdlmathold"}))
PR_TA_ROW(CDL_PEN, morningdojistar, "pattern", "Morning doji star", 1, (1, {PR_TA_P_REAL("penetration", 0.3, 0.0, 3e37)}),
          (1, {"cdlmorningdojistar"}))
PR_TA_ROW(CDL, onneck, "pattern", "On-neck", 1, (0, {{0}}), (1, {"cdlonneck"}))
PR_TA_ROW(CDL, rickshawman, "pattern", "Rickshaw man", 1, (0, {{0}}), (1, {"cdlrickshawman"}))
PR_TA_ROW(CDL, risefall3methods, "pattern", "Rising/falling three methods", 1, (0, {{0}}), (1, {"cdlrisefall3methods"}))
PR_TA_ROW(CDL, separatinglines, "pattern", "Separating lines", 1, (0, {{0}}), (1, {"cdlseparatinglines"}))
PR_TA_ROW(CDL, shortline, "pattern", "Short line candle", 1, (0, {{0}}), (1, {"cdlshortline"}))
PR_TA_ROW(CDL, stalledpattern, "pattern", "Stalled pattern", 1, (0, {{0}}), (1, {"cdlstalledpattern"}))
PR_TA_ROW(CDL, sticksandwich, "pattern", "Stick sandwich", 1, (0, {{0}}), (1, {"cdlsticksandwich"}))
PR_TA_ROW(CDL, takuri, "pattern", "Takuri (dragonfly doji with a very long lower shadow)", 1, (0, {{0}}), (1, {"cdltakuri"}))
PR_TA_ROW(CDL, tasukigap, "pattern", "Tasuki gap", 1, (0, {{0}}), (1, {"cdltasukigap"}))
PR_TA_ROW(CDL, thrusting, "pattern", "Thrusting", 1, (0, {{0}}), (1, {"cdlthrusting"}))
PR_TA_ROW(CDL, tristar, "pattern", "Tristar", 1, (0, {{0}}), (1, {"cdltristar"}))
PR_TA_ROW(CDL, unique3river, "pattern", "Unique three river", 1, (0, {{0}}), (1, {"cdlunique3river"}))
PR_TA_ROW(CDL, upsidegap2crows, "pattern", "Upside gap two crows", 1, (0, {{0}}), (1, {"cdlupsidegap2crows"}))
PR_TA_ROW(CDL, xsidegap3methods, "pattern", "Upside/downside gap three methods", 1, (0, {{0}}), (1, {"cdlxsidegap3methods"}))
/* ---- extra family: indicators TA-Lib lacks (extra.h documents them).
 * Parameter ranges mirror the typed functions' checks, so
 * pr_ta_check_params catches every bad value. ---- */
PR_TA_ROW(THLCV_P, vwap, "volume", "Session VWAP of (H+L+C)/3, reset each anchor period (0 UTC day, 1 US session 09:30 ET, 2 week, 3 month)", 0,
          (1, {{"anchor", 0, 0, 3, 1}}),
          (1, {"vwap"}))
PR_TA_ROW(HLCV_P, rvwap, "volume", "Rolling VWAP of (H+L+C)/3 over the last period bars", 0,
          (1, {{"period", 20, 1, 10000, 1}}),
          (1, {"rvwap"}))
PR_TA_ROW(HLC_PPR_3, keltner, "volatility", "Keltner channels: EMA(close) middle, bands mult x ATR (TradingView defaults 20, 10, 2)", 0,
          (3, {{"ema_period", 20, 2, 100000, 1}, {"atr_period", 10, 1, 100000, 1}, {"mult", 2, 0, 100, 0}}),
          (3, {"upper", "middle", "lower"}))
PR_TA_ROW(HL_P_3, donchian, "volatility", "Donchian channels: highest high, midpoint, lowest low over period bars", 0,
          (1, {{"period", 20, 1, 100000, 1}}),
          (3, {"upper", "middle", "lower"}))
PR_TA_ROW(HLC_PR_2, supertrend, "trend", "SuperTrend (TradingView rules): line and direction (+1 up, -1 down)", 0,
          (2, {{"period", 10, 1, 100000, 1}, {"mult", 3, 0, 100, 0}}),
          (2, {"line", "direction"}))
PR_TA_ROW(HL_PPP_4, ichimoku, "trend", "Ichimoku tenkan, kijun, senkou A/B un-shifted (plotted 26 bars ahead); no chikou", 0,
          (3, {{"tenkan", 9, 1, 100000, 1}, {"kijun", 26, 1, 100000, 1}, {"senkou", 52, 1, 100000, 1}}),
          (4, {"tenkan", "kijun", "senkou_a", "senkou_b"}))
PR_TA_ROW(OHLC_0_4, heikin_ashi, "overlap", "Heikin-Ashi candles (HA open seeded with (O+C)/2 of the first bar)", 0,
          (0, {{0}}),
          (4, {"open", "high", "low", "close"}))
PR_TA_ROW(HLCV_P, cmf, "volume", "Chaikin Money Flow over period bars", 0,
          (1, {{"period", 20, 1, 100000, 1}}),
          (1, {"cmf"}))
PR_TA_ROW(HLC_PPP_2, wavetrend, "momentum", "WaveTrend (LazyBear): wt1 = EMA(CI, n2), wt2 = SMA(wt1, signal); TA-Lib EMA seeds", 0,
          (3, {{"n1", 10, 2, 100000, 1}, {"n2", 21, 2, 100000, 1}, {"signal", 4, 2, 100000, 1}}),
          (2, {"wt1", "wt2"}))
PR_TA_ROW(R_P, hma, "overlap", "Hull moving average WMA(2 WMA(n/2) - WMA(n), sqrt n)", 0,
          (1, {{"period", 9, 4, 100000, 1}}),
          (1, {"hma"}))
PR_TA_ROW(R_PP, zscore, "stats", "Rolling z-score (x - mean)/sd over period bars; ddof 0 population sd (default), 1 sample", 0,
          (2, {{"period", 20, 2, 100000, 1}, {"ddof", 0, 0, 1, 1}}),
          (1, {"zscore"}))
PR_TA_ROW(R_P, percentrank, "stats", "Percent of the previous period values <= the current one (TradingView percentrank)", 0,
          (1, {{"period", 100, 1, 100000, 1}}),
          (1, {"percentrank"}))
PR_TA_ROW(THLC_PP_V, pivots, "levels", "Pivot points from the previous completed period (kind 0 classic, 1 fibonacci; anchor 0 day, 1 US session, 2 week, 3 month)", 0,
          (2, {{"kind", 0, 0, 1, 1}, {"anchor", 0, 0, 3, 1}}),
          (7, {"p", "r1", "r2", "r3", "s1", "s2", "s3"}))
PR_TA_ROW(HL_PP_2, swings, "levels", "Swing highs/lows with left/right bars, reported right bars after the pivot (NaN elsewhere)", 0,
          (2, {{"left", 5, 1, 1000, 1}, {"right", 5, 0, 1000, 1}}),
          (2, {"high", "low"}))
PR_TA_ROW(HLC_CFG_4, levels, "levels", "Nearest support/resistance from clustered confirmed swings, with strength in [0,1)", 0,
          (7, {{"left", 5, 1, 1000, 1}, {"right", 5, 0, 1000, 1}, {"window", 300, 1, 100000, 1}, {"atr_period", 14, 1, 100000, 1}, {"tol_atr", 0.5, 0, 100, 0}, {"tol_pct", 0, 0, 1, 0}, {"half_life", 100, 1, 1e6, 0}}),
          (4, {"support", "support_strength", "resistance", "resistance_strength"}))
/* ---- stats family: the rolling mean and standard deviation (stats.h;
 * the rolling z-score is the extra family's zscore). Whole-sample
 * statistics (ADF, cointegration, Hurst, OLS, ...) return one result
 * struct per series, not a value per bar, so they are no table rows: they
 * live in the typed API (stats.h) and `proratio stats`. ---- */
PR_TA_ROW(R_P, rolling_mean, "stats", "Rolling mean over period bars (same values as SMA; drift-free sliding update)", 0,
          (1, {{"period", 20, 1, PR_TA_ROLLING_MAX_PERIOD, 1}}), (1, {"mean"}))
PR_TA_ROW(R_PP, rolling_std, "stats", "Rolling standard deviation over period bars; ddof 1 = sample (default), 0 = population", 0,
          (2, {{"period", 20, 2, PR_TA_ROLLING_MAX_PERIOD, 1}, {"ddof", 1, 0, 1, 1}}), (1, {"std"}))
