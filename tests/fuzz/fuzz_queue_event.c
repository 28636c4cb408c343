/*
 * tests/fuzz/fuzz_queue_event.c - fuzz target for what the queue board reads from the
 * centre's broker: a kiosk's event payload (queue_mqtt_parse_event), its time
 * (queue_parse_iso) and its token and category as the queue checks them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "queue/mqtt.h"
#include "queue/queue.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    queue_issue_t in;
    cJSON *json = NULL;
    char err[256] = "";
    int rc = queue_mqtt_parse_event((const char *)data, size, &in, &json, err, sizeof err);
    if (rc < 0 && !err[0])
        abort(); /* every refusal says why */
    if (rc == 0) {
        /* An accepted event's time is a real instant; its token, when valid, is short. */
        if (in.issued_ms < 0)
            abort();
        if (in.token && queue_token_valid(in.token) && strlen(in.token) >= QUEUE_TOKEN_MAX)
            abort();
        if (in.category && queue_category_valid(in.category) &&
            strlen(in.category) >= QUEUE_CAT_MAX)
            abort();
        char iso[32];
        if (in.issued_ms > 0 && in.issued_ms < 253402300799000LL) {
            queue_iso_time(in.issued_ms, iso);
            if (queue_parse_iso(iso) != in.issued_ms / 1000 * 1000)
                abort(); /* the board's own times read back exactly */
        }
    }
    cJSON_Delete(json);
    return 0;
}
