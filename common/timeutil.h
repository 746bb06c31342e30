#ifndef WH_TIMEUTIL_H
#define WH_TIMEUTIL_H
#include <stdint.h>
#include <stddef.h>
int64_t now_ms(void);           /* wall clock, epoch milliseconds (UTC) */
int64_t mono_ms(void);          /* monotonic milliseconds */
/* "YYYY-MM-DDTHH:MM:SS" in UTC, independent of TZ. buf >= 20 bytes. */
void iso_utc(int64_t epoch_ms, char *buf, size_t n);
/* Same with ".ffffff" microsecond part (from ms precision). buf >= 27 bytes. */
void iso_utc_micro(int64_t epoch_ms, char *buf, size_t n);
#endif
