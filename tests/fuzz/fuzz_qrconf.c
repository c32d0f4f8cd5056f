/*
 * fuzz_qrconf.c - qr.conf's parser (hhid.h): the input is the config; a
 * config that loads is used to build a payload and to parse a token back,
 * which must give the code again.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz_file.h"
#include "hhid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size, ".conf");
    struct ff_payload_cfg *c;
    struct ff_err e;
    char out[FF_PAYLOAD_MAX], token[32], code[12];

    if (path == NULL)
        return 0;
    ff_err_clear(&e);
    c = ff_payload_cfg_load(path, NULL, &e);
    if (c == NULL)
        return 0;
    (void)ff_payload_level(c);
    (void)ff_payload_max_version(c);
    if (ff_payload_build(c, "24010105963", out, sizeof out, &e) == FF_OK &&
        ff_payload_token(c, "24010105963", token, sizeof token) > 0 &&
        (ff_payload_parse(c, token, strlen(token), code) != FF_HHID_OK ||
         strcmp(code, "24010105963") != 0))
        abort();
    ff_payload_cfg_free(c);
    return 0;
}
