/* Public interface of the data module: CSV import (streamed, format
 * detection), validation and repair with a report, trading calendars and gap
 * detection, resampling to higher timeframes, and storage (store.h). */
#ifndef PRORATIO_DATA_H
#define PRORATIO_DATA_H

#include "proratio/core.h"
#include "proratio/data/calendar.h"
#include "proratio/data/validate.h"
#include "proratio/data/import.h"
#include "proratio/data/resample.h"
#include "proratio/data/store.h"
#include "proratio/data/download.h"
#include "proratio/data/feed.h"

#endif
