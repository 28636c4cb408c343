/* tests/shim/no-harfbuzz.c - preloaded to make SDL2_ttf look built without HarfBuzz (its
 * version query then answers 0.0.0), so the test can check that the kiosk refuses to start
 * rather than draw broken Bangla. */
void TTF_GetHarfBuzzVersion(int *major, int *minor, int *patch);

void TTF_GetHarfBuzzVersion(int *major, int *minor, int *patch)
{
    *major = 0;
    *minor = 0;
    *patch = 0;
}
