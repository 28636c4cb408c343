#!/usr/bin/env python3
"""Speech mode, end to end: runs the speech replays (tests/e2e/speech_*.replay) through the real
kiosk with --audio-out and checks what came out.

- every screen said what it is and what to do there (each screen's guidance, in the session's
  language), the review field by field, the token character by character;
- speech.log lines are "<ISO 8601 time>\\t<bn|en>\\t<text>", one per WAV file;
- every WAV is whole, PCM 16-bit mono at 22050 Hz, and not silent;
- nothing that was said (a citizen's name, NID, mobile number, or anything else) is on stderr or
  in any file of the data folder but the journal, which keeps the request by design: the
  --audio-out folder is the only record of what was spoken.

Prints "PASS name" / "FAIL name: why" lines. Usage: tests/check-speech.py BUILD_DIR
"""
import glob, os, re, struct, subprocess, sys, tempfile

build = sys.argv[1] if len(sys.argv) > 1 else "build"
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.chdir(root)
kiosk = os.path.join(build, "kiosk")
wrap = os.environ.get("KIOSK_WRAPPER", "").split()


def po(lang):
    """msgid -> msgstr of assets/i18n/LANG.po (single-line entries, as ours are)."""
    out, msgid = {}, None
    for line in open("assets/i18n/%s.po" % lang, encoding="utf-8"):
        m = re.match(r'^msg(id|str) "(.*)"$', line.rstrip("\n"))
        if m and m.group(1) == "id":
            msgid = m.group(2)
        elif m and msgid:
            out[msgid] = m.group(2).replace('\\"', '"')
    return out


def header(path, key):
    for line in open(path, encoding="utf-8"):
        if line.startswith("# %s: " % key):
            return line.split(": ", 1)[1].strip()
    return ""


def wav_problem(path):
    """None when the file is a whole, non-silent 16-bit mono WAV at 22050 Hz."""
    data = open(path, "rb").read()
    if len(data) < 44 or data[:4] != b"RIFF" or data[8:16] != b"WAVEfmt ":
        return "not a RIFF WAVE file"
    if struct.unpack("<I", data[4:8])[0] != len(data) - 8:
        return "RIFF size %d, file %d bytes: not whole" % (struct.unpack("<I", data[4:8])[0], len(data))
    fmt, channels, rate, _, _, bits = struct.unpack("<HHIIHH", data[20:36])
    if (fmt, channels, rate, bits) != (1, 1, 22050, 16):
        return "format %d, %d channels, %d Hz, %d bits (want PCM mono 22050 Hz 16 bits)" % (
            fmt, channels, rate, bits)
    pos = 12
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        if cid == b"data":
            pcm = data[pos + 8:pos + 8 + size]
            if len(pcm) != size or size < 2205 * 2:
                return "%d bytes of sound: cut short or under 0.1 s" % len(pcm)
            samples = struct.unpack("<%dh" % (size // 2), pcm[:size // 2 * 2])
            peak = max(abs(s) for s in samples)
            rms = (sum(s * s for s in samples) / len(samples)) ** 0.5
            if peak < 3000 or rms < 150:
                return "silent (peak %d, RMS %.0f)" % (peak, rms)
            return None
        pos += 8 + size + (size & 1)
    return "no data chunk"


# What each screen must have said, by script: the guidance of every screen the flow visits.
EXPECT = {
    "speech_bn": ("bn", ["speech.on", "speech.welcome", "categories.title", "speech.categories",
                         "speech.services", "speech.service", "speech.form_text",
                         "speech.form_digits", "speech.form_choice", "review.title",
                         "speech.review", "done.title", "done.next_steps", "speech.receipt",
                         "speech.done"],
                  ["টোকেন নম্বর বি শূন্য শূন্য এক",
                   "জাতীয় পরিচয়পত্র নম্বর: এক দুই তিন চার পাঁচ ছয় সাত আট নয় শূন্য",
                   "আবেদনকারীর নাম: মোঃ আব্দুর রহিম", "ই-কার", "রহিম", "আওয়াজ ৭০"]),
    "speech_en": ("en", ["speech.on", "speech.welcome", "categories.title", "speech.categories",
                         "speech.services", "speech.service", "speech.form_text",
                         "speech.form_choice", "speech.form_digits", "review.title",
                         "speech.review", "idle.title", "speech.idle_more", "speech.off"],
                  ["Mobile number: zero one eight one two three four five six seven eight",
                   "Account number: one two three four five six seven eight", "Karim"]),
}


def check(script, size, tmp):
    name = "%s-%s" % (os.path.basename(script)[:-len(".replay")], size)
    base = os.path.basename(script)[:-len(".replay")]
    out, data, audio = (os.path.join(tmp, name, d) for d in ("shots", "data", "audio"))
    os.makedirs(out)
    r = subprocess.run(wrap + [kiosk, "--headless", "--size", size, "--data", data,
                               "--signing-key", "tests/data/signing-test.key", "--audio-out", audio,
                               "--replay", script, "--shots", out],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    stderr = r.stderr.decode("utf-8", "replace") + r.stdout.decode("utf-8", "replace")
    if r.returncode:
        print("FAIL speech/%s: the replay failed: %s" % (name, stderr.strip()[-300:]))
        return
    lines = open(os.path.join(audio, "speech.log"), encoding="utf-8").read().splitlines()
    texts, bad = [], []
    for i, line in enumerate(lines):
        m = re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+06:00\t(bn|en)\t(.+)$", line)
        if not m:
            bad.append("line %d: %r" % (i + 1, line[:60]))
        else:
            texts.append((m.group(1), m.group(2)))
    wavs = sorted(glob.glob(os.path.join(audio, "*.wav")))
    if bad or len(wavs) != len(lines) or not lines:
        print("FAIL speech/%s/log: %d lines, %d WAVs; %s" % (name, len(lines), len(wavs),
                                                             "; ".join(bad[:3])))
    else:
        print("PASS speech/%s/log: %d utterances, each a speech.log line and a WAV" % (
            name, len(lines)))
    problems = [(os.path.basename(w), wav_problem(w)) for w in wavs]
    problems = [p for p in problems if p[1]]
    if problems:
        print("FAIL speech/%s/wav: %s" % (name, "; ".join("%s: %s" % p for p in problems[:3])))
    else:
        print("PASS speech/%s/wav: %d files, whole, PCM 16-bit mono 22050 Hz, none silent" % (
            name, len(wavs)))
    lang, msgids, phrases = EXPECT[base]
    strings = po(lang)
    said = {t for _, t in texts}
    missing = [m for m in msgids if strings[m] not in said]
    missing += [p for p in phrases if p not in said]
    langs = {l for l, _ in texts}
    if missing:
        print("FAIL speech/%s/screens: never said: %s" % (name, "; ".join(missing[:4])))
    elif lang not in langs:
        print("FAIL speech/%s/screens: nothing said in %s" % (name, lang))
    else:
        print("PASS speech/%s/screens: every screen's title and guidance, the review field by "
              "field and the token character by character were said" % name)
    # Nothing said anywhere but --audio-out: not on stderr, not in the data folder's files
    # (the journal aside: it is the request itself).
    leaks = [t for _, t in texts if len(t.encode()) >= 4 and t in stderr]
    for path in glob.glob(os.path.join(data, "**"), recursive=True):
        if os.path.isdir(path) or os.path.basename(path).startswith("journal.sqlite"):
            continue
        blob = open(path, "rb").read()
        leaks += ["%s in %s" % (t, os.path.basename(path)) for _, t in texts
                  if len(t.encode()) >= 4 and t.encode() in blob]
    if leaks:
        print("FAIL speech/%s/private: said text found outside --audio-out: %s" % (
            name, "; ".join(leaks[:3])))
    else:
        print("PASS speech/%s/private: nothing said is on stderr (%d bytes) or in the data "
              "folder's files" % (name, len(stderr)))


with tempfile.TemporaryDirectory() as tmp:
    for script in sorted(glob.glob("tests/e2e/speech_*.replay")):
        for size in header(script, "sizes").split() or ["800x480"]:
            check(script, size, tmp)
